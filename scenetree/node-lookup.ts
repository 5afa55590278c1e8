import { ErrorCode, MultiplayerError, NodePath } from '../core/index.js';
import type { Node } from './node.js';
import { dataOf } from './node-data.js';
import { matchesPattern } from './node-name.js';

/** A class whose instances are nodes, for typed look-ups (`getNode(path, Player)`). */
export type NodeClass<T extends Node> = abstract new (...args: never[]) => T;

/** Godot: Node::get_node_or_null (scene/main/node.cpp), without `%UniqueName` support. */
export function resolvePath(from: Node, path: NodePath): Node | null {
  if (path.isEmpty()) return null;
  let current: Node | null = path.isAbsolute() ? null : from;
  let root: Node = from;
  if (path.isAbsolute()) {
    // Godot: "Can't use get_node() with absolute paths from outside the active scene tree."
    if (!from.isInsideTree()) return null;
    while (dataOf(root).parent !== null) root = dataOf(root).parent!;
  }
  for (const name of path.getNames()) {
    if (name === '.') continue;
    if (name === '..') current = current === null ? null : dataOf(current).parent;
    else if (current === null) current = name === root.name ? root : null;
    else current = dataOf(current).childByName.get(name) ?? null;
    if (current === null) return null;
  }
  return current;
}

/**
 * Godot: Node::find_children (and find_child with `firstOnly`): descendants in tree order whose name
 * matches `pattern` (`''` matches any) and whose class is `type`; with `owned`, only nodes with an owner.
 */
export function findChildren<T extends Node>(
  parent: Node,
  pattern: string,
  type: NodeClass<T> | undefined,
  recursive: boolean,
  owned: boolean,
  firstOnly: boolean,
): T[] {
  const out: T[] = [];
  const visit = (node: Node): boolean => {
    for (const child of dataOf(node).children) {
      const cd = dataOf(child);
      const ownerOk = !owned || cd.owner !== null;
      const nameOk = pattern === '' || matchesPattern(cd.name, pattern);
      if (ownerOk && nameOk && (type === undefined || child instanceof type)) {
        out.push(child as T);
        if (firstOnly) return true;
      }
      if (recursive && visit(child)) return true;
    }
    return false;
  };
  visit(parent);
  return out;
}

/** Godot: Node::get_path for a node inside a tree. */
export function absolutePath(node: Node): NodePath {
  const names: string[] = [];
  for (let n: Node | null = node; n !== null; n = dataOf(n).parent) names.push(n.name);
  return NodePath.fromParts(names.reverse(), [], true);
}

/** Godot: Node::get_path_to (without unique-name paths). Throws if the nodes share no ancestor. */
export function pathTo(from: Node, to: Node): NodePath {
  if (from === to) return new NodePath('.');
  const mine: Node[] = [];
  for (let n: Node | null = from; n !== null; n = dataOf(n).parent) mine.push(n);
  const down: string[] = [];
  let common: Node | null = to;
  while (common !== null && !mine.includes(common)) {
    down.push(common.name);
    common = dataOf(common).parent;
  }
  if (common === null) {
    throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, 'No path can be resolved between nodes that share no common ancestor.');
  }
  const ups = Array<string>(mine.indexOf(common)).fill('..');
  return NodePath.fromParts([...ups, ...down.reverse()], [], false);
}

/** Descendants of `root` (itself included) owned by `owner`, in tree order. */
export function collectOwnedBy(root: Node, owner: Node): Node[] {
  const out: Node[] = [];
  const visit = (n: Node): void => {
    if (dataOf(n).owner === owner) out.push(n);
    for (const c of dataOf(n).children) visit(c);
  };
  visit(root);
  return out;
}

/** Pre-order walk: a node, then its children in order. */
export function walk(node: Node, visit: (node: Node) => void): void {
  visit(node);
  for (const child of dataOf(node).children) walk(child, visit);
}

/** `nodes` sorted in tree order (Godot: Node::is_greater_than, as SceneTree sorts groups). */
export function sortInTreeOrder(nodes: Iterable<Node>): Node[] {
  const keyed = [...nodes].map((node) => ({ node, key: treeOrderKey(node) }));
  return keyed.sort((a, b) => compareKeys(a.key, b.key)).map((k) => k.node);
}

/** The child indices leading from the root to `node`: comparing them gives tree order. */
function treeOrderKey(node: Node): number[] {
  const key: number[] = [];
  for (let n = node; dataOf(n).parent !== null; n = dataOf(n).parent!) key.push(n.getIndex());
  return key.reverse();
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
