import { ErrorCode, MultiplayerError } from '../core/index.js';
import type { Node } from './node.js';
import { dataOf } from './node-data.js';
import { propagateAfterExitTree, setTree } from './node-lifecycle.js';
import { collectOwnedBy } from './node-lookup.js';
import { generateSerialChildName, makeAutoName } from './node-name.js';
import { treeHooks } from './tree-hooks.js';

/**
 * Changing a node's children (scene/main/node.cpp). Godot reports misuse with ERR_FAIL_COND_MSG and
 * carries on; these throw `MultiplayerError` with Godot's message instead, before changing anything.
 */

function fail(code: ErrorCode, message: string): never {
  throw new MultiplayerError(code, message);
}

/** Godot: Node::add_child. Names the child (see `validateChildName`) and runs its enter/ready lifecycle. */
export function addChild(parent: Node, child: Node, forceReadableName: boolean): void {
  const cd = dataOf(child);
  const pd = dataOf(parent);
  if (child === parent) fail(ErrorCode.ERR_INVALID_PARAMETER, `Can't add child '${child.name}' to itself.`);
  if (cd.freed || pd.freed) fail(ErrorCode.ERR_INVALID_PARAMETER, "Can't add a freed node, or add to one.");
  if (cd.parent !== null) {
    fail(ErrorCode.ERR_ALREADY_IN_USE, `Can't add child '${child.name}' to '${parent.name}', already has a parent '${cd.parent.name}'.`);
  }
  if (child.isAncestorOf(parent)) {
    fail(
      ErrorCode.ERR_CYCLIC_LINK,
      `Can't add child '${child.name}' to '${parent.name}' as it would result in a cyclic dependency since '${child.name}' is already a parent of '${parent.name}'.`,
    );
  }
  checkNotBlocked(parent, 'add_child');
  validateChildName(parent, child, forceReadableName);
  pd.children.push(child);
  pd.childByName.set(cd.name, child);
  cd.parent = parent;
  if (pd.tree !== null) setTree(child, pd.tree);
  parent.childOrderChanged.emit();
}

/** Godot: Node::remove_child. Runs the exit lifecycle, detaches, then `treeExited`. */
export function removeChild(parent: Node, child: Node): void {
  const cd = dataOf(child);
  const pd = dataOf(parent);
  checkNotBlocked(parent, 'remove_child');
  if (cd.parent !== parent) fail(ErrorCode.ERR_INVALID_PARAMETER, `Node '${child.name}' is not a child of '${parent.name}'.`);
  pd.blocked++;
  try {
    setTree(child, null);
  } finally {
    pd.blocked--;
  }
  pd.children.splice(pd.children.indexOf(child), 1);
  pd.childByName.delete(cd.name);
  cd.parent = null;
  parent.childOrderChanged.emit();
  if (pd.tree !== null) propagateAfterExitTree(child);
}

/** Godot: Node::reparent (keeping the owner of nodes that shared it, when the new parent allows). */
export function reparent(node: Node, newParent: Node): void {
  const d = dataOf(node);
  if (d.parent === null) fail(ErrorCode.ERR_UNCONFIGURED, 'Node needs a parent to be reparented.');
  if (newParent === node) fail(ErrorCode.ERR_INVALID_PARAMETER, `Can't reparent '${node.name}' to itself.`);
  if (newParent === d.parent) return;
  // Divergence from Godot: the cycle is refused before removing, so a failed reparent leaves the tree as it was.
  if (node.isAncestorOf(newParent)) fail(ErrorCode.ERR_CYCLIC_LINK, `Can't reparent '${node.name}' under its own descendant.`);
  const owner = d.owner;
  const keepOwner = owner !== null && (owner === newParent || owner.isAncestorOf(newParent));
  const sameOwner = keepOwner ? collectOwnedBy(node, owner) : [];
  d.parent.removeChild(node);
  newParent.addChild(node);
  for (const n of sameOwner) n.owner = owner;
}

/** Godot: Node::move_child. A negative index counts from the end; the child count means last. */
export function moveChild(parent: Node, child: Node, index: number): void {
  const pd = dataOf(parent);
  if (dataOf(child).parent !== parent) fail(ErrorCode.ERR_INVALID_PARAMETER, 'Child is not a child of this node.');
  const count = pd.children.length;
  let to = index < 0 ? index + count : index;
  if (!Number.isInteger(to) || to < 0 || to > count) fail(ErrorCode.ERR_INVALID_PARAMETER, `Invalid new child index: ${index}.`);
  checkNotBlocked(parent, 'move_child');
  if (to === count) to--;
  const from = pd.children.indexOf(child);
  if (from === to) return;
  pd.children.splice(from, 1);
  pd.children.splice(to, 0, child);
  if (pd.tree !== null) treeHooks(pd.tree).treeChanged();
  parent.childOrderChanged.emit();
}

/**
 * Godot: Node::_validate_child_name. Readable: `Name`, `Name2`… (`Class` if unnamed). Otherwise a
 * missing or taken name becomes `@Class@N`.
 */
export function validateChildName(parent: Node, child: Node, forceReadable: boolean): void {
  const pd = dataOf(parent);
  const cd = dataOf(child);
  const taken = (n: string): boolean => {
    const existing = pd.childByName.get(n);
    return existing !== undefined && existing !== child;
  };
  if (forceReadable) {
    cd.name = generateSerialChildName(cd.name, child.getClass(), taken);
    return;
  }
  if (cd.name !== '' && !taken(cd.name)) return;
  // Divergence from Godot: the serial is per parent, not process-wide, so auto-names are a pure
  // function of the tree's history (docs/architecture.md §3); `@` cannot occur in user names.
  do cd.name = makeAutoName(child.getClass(), ++pd.autoNameSerial);
  while (taken(cd.name));
}

/** Godot: "Parent node is busy setting up children" (the node is iterating its children). */
function checkNotBlocked(parent: Node, what: string): void {
  if (dataOf(parent).blocked > 0) {
    fail(ErrorCode.ERR_BUSY, `Parent node is busy setting up children, \`${what}()\` failed. Defer the call to the end of the frame.`);
  }
}
