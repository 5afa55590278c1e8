import { ErrorCode, MultiplayerError, NodePath, Signal, silentLogger, systemClock } from '../core/index.js';
import type { Clock, Logger, MultiplayerAPI } from '../core/index.js';
import { SceneMultiplayer } from './multiplayer/scene-multiplayer.js';
import { Node, isInstanceValid } from './node.js';
import { dataOf, type NodeData } from './node-data.js';
import { sortInTreeOrder, walk } from './node-lookup.js';
import { freeNode, setTree } from './node-lifecycle.js';
import { SceneSwitcher } from './scene-tree-scenes.js';
import { type PackedScene, SceneRegistry } from './packed-scene.js';
import { runLoop, type RunOptions } from './scene-tree-loop.js';
import { TreeMultiplayers } from './scene-tree-multiplayer.js';
import { type CreateTimerOptions, SceneTreeTimer } from './scene-tree-timer.js';
import { registerTreeHooks } from './tree-hooks.js';

/** Dependencies of a SceneTree; all optional. */
export interface SceneTreeOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** The default MultiplayerAPI; a `new SceneMultiplayer({ clock, logger })` when omitted. */
  readonly multiplayer?: MultiplayerAPI;
  /** Where `changeSceneToFile` and spawners find scenes; a fresh registry when omitted. */
  readonly scenes?: SceneRegistry;
}

/**
 * Godot: SceneTree (scene/main/scene_tree.cpp), headless. The root is a Node named `root` at `/root`.
 * The host drives it: `processFrame(delta)` from a game loop or a test, or `run({ fps })` for a
 * real-time loop. One process frame runs, in Godot's order:
 *
 * 1. `poll()` on every MultiplayerAPI (the default one, then each subtree's);
 * 2. `processFrameSignal`, then the deferred calls queued so far;
 * 3. `_process(delta)` on every processing node that `canProcess()`, by `processPriority` then tree
 *    order, then the
 *    deferred calls queued so far;
 * 4. a pending scene change;
 * 5. timers (their `timeout` signals);
 * 6. freeing the nodes queued with `queueFree()`.
 *
 * If user code throws in one step, the rest of the frame still runs; the error is rethrown at the end
 * of the frame (an `AggregateError` when several threw).
 *
 * Signals named after Godot's: `nodeAdded`, `nodeRemoved`, `nodeRenamed`, `treeChanged`,
 * `sceneChanged`; Godot's `process_frame` and `physics_frame` are `processFrameSignal` and
 * `physicsFrameSignal`, because `processFrame`/`physicsFrame` are the methods that run a frame.
 */
export class SceneTree {
  /** Godot: SceneTree::get_root. */
  readonly root: Node;
  readonly clock: Clock;
  readonly logger: Logger;
  /** This tree's scenes by path. */
  readonly scenes: SceneRegistry;

  /** Godot signal `node_added`. */
  readonly nodeAdded = new Signal<[node: Node]>();
  /** Godot signal `node_removed`. */
  readonly nodeRemoved = new Signal<[node: Node]>();
  /** Godot signal `node_renamed`. */
  readonly nodeRenamed = new Signal<[node: Node]>();
  /** Godot signal `tree_changed`. */
  readonly treeChanged = new Signal();
  /** Godot signal `process_frame`: each process frame, after polling, before `_process`. */
  readonly processFrameSignal = new Signal();
  /** Godot signal `physics_frame`: each physics frame, before `_physicsProcess`. */
  readonly physicsFrameSignal = new Signal();
  /** Godot signal `scene_changed`: a scene change completed. */
  readonly sceneChanged = new Signal();

  /**
   * Godot property `paused`: PAUSABLE nodes (the default) stop processing, WHEN_PAUSED ones start,
   * ALWAYS ones go on; timers without `processAlways` stop. Polling the MultiplayerAPIs goes on.
   */
  paused = false;
  /** Godot property `multiplayer_poll`: poll the MultiplayerAPIs at the start of each process frame. */
  multiplayerPoll = true;

