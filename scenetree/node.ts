import { ErrorCode, MultiplayerError, MultiplayerPeer, NodePath, Signal } from '../core/index.js';
import type { MultiplayerAPI } from '../core/index.js';
import { createNodeData, dataOf, registerNodeInternals, type NodeData } from './node-data.js';
import { cleanUpOwner, freeNode } from './node-lifecycle.js';
import { addChild, moveChild, removeChild, reparent } from './node-children.js';
import { absolutePath, findChildren, pathTo, resolvePath, type NodeClass } from './node-lookup.js';
import { callRpc, type RpcArgs, type RpcMethodName } from './node-multiplayer.js';
import { canProcess, type ProcessMode } from './node-process.js';
import { generateSerialChildName, matchesPattern, validateNodeName } from './node-name.js';
import { setNodeRpcConfig, type RpcConfigInput } from './rpc.js';
import type { SceneTree } from './scene-tree.js';
import { treeHooks } from './tree-hooks.js';

function fail(code: ErrorCode, message: string): never {
  throw new MultiplayerError(code, message);
}

/**
 * Godot: Node (scene/main/node.cpp): a named element of a scene tree with children, groups, an
 * owner, lifecycle virtuals and a multiplayer authority. The lifecycle order is documented in
 * `node-lifecycle.ts`. Methods Godot reports with ERR_FAIL_* on misuse throw `MultiplayerError` here.
 */
export class Node {
  /** Godot signal `ready`: after `_ready()`. */
  readonly ready = new Signal();
  /** Godot signal `tree_entered`: after `_enterTree()`. */
  readonly treeEntered = new Signal();
  /** Godot signal `tree_exiting`: after `_exitTree()`, while still in the tree. */
  readonly treeExiting = new Signal();
  /** Godot signal `tree_exited`: once detached from the tree. */
  readonly treeExited = new Signal();
  /** Godot signal `child_entered_tree`. */
  readonly childEnteredTree = new Signal<[node: Node]>();
  /** Godot signal `child_exiting_tree`. */
  readonly childExitingTree = new Signal<[node: Node]>();
  /** Godot signal `child_order_changed`. */
  readonly childOrderChanged = new Signal();
  /** Godot signal `renamed` (only while inside a tree). */
  readonly renamed = new Signal();

  readonly #d: NodeData = createNodeData();

