import { ErrorCode, MultiplayerError, NodePath, Signal, type MultiplayerAPI, type Variant } from '../../core/index.js';
import { Node } from '../node.js';
import { validateNodeName } from '../node-name.js';
import type { PackedScene } from '../packed-scene.js';
import { provideReplication } from './replication-hook.js';
import { CUSTOM_SPAWN, REPLICATION_ROLE } from './replication-role.js';
import { createReplicationInterface } from './scene-replication-interface.js';

export { CUSTOM_SPAWN };

/** Builds the node of a custom spawn from the data passed to `spawn(data)` (on every peer). */
export type SpawnFunction = (data: Variant) => Node;

interface SpawnInfo {
  readonly args: Variant;
  readonly sceneId: number;
  readonly off: () => void;
}

interface SpawnableScene {
  readonly path: string;
  cache: PackedScene | null;
}

/**
 * Godot: MultiplayerSpawner (modules/multiplayer/multiplayer_spawner.cpp). On its multiplayer
 * authority, every child added under `spawnPath` whose `sceneFilePath` is a spawnable scene (and every
 * node made by `spawn(data)`) is spawned on the peers it is visible to, and despawned when it leaves
 * the tree. On the other peers it instantiates what the authority spawned (`spawned` signal) and frees
 * what it despawned (`despawned`). Both sides need the same spawnable scenes, in the same order, in
 * their trees' scene registries, and the same `spawnFunction`.
 */
export class MultiplayerSpawner extends Node {
  /** @internal How the replication code recognises a spawner without importing this class (replication-role.ts). */
  readonly [REPLICATION_ROLE] = 'spawner';
  /** Godot signal `spawned(node)`: a remote spawn was added (not emitted on the authority). */
  readonly spawned = new Signal<[node: Node]>();
  /** Godot signal `despawned(node)`: a remote despawn removed the node (it is freed at the end of the frame). */
  readonly despawned = new Signal<[node: Node]>();

  /** Godot property `spawn_limit`: at most this many spawned nodes at once (0 = no limit); on receivers too. */
  spawnLimit = 0;
  /** Godot property `spawn_function`: builds the node of a custom spawn, on every peer. */
  spawnFunction: SpawnFunction | null = null;

  #spawnPath = NodePath.EMPTY;
  readonly #scenes: SpawnableScene[] = [];
  #spawnNode: Node | null = null;
  #offChildEntered: (() => void) | null = null;
  readonly #tracked = new Map<Node, SpawnInfo>();
  readonly #remote = new Map<Node, () => void>();
  #api: MultiplayerAPI | null = null;