  readonly #multiplayers: TreeMultiplayers;
  readonly #groups = new Map<string, Set<Node>>();
  #timers: SceneTreeTimer[] = [];
  #deleteQueue: Node[] = [];
  #deferred: Array<() => void> = [];
  /** Nodes removed during a group call, which the rest of that call skips. */
  #removedDuringGroupCall: Set<Node> | null = null;
  readonly #scenes: SceneSwitcher;
  #treeOrder: Node[] | null = null;
  #physicsFrames = 0;
  #processFrames = 0;
  #quitCode: number | null = null;
  #running = false;

  constructor(options: SceneTreeOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.scenes = options.scenes ?? new SceneRegistry();
    registerTreeHooks(this, {
      nodeAdded: (node) => this.nodeAdded.emit(node),
      nodeRemoved: (node) => this.#onNodeRemoved(node),
      nodeRenamed: (node) => this.nodeRenamed.emit(node),
      treeChanged: () => {
        this.#treeOrder = null;
        this.treeChanged.emit();
      },
      addToGroup: (group, node) => this.#groupOf(group, true).add(node),
      removeFromGroup: (group, node) => this.#removeFromGroup(group, node),
      queueDelete: (node) => this.#queueDelete(node),
    });
    this.#multiplayers = new TreeMultiplayers(this);
    this.root = new Node('root');
    this.#scenes = new SceneSwitcher(this.root, this.scenes, this.logger, () => this.sceneChanged.emit());
    setTree(this.root, this);
    this.#multiplayers.set(options.multiplayer ?? new SceneMultiplayer({ clock: this.clock, logger: this.logger }), NodePath.EMPTY);
  }

  // ---- frames -----------------------------------------------------------------------------------