  static {
    registerNodeInternals((node) => node.#d, Node.prototype);
  }

  /** A node named `name`, or unnamed (its parent names it on `addChild`). */
  constructor(name?: string) {
    if (name !== undefined) this.name = name;
  }

  // ---- virtuals (override, don't call) ---------------------------------------------------------

  /** Godot: Node::_enter_tree. Top-down, before the children enter. */
  _enterTree(): void {}
  /** Godot: Node::_ready. Bottom-up, after every child is ready; once per node (see `requestReady`). */
  _ready(): void {}
  /** Godot: Node::_exit_tree. Bottom-up, after the children exit. */
  _exitTree(): void {}
  /** Godot: Node::_process. Each process frame, `delta` in seconds; enabled automatically when overridden. */
  _process(_delta: number): void {}
  /** Godot: Node::_physics_process. Each physics frame, `delta` in seconds. */
  _physicsProcess(_delta: number): void {}

  // ---- name -------------------------------------------------------------------------------------

  /** Godot property `name`. Invalid characters (`. : @ / " %`) become `_`; siblings keep names unique. */
  get name(): string {
    return this.#d.name;
  }
  set name(value: string) {
    const d = this.#d;
    if (value === '') fail(ErrorCode.ERR_INVALID_PARAMETER, 'Node name cannot be empty.');
    const old = d.name;
    d.name = validateNodeName(value);
    if (d.parent !== null) {
      const pd = dataOf(d.parent);
      pd.childByName.delete(old);
      d.name = generateSerialChildName(d.name, this.getClass(), (n) => pd.childByName.has(n));
      pd.childByName.set(d.name, this);
    }
    if (d.tree !== null) {
      this.renamed.emit();
      treeHooks(d.tree).nodeRenamed(this);
      treeHooks(d.tree).treeChanged();
    }
  }

  /**
   * Godot: Object::get_class. The class name used for auto-names (`@Player@2`, `Player2`).
   * Override it to return a Godot native class name when names must match a Godot peer's.
   */
  // Divergence from Godot: the JS class name; Godot gives the native class (`Node` for a scripted node).
  getClass(): string {
    return this.constructor.name || 'Node';
  }

  /** Godot property `scene_file_path`: the scene this node was instantiated from (root of an instance). */
  get sceneFilePath(): string {
    return this.#d.sceneFilePath;
  }
  set sceneFilePath(path: string) {
    this.#d.sceneFilePath = path;
  }

  // ---- children ---------------------------------------------------------------------------------

  /**
   * Adds `child` as the last child. A missing or taken name becomes `@Class@N`, or with
   * `forceReadableName` `Class`/`Name2`/`Name3`…. Godot: Node::add_child.
   */
  addChild(child: Node, forceReadableName = false): void {
    addChild(this, child, forceReadableName);
  }

  /** Godot: Node::remove_child. Runs the exit lifecycle if the node is in a tree. */
  removeChild(child: Node): void {
    removeChild(this, child);
  }

  /** Godot: Node::reparent: removes this node from its parent and adds it to `newParent`, keeping owners. */
  reparent(newParent: Node): void {
    reparent(this, newParent);
  }

  /** Godot: Node::move_child. A negative index counts from the end. */
  moveChild(child: Node, index: number): void {
    moveChild(this, child, index);
  }

  /** Godot: Node::get_child_count. */
  getChildCount(): number {
    return this.#d.children.length;
  }

  /** Godot: Node::get_children (a copy). */
  getChildren(): Node[] {
    return [...this.#d.children];
  }

  /** Godot: Node::get_child. A negative index counts from the end; out of range throws. */
  getChild(index: number): Node {
    const children = this.#d.children;
    const child = children[index < 0 ? index + children.length : index];
    if (child === undefined) fail(ErrorCode.ERR_INVALID_PARAMETER, `Index p_index = ${index} is out of bounds (${children.length}).`);
    return child;
  }

  /** Godot: Node::get_index: position among the parent's children, -1 without a parent. */
  getIndex(): number {
    return this.#d.parent === null ? -1 : dataOf(this.#d.parent).children.indexOf(this);
  }

  /** Godot: Node::get_parent. */
  getParent(): Node | null {
    return this.#d.parent;
  }

  /** Godot: Node::is_ancestor_of. */
  isAncestorOf(node: Node): boolean {
    for (let n = dataOf(node).parent; n !== null; n = dataOf(n).parent) if (n === this) return true;
    return false;
  }

  // ---- paths and look-ups -----------------------------------------------------------------------

  /**
   * Godot: Node::get_node_or_null. Relative paths start here (`.`, `..` allowed); absolute ones at the
   * tree's root (`/root/Game`). Null when nothing is there, or for an absolute path outside a tree.
   */
  getNodeOrNull(path: NodePath | string): Node | null {
    return resolvePath(this, NodePath.from(path));
  }

  /** Godot: Node::get_node. Throws ERR_DOES_NOT_EXIST when absent, ERR_INVALID_PARAMETER on a class mismatch. */
  getNode<T extends Node = Node>(path: NodePath | string, type?: NodeClass<T>): T {
    const node = this.getNodeOrNull(path);
    if (node === null) {
      const where = NodePath.from(path).isAbsolute() ? 'absolute path attempted from' : 'relative to';
      const desc = this.isInsideTree() ? this.getPath().toString() : `${this.name || this.getClass()} (not inside tree)`;
      fail(ErrorCode.ERR_DOES_NOT_EXIST, `Node not found: "${path.toString()}" (${where} "${desc}").`);
    }
    if (type !== undefined && !(node instanceof type)) {
      fail(ErrorCode.ERR_INVALID_PARAMETER, `Node "${path.toString()}" is a ${node.getClass()}, not a ${type.name}.`);
    }
    return node as T;
  }

  /** Godot: Node::has_node. */
  hasNode(path: NodePath | string): boolean {
    return this.getNodeOrNull(path) !== null;
  }

  /**
   * Godot: Node::find_child: the first descendant (tree order) whose name matches `pattern` (`*`, `?`).
   * As in Godot, by default only nodes with an owner count (nodes of instantiated scenes).
   */
  findChild(pattern: string, recursive = true, owned = true): Node | null {
    if (pattern === '') fail(ErrorCode.ERR_INVALID_PARAMETER, 'Pattern must not be empty.');
    return findChildren(this, pattern, undefined, recursive, owned, true)[0] ?? null;
  }

  /** Godot: Node::find_children: every match, by name pattern (`''` for any) and/or class, in tree order. */
  findChildren<T extends Node = Node>(pattern: string, type?: NodeClass<T>, recursive = true, owned = true): T[] {
    return findChildren(this, pattern, type, recursive, owned, false);
  }

  /** Godot: Node::find_parent: the nearest ancestor whose name matches `pattern`. */
  findParent(pattern: string): Node | null {
    for (let p = this.#d.parent; p !== null; p = dataOf(p).parent) if (matchesPattern(p.name, pattern)) return p;
    return null;
  }

  /** Godot: Node::get_path: `/root/…`; the empty path outside a tree (Godot prints an error too). */
  getPath(): NodePath {
    return this.#d.tree === null ? NodePath.EMPTY : absolutePath(this);
  }

  /** Godot: Node::get_path_to: the relative path from this node to `node` (`.` for itself). */
  getPathTo(node: Node): NodePath {
    return pathTo(this, node);
  }

  // ---- tree membership --------------------------------------------------------------------------

  /** Godot: Node::is_inside_tree. */
  isInsideTree(): boolean {
    return this.#d.tree !== null;
  }

  /** Godot: Node::get_tree. Throws ERR_UNCONFIGURED outside a tree (Godot returns null with an error). */
  getTree(): SceneTree {
    if (this.#d.tree === null) fail(ErrorCode.ERR_UNCONFIGURED, `Node '${this.name}' is not inside a SceneTree.`);
    return this.#d.tree;
  }

  /** Godot: Node::is_node_ready: `_ready` has run and no `requestReady()` is pending. */
  isNodeReady(): boolean {
    return !this.#d.readyFirst;
  }

  /** Godot: Node::request_ready: `_ready` runs again the next time the node enters a tree. */
  requestReady(): void {
    this.#d.readyFirst = true;
  }

  /** Godot property `owner`: an ancestor (usually a scene's root) that owns this node; or null. */
  get owner(): Node | null {
    return this.#d.owner;
  }
  set owner(owner: Node | null) {
    cleanUpOwner(this);
    if (owner === null) return;
    if (owner === this) fail(ErrorCode.ERR_INVALID_PARAMETER, 'A node cannot own itself.');
    if (!owner.isAncestorOf(this)) fail(ErrorCode.ERR_INVALID_PARAMETER, 'Invalid owner. Owner must be an ancestor in the tree.');
    this.#d.owner = owner;
    dataOf(owner).owned.add(this);
  }

  /** Godot: Node::queue_free: freed at the end of the current frame; at once outside a tree. */
  queueFree(): void {
    const d = this.#d;
    if (d.freed || d.queuedForDeletion) return;
    // Divergence from Godot: there is no SceneTree singleton to defer to, so a node outside any tree is freed now.
    if (d.tree === null) return this.free();
    treeHooks(d.tree).queueDelete(this);
  }

  /** Godot: Object::is_queued_for_deletion. */
  isQueuedForDeletion(): boolean {
    return this.#d.queuedForDeletion;
  }

  /** Godot: Object::free for nodes: detaches and frees this node and its subtree now. */
  free(): void {
    const d = this.#d;
    if (d.tree !== null && d.parent === null) fail(ErrorCode.ERR_INVALID_PARAMETER, 'The root of a SceneTree cannot be freed.');
    freeNode(this);
  }

  // ---- groups and processing -------------------------------------------------------------------

  /** Godot: Node::add_to_group. */
  addToGroup(group: string): void {
    const d = this.#d;
    if (group === '') fail(ErrorCode.ERR_INVALID_PARAMETER, `Cannot add node '${this.name}' to a group with an empty name.`);
    if (d.groups.has(group)) return;
    d.groups.add(group);
    if (d.tree !== null) treeHooks(d.tree).addToGroup(group, this);
  }

  /** Godot: Node::remove_from_group. */
  removeFromGroup(group: string): void {
    const d = this.#d;
    if (!d.groups.delete(group)) return;
    if (d.tree !== null) treeHooks(d.tree).removeFromGroup(group, this);
  }

  /** Godot: Node::is_in_group. */
  isInGroup(group: string): boolean {
    return this.#d.groups.has(group);
  }

  /** Godot: Node::get_groups. */
  getGroups(): string[] {
    return [...this.#d.groups];
  }

  /** Godot: Node::set_process. */
  setProcess(enable: boolean): void {
    this.#d.process = enable;
  }
  /** Godot: Node::is_processing. */
  isProcessing(): boolean {
    return this.#d.process;
  }
  /** Godot: Node::set_physics_process. */
  setPhysicsProcess(enable: boolean): void {
    this.#d.physicsProcess = enable;
  }
  /** Godot: Node::is_physics_processing. */
  isPhysicsProcessing(): boolean {
    return this.#d.physicsProcess;
  }
  /** Godot property `process_mode` (default INHERIT; the root behaves as PAUSABLE). */
  get processMode(): ProcessMode {
    return this.#d.processMode;
  }
  set processMode(mode: ProcessMode) {
    this.#d.processMode = mode;
  }
  /** Godot: Node::can_process: whether `_process` runs now, given the tree's `paused` state. */
  canProcess(): boolean {
    return canProcess(this);
  }
  /** Godot property `process_priority`: lower runs first in a process frame; ties keep tree order. */
  get processPriority(): number {
    return this.#d.processPriority;
  }
  set processPriority(priority: number) {
    this.#d.processPriority = priority;
  }
  /** Godot property `process_physics_priority`: the same for physics frames. */
  get physicsProcessPriority(): number {
    return this.#d.physicsProcessPriority;
  }
  set physicsProcessPriority(priority: number) {
    this.#d.physicsProcessPriority = priority;
  }

  // ---- multiplayer ------------------------------------------------------------------------------

  /** Godot: Node::set_multiplayer_authority. With `recursive`, the whole subtree gets `id`. */
  setMultiplayerAuthority(id: number, recursive = true): void {
    this.#d.multiplayerAuthority = id;
    if (recursive) for (const child of this.#d.children) child.setMultiplayerAuthority(id, true);
  }

  /** Godot: Node::get_multiplayer_authority (default 1, the server). */
  getMultiplayerAuthority(): number {
    return this.#d.multiplayerAuthority;
  }

  /** Godot: Node::is_multiplayer_authority: this peer's id is the authority (false outside a tree). */
  isMultiplayerAuthority(): boolean {
    const api = this.multiplayer;
    return api !== null && api.getUniqueId() === this.#d.multiplayerAuthority;
  }

  /** Godot property `multiplayer`: the MultiplayerAPI serving this node's path; null outside a tree. */
  get multiplayer(): MultiplayerAPI | null {
    return this.#d.tree === null ? null : this.#d.tree.getMultiplayerFor(this);
  }

  // The `this: Partial<T>` parameter makes TypeScript infer the node's concrete class even inside
  // its own methods, where `this` is polymorphic: `this.rpc('move', 1)` is checked like `player.rpc(…)`.

  /** Godot: Node::rpc_config. Node-level config of `method`; `null` removes it. */
  rpcConfig<T, K extends RpcMethodName<T>>(this: Partial<T>, method: K, config: RpcConfigInput | null): void {
    setNodeRpcConfig(this as unknown as Node, method, config);
  }

  /** Godot: Node::rpc: calls `method(...args)` on every peer. ERR_UNCONFIGURED outside a tree. */
  rpc<T, K extends RpcMethodName<T>>(this: Partial<T>, method: K, ...args: RpcArgs<T, K>): ErrorCode {
    return callRpc(this as unknown as Node, MultiplayerPeer.TARGET_PEER_BROADCAST, method, args);
  }

  /** Godot: Node::rpc_id: calls `method(...args)` on `peerId` (0 all, `-id` all but id). */
  rpcId<T, K extends RpcMethodName<T>>(this: Partial<T>, peerId: number, method: K, ...args: RpcArgs<T, K>): ErrorCode {
    return callRpc(this as unknown as Node, peerId, method, args);
  }
}

/** Godot: @GlobalScope.is_instance_valid for nodes: false once freed. */
export function isInstanceValid(node: Node | null | undefined): node is Node {
  return node != null && !dataOf(node).freed;
}
