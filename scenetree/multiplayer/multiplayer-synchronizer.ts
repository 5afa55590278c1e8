import { ErrorCode, MultiplayerError, NodePath, Signal, encodeAndCompressVariant, type MultiplayerAPI } from '../../core/index.js';
import { Node } from '../node.js';
import { provideReplication } from './replication-hook.js';
import { REPLICATION_ROLE } from './replication-role.js';
import { getState } from './replication-state.js';
import { createReplicationInterface } from './scene-replication-interface.js';
import { SceneReplicationConfig } from './scene-replication-config.js';

/** When visibility filters are re-run. Godot: MultiplayerSynchronizer::VisibilityUpdateMode. */
export const VisibilityUpdateMode = { IDLE: 0, PHYSICS: 1, NONE: 2 } as const;
export type VisibilityUpdateMode = (typeof VisibilityUpdateMode)[keyof typeof VisibilityUpdateMode];

/** Decides whether a synchronizer is visible to `peer`; all filters must agree. */
export type VisibilityFilter = (peer: number) => boolean;

interface Watcher {
  key: string;
  bytes: Uint8Array;
  changedMs: number;
}

/** What changed since a peer's last delta: the change mask and the compressed values, in watch order. */
export interface DeltaState {
  readonly mask: bigint;
  readonly values: readonly Uint8Array[];
}

/**
 * A synchronizer's replication bookkeeping (Godot keeps it in the synchronizer: net_id, the sync
 * times, the watchers). Reset whenever the synchronizer starts or stops.
 */
export class SynchronizerState {
  /** Godot: net_id. 0 = none yet; bit 31 = path-based (the cache id of the synchronizer). */
  netId = 0;
  #lastSyncMs = -Infinity;
  #lastInbound = 0;
  #syncStarted = false;
  #lastWatchMs = -Infinity;
  #watchers: Watcher[] = [];

  /** Godot: reset. */
  reset(): void {
    this.netId = 0;
    this.#lastSyncMs = -Infinity;
    this.#lastInbound = 0;
    this.#syncStarted = false;
    this.#lastWatchMs = -Infinity;
    this.#watchers = [];
  }

