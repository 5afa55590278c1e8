import type { Node } from './node.js';
import { dataOf } from './node-data.js';
import { ProcessMode } from './process-mode.js';

export { ProcessMode } from './process-mode.js';

/** The mode that applies to `node`: its own, or the nearest non-INHERIT ancestor's (PAUSABLE at the top). */
export function effectiveProcessMode(node: Node): ProcessMode {
  for (let n: Node | null = node; n !== null; n = dataOf(n).parent) {
    const mode = n.processMode;
    if (mode !== ProcessMode.INHERIT) return mode;
  }
  return ProcessMode.PAUSABLE;
}

/**
 * Godot: Node::can_process / _can_process (scene/main/node.cpp): inside a tree, not DISABLED, and
 * ALWAYS, or PAUSABLE while running, or WHEN_PAUSED while paused.
 */
export function canProcess(node: Node): boolean {
  const tree = dataOf(node).tree;
  if (tree === null) return false;
  const mode = effectiveProcessMode(node);
  if (mode === ProcessMode.DISABLED) return false;
  if (mode === ProcessMode.ALWAYS) return true;
  return tree.paused ? mode === ProcessMode.WHEN_PAUSED : mode === ProcessMode.PAUSABLE;
}