  constructor(name?: string) {
    super(name);
    provideReplication(createReplicationInterface);
    this.treeEntered.connect(() => this.#updateSpawnNode());
    this.treeExiting.connect(() => this.#exitTree());
  }

  /** Godot property `spawn_path`: the node whose children are spawned. */
  get spawnPath(): NodePath {
    return this.#spawnPath;
  }
  set spawnPath(path: NodePath | string) {
    this.#spawnPath = NodePath.from(path);
    this.#updateSpawnNode();
  }

  /** Godot: add_spawnable_scene (a path in the tree's scene registry). */
  addSpawnableScene(path: string): void {
    this.#scenes.push({ path, cache: null });
    if (this.#scenes.length === 1) this.#updateSpawnNode();
  }

  /** Godot: get_spawnable_scene_count. */
  getSpawnableSceneCount(): number {
    return this.#scenes.length;
  }

  /** Godot: get_spawnable_scene. */
  getSpawnableScene(index: number): string {
    const scene = this.#scenes[index];
    if (scene === undefined)
      throw new MultiplayerError(ErrorCode.ERR_PARAMETER_RANGE_ERROR, `Spawnable scene index ${index} is out of range.`);
    return scene.path;
  }

  /** Godot: clear_spawnable_scenes. */
  clearSpawnableScenes(): void {
    this.#scenes.length = 0;
    this.#updateSpawnNode();
  }

  /**
   * Godot: spawn: builds a node with `spawnFunction(data)`, adds it under the spawn path (with a
   * readable name) and spawns it on the peers, which call their `spawnFunction` with the same data.
   * Throws when this peer is not the authority, the limit is reached, or there is no function or node.
   */
  spawn(data: Variant = null): Node {
    const api = this.multiplayer;
    if (api === null || !api.hasMultiplayerPeer() || !this.isMultiplayerAuthority()) {
      throw new MultiplayerError(
        ErrorCode.ERR_UNAUTHORIZED,
        'Only the multiplayer authority of a MultiplayerSpawner inside the tree can spawn.',
      );
    }
    if (this.#atLimit()) throw new MultiplayerError(ErrorCode.ERR_OUT_OF_MEMORY, 'Spawn limit reached!');
    if (this.spawnFunction === null) {
      throw new MultiplayerError(ErrorCode.ERR_UNCONFIGURED, "Custom spawn requires the 'spawnFunction' property to be set.");
    }
    const parent = this.getSpawnNode();
    if (parent === null) throw new MultiplayerError(ErrorCode.ERR_UNCONFIGURED, 'Cannot find spawn node.');
    const node = this.spawnFunction(data);
    if (!(node instanceof Node)) throw new MultiplayerError(ErrorCode.ERR_INVALID_DATA, "The 'spawnFunction' must return a Node.");
    this.#track(node, data, CUSTOM_SPAWN);
    parent.addChild(node, true);
    return node;
  }

  /** The node spawned children go under, or null. */
  getSpawnNode(): Node | null {
    return this.isInsideTree() && !this.#spawnPath.isEmpty() ? this.getNodeOrNull(this.#spawnPath) : null;
  }

  /** The scene index a tracked node was spawned from (CUSTOM_SPAWN for custom spawns). Godot: find_spawnable_scene_index_from_object. */
  findSpawnableSceneIndexFromObject(node: Node): number {
    return this.#tracked.get(node)?.sceneId ?? CUSTOM_SPAWN;
  }

  /** The data a custom spawn was made with. Godot: get_spawn_argument. */
  getSpawnArgument(node: Node): Variant {
    return this.#tracked.get(node)?.args ?? null;
  }

  /** A remote spawn of scene `index`, or a message saying why not. Godot: instantiate_scene. */
  instantiateScene(index: number): Node | string {
    if (this.#atLimit()) return 'Spawn limit reached!';
    const scene = this.#scenes[index];
    if (scene === undefined) return `Spawnable scene index ${index} is out of range (${this.#scenes.length} scenes).`;
    scene.cache ??= this.isInsideTree() ? this.getTree().scenes.load(scene.path) : null;
    if (scene.cache === null) return `Invalid spawnable scene: ${scene.path}`;
    return scene.cache.instantiate();
  }

  /** A remote custom spawn, or a message saying why not. Godot: instantiate_custom. */
  instantiateCustom(data: Variant): Node | string {
    if (this.#atLimit()) return 'Spawn limit reached!';
    if (this.spawnFunction === null) return "Custom spawn requires a valid 'spawnFunction'.";
    let node: unknown;
    try {
      node = this.spawnFunction(data);
    } catch (err) {
      return `The spawn function threw: ${err instanceof Error ? err.message : String(err)}`;
    }
    return node instanceof Node ? node : 'The spawn function must return a Node.';
  }

  /** Counts a remotely spawned node against `spawnLimit` while it is in the tree. */
  trackRemote(node: Node): void {
    if (this.#remote.has(node)) return;
    const off = node.treeExiting.connect(() => this.#remote.delete(node), { once: true });
    this.#remote.set(node, off);
  }

  #atLimit(): boolean {
    return this.spawnLimit > 0 && this.spawnLimit <= this.#tracked.size + this.#remote.size;
  }

  /** Godot: _update_spawn_node. */
  #updateSpawnNode(): void {
    this.#offChildEntered?.();
    this.#offChildEntered = null;
    this.#spawnNode = this.getSpawnNode();
    if (this.#spawnNode !== null && this.#scenes.length > 0) {
      this.#offChildEntered = this.#spawnNode.childEnteredTree.connect((child) => this.#nodeAdded(child));
    }
  }

  /** Godot: _node_added: auto-spawn of a spawnable scene's instance. */
  #nodeAdded(node: Node): void {
    const api = this.multiplayer;
    if (api === null || !api.hasMultiplayerPeer() || !this.isMultiplayerAuthority()) return;
    if (this.#tracked.has(node) || node.getParent() !== this.#spawnNode) return;
    const index = this.#scenes.findIndex((s) => s.path === node.sceneFilePath);
    if (index === -1) return;
    if (validateNodeName(node.name) !== node.name || node.name.includes('@')) {
      this.getTree().logger.error(
        `Unable to auto-spawn node with reserved name: ${node.name}. Make sure to add your replicated scenes via 'addChild(node, true)' to produce valid names.`,
      );
      return;
    }
    this.#track(node, null, index);
  }

  /** Godot: _track and _spawn_notify. */
  #track(node: Node, args: Variant, sceneId: number): void {
    if (this.#tracked.has(node)) return;
    const off = node.treeExiting.connect(() => this.#nodeExit(node), { once: true });
    this.#tracked.set(node, { args, sceneId, off });
    this.#api = this.multiplayer;
    this.#api?.objectConfigurationAdd(node, this);
  }

  /** Godot: _node_exit. */
  #nodeExit(node: Node): void {
    if (!this.#tracked.delete(node)) return;
    this.#api?.objectConfigurationRemove(node, this);
  }

  /** Godot: NOTIFICATION_EXIT_TREE. */
  #exitTree(): void {
    this.#offChildEntered?.();
    this.#offChildEntered = null;
    this.#spawnNode = null;
    for (const [node, info] of this.#tracked) {
      info.off();
      this.#api?.objectConfigurationRemove(node, this);
    }
    this.#tracked.clear();
    for (const off of this.#remote.values()) off();
    this.#remote.clear();
  }
}
