import type { Node } from './node.js';
import { dataOf, isVirtualOverridden } from './node-data.js';
import type { SceneTree } from './scene-tree.js';
import { treeHooks } from './tree-hooks.js';

/**
 * How a subtree enters and leaves a SceneTree, in Godot's order:
 *
 * 1. enter: top-down, each node before its children: `_enterTree()`, `treeEntered`, the tree's
 *    `nodeAdded`, the parent's `childEnteredTree(node)`;
 * 2. ready: bottom-up, children first (in order), once per node: `_ready()`, then `ready`;
 * 3. exit: bottom-up, children first (last child first): `_exitTree()`, `treeExiting`, the tree's
 *    `nodeRemoved`, the parent's `childExitingTree(node)`;
 * 4. after the node is detached: bottom-up again, `treeExited`.
 *
 * A node iterating its children is "blocked": adding or removing its children then throws (Godot's
 * "Parent node is busy setting up children"). Counters are restored even when user code throws.
 */

/** Moves `node` (and its subtree) into `tree`, or out of its tree when `tree` is null. Godot: Node::_set_tree. */
export function setTree(node: Node, tree: SceneTree | null): void {
  const d = dataOf(node);
  const oldTree = d.tree;
  if (oldTree !== null) propagateExitTree(node);
  d.tree = tree;
  if (tree !== null) {
    propagateEnterTree(node);
    if (d.parent === null || dataOf(d.parent).readyNotified) propagateReady(node);
  }
  if (oldTree !== null) treeHooks(oldTree).treeChanged();
  if (tree !== null) treeHooks(tree).treeChanged();
}

/** Runs `fn` over a snapshot of the children while `node` is blocked. */
function forChildren(node: Node, reverse: boolean, fn: (child: Node) => void): void {
  const d = dataOf(node);
  const children = reverse ? [...d.children].reverse() : [...d.children];
  d.blocked++;
  try {
    for (const child of children) fn(child);
  } finally {
    d.blocked--;
  }
}

/** Godot: Node::_propagate_enter_tree (scene/main/node.cpp). */
function propagateEnterTree(node: Node): void {
  const d = dataOf(node);
  if (d.parent !== null) {
    const pd = dataOf(d.parent);
    d.tree = pd.tree;
    d.depth = pd.depth + 1;
  } else {
    d.depth = 1;
  }
  const tree = d.tree!;
  const hooks = treeHooks(tree);
  for (const group of d.groups) hooks.addToGroup(group, node);
  node._enterTree();
  node.treeEntered.emit();
  hooks.nodeAdded(node);
  d.parent?.childEnteredTree.emit(node);
  // A child may already be inside: it was added from an `_enterTree` above.
  forChildren(node, false, (child) => {
    if (dataOf(child).tree === null && dataOf(child).parent === node) propagateEnterTree(child);
  });
}

/** Godot: Node::_propagate_ready, with NOTIFICATION_READY's auto-enabling of processing. */
function propagateReady(node: Node): void {
  const d = dataOf(node);
  d.readyNotified = true;
  forChildren(node, false, (child) => {
    if (dataOf(child).parent === node) propagateReady(child);
  });
  if (!d.readyFirst) return;
  d.readyFirst = false;
  if (isVirtualOverridden(node, '_process')) d.process = true;
  if (isVirtualOverridden(node, '_physicsProcess')) d.physicsProcess = true;
  node._ready();
  node.ready.emit();
}

/** Godot: Node::_propagate_exit_tree (scene/main/node.cpp). */
function propagateExitTree(node: Node): void {
  const d = dataOf(node);
  forChildren(node, true, (child) => {
    if (dataOf(child).parent === node && dataOf(child).tree !== null) propagateExitTree(child);
  });
  node._exitTree();
  node.treeExiting.emit();
  const tree = d.tree;
  if (tree !== null) {
    const hooks = treeHooks(tree);
    hooks.nodeRemoved(node);
    d.parent?.childExitingTree.emit(node);
    for (const group of d.groups) hooks.removeFromGroup(group, node);
    hooks.treeChanged();
  }
  d.readyNotified = false;
  d.tree = null;
  d.depth = -1;
}

/** Godot: Node::_propagate_after_exit_tree: clears a stale owner, then `treeExited` bottom-up. */
export function propagateAfterExitTree(node: Node): void {
  const d = dataOf(node);
  if (d.owner !== null && !d.owner.isAncestorOf(node)) cleanUpOwner(node);
  forChildren(node, true, (child) => {
    if (dataOf(child).parent === node) propagateAfterExitTree(child);
  });
  node.treeExited.emit();
}

/** Godot: Node::_clean_up_owner. */
export function cleanUpOwner(node: Node): void {
  const d = dataOf(node);
  if (d.owner === null) return;
  dataOf(d.owner).owned.delete(node);
  d.owner = null;
}

/**
 * Frees `node` now: releases its owner links, detaches it from its parent (running the exit
 * lifecycle), frees its children last-first, and disconnects its signals.
 * Godot: Node's NOTIFICATION_PREDELETE handling and Object's destructor.
 */
export function freeNode(node: Node): void {
  const d = dataOf(node);
  if (d.freed) return;
  cleanUpOwner(node);
  for (const owned of [...d.owned]) cleanUpOwner(owned);
  d.parent?.removeChild(node);
  while (d.children.length > 0) freeNode(d.children[d.children.length - 1]!);
  d.freed = true;
  for (const signal of [node.ready, node.treeEntered, node.treeExiting, node.treeExited, node.renamed]) {
    signal.disconnectAll();
  }
  node.childEnteredTree.disconnectAll();
  node.childExitingTree.disconnectAll();
  node.childOrderChanged.disconnectAll();
}