  /** Runs one process frame of `delta` seconds (see the class comment). Godot: SceneTree::process. */
  processFrame(delta: number): void {
    const errors: unknown[] = [];
    const guard = collect(errors);
    this.#processFrames++;
    if (this.multiplayerPoll) for (const api of this.#multiplayers.all()) guard(() => api.poll());
    guard(() => this.processFrameSignal.emit());
    this.#flushDeferred(guard);
    this.#processNodes(
      (d) => d.process,
      (d) => d.processPriority,
      (n) => n._process(delta),
      guard,
    );
    this.#flushDeferred(guard);
    guard(() => this.#scenes.flush());
    this.#processTimers(delta, false, guard);
    guard(() => this.#flushDeleteQueue());
    rethrow(errors);
  }

  /** Runs one physics frame of `delta` seconds. Godot: SceneTree::physics_process. */
  physicsFrame(delta: number): void {
    const errors: unknown[] = [];
    const guard = collect(errors);
    this.#physicsFrames++;
    guard(() => this.physicsFrameSignal.emit());
    this.#processNodes(
      (d) => d.physicsProcess,
      (d) => d.physicsProcessPriority,
      (n) => n._physicsProcess(delta),
      guard,
    );
    this.#flushDeferred(guard);
    this.#processTimers(delta, true, guard);
    guard(() => this.#flushDeleteQueue());
    rethrow(errors);
  }

  /**
   * Runs frames in real time until `quit()`, `frames` frames, or `signal` aborts; resolves with the
   * exit code (0 unless `quit(code)` said otherwise). Rejects if a frame throws.
   */
  run(options: RunOptions): Promise<number> {
    if (this.#running) return Promise.reject(new MultiplayerError(ErrorCode.ERR_ALREADY_IN_USE, 'The SceneTree is already running.'));
    this.#running = true;
    const end = (): number => {
      const code = this.#quitCode ?? 0;
      this.#running = false;
      this.#quitCode = null;
      return code;
    };
    return runLoop(this, options, () => this.#quitCode !== null).then(end, (err: unknown) => {
      end();
      throw err;
    });
  }

  /** Godot: SceneTree::quit: `run()` stops after the current frame and resolves with `exitCode`. */
  quit(exitCode = 0): void {
    this.#quitCode = exitCode;
  }

  /** Godot: SceneTree::get_frame: the number of physics frames run so far. */
  getFrame(): number {
    return this.#physicsFrames;
  }

  /** Godot: Engine::get_process_frames: the number of process frames run so far. */
  getProcessFrames(): number {
    return this.#processFrames;
  }

  /** Godot: SceneTree::create_timer. Counts process deltas (or physics ones), in seconds. */
  createTimer(seconds: number, options: CreateTimerOptions = {}): SceneTreeTimer {
    const timer = new SceneTreeTimer(seconds, options);
    this.#timers.push(timer);
    return timer;
  }

  /**
   * Runs `fn` at the next flush point of a frame (Godot: Callable.call_deferred, flushed from the
   * MessageQueue during SceneTree::process and physics_process). The way to add a sibling from `_ready`.
   */
  callDeferred(fn: () => void): void {
    this.#deferred.push(fn);
  }

  /** Godot: SceneTree::get_node_count. */
  getNodeCount(): number {
    let count = 0;
    walk(this.root, () => void count++);
    return count;
  }

  // ---- groups -----------------------------------------------------------------------------------

  /** Godot: SceneTree::get_nodes_in_group, in tree order. */
  getNodesInGroup(group: string): Node[] {
    const nodes = this.#groups.get(group);
    return nodes === undefined ? [] : sortInTreeOrder(nodes);
  }

  /** Godot: SceneTree::get_first_node_in_group. */
  getFirstNodeInGroup(group: string): Node | null {
    return this.getNodesInGroup(group)[0] ?? null;
  }

  /** Godot: SceneTree::has_group. */
  hasGroup(group: string): boolean {
    return this.#groups.has(group);
  }

  /** Godot: SceneTree::get_node_count_in_group. */
  getNodeCountInGroup(group: string): number {
    return this.#groups.get(group)?.size ?? 0;
  }

  /**
   * Godot: SceneTree::call_group: calls `method(...args)` on every node of `group` in tree order;
   * nodes without the method are skipped, nodes removed during the call are not called.
   */
  callGroup(group: string, method: string, ...args: unknown[]): void {
    const errors: unknown[] = [];
    const guard = collect(errors);
    const outer = this.#removedDuringGroupCall;
    const removed = (this.#removedDuringGroupCall ??= new Set());
    try {
      for (const node of this.getNodesInGroup(group)) {
        if (removed.has(node)) continue;
        const fn = (node as unknown as Record<string, unknown>)[method];
        if (typeof fn === 'function') guard(() => (fn as (...a: unknown[]) => unknown).apply(node, args));
      }
    } finally {
      this.#removedDuringGroupCall = outer;
    }
    rethrow(errors);
  }

  // ---- multiplayer ------------------------------------------------------------------------------

  /**
   * Godot: SceneTree::set_multiplayer. With an empty `rootPath`, `api` becomes the default (configured
   * with `/root`); with an absolute path, `api` serves that subtree (`null` unbinds it).
   * Throws ERR_INVALID_PARAMETER for a relative path or a null default. A string is parsed as a NodePath.
   */
  setMultiplayer(api: MultiplayerAPI | null, rootPath: NodePath | string = NodePath.EMPTY): void {
    this.#multiplayers.set(api, NodePath.from(rootPath));
  }

  /** Godot: SceneTree::get_multiplayer: the API for `forPath` (longest configured root wins), else the default. */
  getMultiplayer(forPath: NodePath | string = NodePath.EMPTY): MultiplayerAPI {
    return this.#multiplayers.get(NodePath.from(forPath));
  }

  /** The API that governs `node` (what `node.multiplayer` returns); its path is only built when subtrees have APIs. */
  getMultiplayerFor(node: Node): MultiplayerAPI {
    return this.#multiplayers.get(this.#multiplayers.hasCustom() ? node.getPath() : NodePath.EMPTY);
  }

  // ---- scenes -----------------------------------------------------------------------------------

  /** Godot property `current_scene`: a child of the root, or null. */
  get currentScene(): Node | null {
    return this.#scenes.current;
  }
  set currentScene(scene: Node | null) {
    this.#scenes.setCurrent(scene);
  }

  /** Godot: SceneTree::change_scene_to_file. ERR_CANT_OPEN when no scene is registered at `path`. */
  changeSceneToFile(path: string): ErrorCode {
    return this.#scenes.changeToFile(path);
  }

  /** Godot: SceneTree::change_scene_to_packed. ERR_CANT_CREATE when the factory throws. */
  changeSceneToPacked(scene: PackedScene | null): ErrorCode {
    return this.#scenes.changeToPacked(scene);
  }

  /**
   * Godot: SceneTree::change_scene_to_node. The current scene leaves the tree now and is freed during
   * the next frame, when `node` is added under the root and becomes `currentScene`.
   * ERR_UNCONFIGURED if `node` is already inside a tree.
   */
  changeSceneToNode(node: Node): ErrorCode {
    return this.#scenes.changeToNode(node);
  }

  /** Godot: SceneTree::reload_current_scene (by its `sceneFilePath`). ERR_UNCONFIGURED without a current scene. */
  reloadCurrentScene(): ErrorCode {
    return this.#scenes.reload();
  }

  /** Godot: SceneTree::unload_current_scene. */
  unloadCurrentScene(): void {
    this.#scenes.unload();
  }

  // ---- private ----------------------------------------------------------------------------------

  /**
   * Godot: SceneTree::_process_group: enabled nodes sorted by priority, then tree order; each runs if
   * it still can (it may have left the tree, or the tree may have been paused, earlier in the frame).
   */
  #processNodes(enabled: (d: NodeData) => boolean, priority: (d: NodeData) => number, call: (node: Node) => void, guard: Guard): void {
    const nodes = this.#inTreeOrder().filter((node) => enabled(dataOf(node)));
    nodes.sort((a, b) => priority(dataOf(a)) - priority(dataOf(b))); // Stable: ties keep tree order.
    for (const node of nodes) if (dataOf(node).tree === this && node.canProcess()) guard(() => call(node));
  }

  /** Every node, in tree order; walked again only after the tree's structure changed. */
  #inTreeOrder(): readonly Node[] {
    if (this.#treeOrder === null) {
      const order: Node[] = [];
      walk(this.root, (node) => void order.push(node));
      this.#treeOrder = order;
    }
    return this.#treeOrder;
  }

  /** Godot: SceneTree::process_timers. Timers created during the pass wait for the next one. */
  #processTimers(delta: number, physics: boolean, guard: Guard): void {
    for (const timer of [...this.#timers]) {
      if ((this.paused && !timer.processAlways) || timer.processInPhysics !== physics) continue;
      timer.timeLeft = timer.timeLeft - delta;
      if (timer.timeLeft > 0) continue;
      this.#timers = this.#timers.filter((t) => t !== timer);
      guard(() => timer.timeout.emit());
    }
  }

  /** Godot: MessageQueue::flush. Calls deferred while flushing run in the same flush. */
  #flushDeferred(guard: Guard): void {
    while (this.#deferred.length > 0) for (const fn of this.#deferred.splice(0)) guard(fn);
  }

  #queueDelete(node: Node): void {
    if (node === this.root) throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, 'The root of a SceneTree cannot be freed.');
    dataOf(node).queuedForDeletion = true;
    this.#deleteQueue.push(node);
  }

  /** Godot: SceneTree::_flush_delete_queue. Nodes queued while freeing are freed too. */
  #flushDeleteQueue(): void {
    while (this.#deleteQueue.length > 0) {
      for (const node of this.#deleteQueue.splice(0)) if (isInstanceValid(node)) freeNode(node);
    }
  }

  #onNodeRemoved(node: Node): void {
    this.#scenes.onNodeRemoved(node);
    this.#removedDuringGroupCall?.add(node);
    this.nodeRemoved.emit(node);
  }

  #groupOf(group: string, create: boolean): Set<Node> {
    let nodes = this.#groups.get(group);
    if (nodes === undefined) {
      nodes = new Set();
      if (create) this.#groups.set(group, nodes);
    }
    return nodes;
  }

  #removeFromGroup(group: string, node: Node): void {
    const nodes = this.#groupOf(group, false);
    nodes.delete(node);
    if (nodes.size === 0) this.#groups.delete(group);
  }
}

type Guard = (fn: () => void) => void;

/** A guard that runs a step and keeps its error for the end of the frame. */
function collect(errors: unknown[]): Guard {
  return (fn) => {
    try {
      fn();
    } catch (err) {
      errors.push(err);
    }
  };
}

function rethrow(errors: unknown[]): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, 'Several steps of one frame threw.');
}
