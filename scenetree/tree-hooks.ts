import { ErrorCode, MultiplayerError } from '../core/index.js';
import type { Node } from './node.js';

/**
 * What a node tells the SceneTree it lives in. Godot: SceneTree::node_added, node_removed,
 * node_renamed, tree_changed, add_to_group, remove_from_group, queue_delete (scene/main/scene_tree.cpp).
 * Internal: kept off the public SceneTree surface, and in its own module so that `node.ts` never
 * imports `scene-tree.ts` at run time (which would make an import cycle through the default
 * MultiplayerAPI's nodes).
 */
export interface TreeHooks {
  nodeAdded(node: Node): void;
  nodeRemoved(node: Node): void;
  nodeRenamed(node: Node): void;
  treeChanged(): void;
  addToGroup(group: string, node: Node): void;
  removeFromGroup(group: string, node: Node): void;
  queueDelete(node: Node): void;
}

const registry = new WeakMap<object, TreeHooks>();

/** Called by each SceneTree in its constructor. */
export function registerTreeHooks(tree: object, hooks: TreeHooks): void {
  registry.set(tree, hooks);
}

/** The hooks of `tree`. */
export function treeHooks(tree: object): TreeHooks {
  const hooks = registry.get(tree);
  if (hooks === undefined) throw new MultiplayerError(ErrorCode.ERR_BUG, 'SceneTree hooks are not registered.');
  return hooks;
}