  /** Whether a SYNC is due at `nowMs` (always true again within the same frame). Godot: update_outbound_sync_time. */
  updateOutboundSyncTime(nowMs: number, intervalMs: number): boolean {
    if (this.#lastSyncMs === nowMs) return true;
    if (nowMs < this.#lastSyncMs + intervalMs) return false;
    this.#lastSyncMs = nowMs;
    return true;
  }

  /** Whether a SYNC stamped `time` is newer than the last one accepted (u16 wrap-aware). Godot: update_inbound_sync_time. */
  updateInboundSyncTime(time: number): boolean {
    if (!this.#syncStarted) this.#syncStarted = true;
    else if (time <= this.#lastInbound && this.#lastInbound - time < 32767) return false;
    this.#lastInbound = time;
    return true;
  }

  /**
   * The ON_CHANGE values changed after `lastMs` (a peer's last delta), watching for changes at most
   * once per frame and once per `intervalMs`. Values are compared by their wire encoding, which is
   * Godot's hash_compare for everything that can be sent. Godot: get_delta_state and _watch_changes.
   */
  getDeltaState(root: Node, props: readonly NodePath[], nowMs: number, lastMs: number, intervalMs: number): DeltaState | string {
    if (this.#lastWatchMs !== nowMs) {
      if (nowMs < lastMs + intervalMs) return { mask: 0n, values: [] };
      const err = this.#watch(root, props, nowMs);
      if (err !== null) return err;
      this.#lastWatchMs = nowMs;
    }
    let mask = 0n;
    const values: Uint8Array[] = [];
    for (let i = 0; i < this.#watchers.length; i++) {
      const w = this.#watchers[i]!;
      if (w.changedMs <= lastMs) continue;
      values.push(w.bytes);
      mask |= 1n << BigInt(i);
    }
    return { mask, values };
  }

  #watch(root: Node, props: readonly NodePath[], nowMs: number): string | null {
    if (this.#watchers.length > props.length) this.#watchers.length = props.length;
    const values = getState(props, root);
    if (typeof values === 'string') return values;
    for (let i = 0; i < props.length; i++) {
      const prop = props[i]!;
      const bytes = encodeAndCompressVariant(values[i]!);
      if (typeof bytes === 'number') return `Property '${prop.toString()}' cannot be encoded as a Variant.`;
      const key = prop.toString();
      const w = this.#watchers[i];
      if (w === undefined || w.key !== key) this.#watchers[i] = { key, bytes, changedMs: nowMs };
      else if (!sameBytes(w.bytes, bytes)) {
        w.bytes = bytes;
        w.changedMs = nowMs;
      }
    }
    return null;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Godot: MultiplayerSynchronizer (modules/multiplayer/multiplayer_synchronizer.cpp). Replicates the
 * properties of its replication config from its multiplayer authority to the peers it is visible to:
 * spawn properties travel in the SPAWN packet of a spawned root, ALWAYS properties in SYNC packets
 * every `replicationInterval`, ON_CHANGE properties in reliable delta packets when they change.
 *
 * Set `replicationConfig` (and the authority) before the synchronizer enters the tree.
 */
export class MultiplayerSynchronizer extends Node {
  /** @internal How the replication code recognises a synchronizer without importing this class (replication-role.ts). */
  readonly [REPLICATION_ROLE] = 'synchronizer';
  /** Godot signal `synchronized`: a SYNC updated the properties. */
  readonly synchronized = new Signal();
  /** Godot signal `delta_synchronized`: a delta updated the properties. */
  readonly deltaSynchronized = new Signal();
  /** Godot signal `visibility_changed(for_peer)` (0 = every peer). */
  readonly visibilityChanged = new Signal<[forPeer: number]>();

  /** Godot property `replication_config`. Divergence from Godot: an empty config instead of null. */
  replicationConfig: SceneReplicationConfig | null = new SceneReplicationConfig();

  /** Replication bookkeeping, for the replication interface. */
  readonly state = new SynchronizerState();

  #visibilityUpdateMode: VisibilityUpdateMode = VisibilityUpdateMode.IDLE;
  #rootPath = new NodePath('..');
  #replicationIntervalMs = 0;
  #deltaIntervalMs = 0;
  readonly #visibility = new Set<number>([0]);
  readonly #filters = new Set<VisibilityFilter>();
  #started: { api: MultiplayerAPI; root: Node } | null = null;

  constructor(name?: string) {
    super(name);
    provideReplication(createReplicationInterface);
    this.treeEntered.connect(() => this.#start());
    this.treeExiting.connect(() => this.#stop());
    // `ready` comes after the tree turned processing on for the `_process` override below.
    this.ready.connect(() => this.#updateProcess());
  }

  /** Godot property `root_path` (default `..`): the node whose properties are replicated. */
  get rootPath(): NodePath {
    return this.#rootPath;
  }
  set rootPath(path: NodePath | string) {
    const next = NodePath.from(path);
    if (next.equals(this.#rootPath)) return;
    this.#stop();
    this.#rootPath = next;
    this.#start();
  }

  /** Godot property `replication_interval`, in seconds; 0 = every network frame. */
  get replicationInterval(): number {
    return this.#replicationIntervalMs / 1000;
  }
  set replicationInterval(seconds: number) {
    this.#replicationIntervalMs = checkInterval(seconds);
  }

  /** Godot property `delta_interval`, in seconds; 0 = every network frame. */
  get deltaInterval(): number {
    return this.#deltaIntervalMs / 1000;
  }
  set deltaInterval(seconds: number) {
    this.#deltaIntervalMs = checkInterval(seconds);
  }

  /** The replication interval in milliseconds. */
  get replicationIntervalMs(): number {
    return this.#replicationIntervalMs;
  }

  /** The delta interval in milliseconds. */
  get deltaIntervalMs(): number {
    return this.#deltaIntervalMs;
  }

  /** Godot property `visibility_update_mode`: when filters are re-evaluated (each process frame by default). */
  get visibilityUpdateMode(): VisibilityUpdateMode {
    return this.#visibilityUpdateMode;
  }
  set visibilityUpdateMode(mode: VisibilityUpdateMode) {
    this.#visibilityUpdateMode = mode;
    this.#updateProcess();
  }

  /** Godot property `public_visibility`: visible to every peer (filters still apply). */
  get publicVisibility(): boolean {
    return this.#visibility.has(0);
  }
  set publicVisibility(visible: boolean) {
    this.setVisibilityFor(0, visible);
  }

  /** Godot: add_visibility_filter. */
  addVisibilityFilter(filter: VisibilityFilter): void {
    this.#filters.add(filter);
    this.#updateProcess();
  }

  /** Godot: remove_visibility_filter. */
  removeVisibilityFilter(filter: VisibilityFilter): void {
    this.#filters.delete(filter);
    this.#updateProcess();
  }

  /** Godot: set_visibility_for (peer 0 = public). */
  setVisibilityFor(peer: number, visible: boolean): void {
    if (this.#visibility.has(peer) === visible) return;
    if (visible) this.#visibility.add(peer);
    else this.#visibility.delete(peer);
    this.updateVisibility(peer);
  }

  /** Godot: get_visibility_for. */
  getVisibilityFor(peer: number): boolean {
    return this.#visibility.has(peer);
  }

  /** Godot: is_visible_to: every filter agrees, and the synchronizer is public or visible to `peer`. */
  isVisibleTo(peer: number): boolean {
    for (const filter of this.#filters) if (filter(peer) !== true) return false;
    return this.#visibility.has(0) || this.#visibility.has(peer);
  }

  /** Godot: update_visibility: re-evaluates visibility (spawns or despawns as needed) for one peer or all (0). */
  updateVisibility(forPeer = 0): void {
    const api = this.#started?.api;
    if (api === undefined || !api.hasMultiplayerPeer() || !this.isMultiplayerAuthority()) return;
    this.visibilityChanged.emit(forPeer);
  }

  /** Godot: get_root_node: the node being replicated, while started. */
  getRootNode(): Node | null {
    return this.#started?.root ?? null;
  }

  /** Godot: set_multiplayer_authority, restarting replication under the new authority. */
  override setMultiplayerAuthority(id: number, recursive = true): void {
    if (this.getMultiplayerAuthority() === id) {
      super.setMultiplayerAuthority(id, recursive);
      return;
    }
    this.#stop();
    super.setMultiplayerAuthority(id, recursive);
    this.#start();
  }

  // Godot uses internal processing, on only while there are filters; these overrides stand in for it.
  override _process(_delta: number): void {
    this.updateVisibility(0);
  }

  override _physicsProcess(_delta: number): void {
    this.updateVisibility(0);
  }

  /** Godot: _update_process: re-run the filters each frame only when there are filters. */
  #updateProcess(): void {
    const filtering = this.#filters.size > 0;
    this.setProcess(filtering && this.#visibilityUpdateMode === VisibilityUpdateMode.IDLE);
    this.setPhysicsProcess(filtering && this.#visibilityUpdateMode === VisibilityUpdateMode.PHYSICS);
  }

  /** Godot: _start. */
  #start(): void {
    this.state.reset();
    if (!this.isInsideTree() || this.#rootPath.isEmpty()) return;
    const root = this.getNodeOrNull(this.#rootPath);
    const api = this.multiplayer;
    if (root === null || api === null) return;
    this.#started = { api, root };
    api.objectConfigurationAdd(root, this);
  }

  /** Godot: _stop. */
  #stop(): void {
    const started = this.#started;
    this.#started = null;
    if (started !== null) started.api.objectConfigurationRemove(started.root, this);
    this.state.reset();
  }
}

function checkInterval(seconds: number): number {
  if (!(seconds >= 0))
    throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, 'Interval must be greater or equal to 0 (where 0 means default)');
  return seconds * 1000;
}
