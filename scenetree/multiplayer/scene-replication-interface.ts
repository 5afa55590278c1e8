import {
  ByteWriter,
  ErrorCode,
  encodeAndCompressVariant,
  encodeAndCompressVariants,
  encodeUint32,
  type Clock,
  type Variant,
} from '../../core/index.js';
import type { Node } from '../node.js';
import { Command } from './commands.js';
import { DEFAULT_MAX_HELD_STATES, HeldStates, type HeldStateStats } from './held-states.js';
import type { MultiplayerContext } from './multiplayer-context.js';
import type { MultiplayerSpawner } from './multiplayer-spawner.js';
import type { MultiplayerSynchronizer } from './multiplayer-synchronizer.js';
import { checkMtu } from './replication-hook.js';
import { CUSTOM_SPAWN, isSpawner, isSynchronizer } from './replication-role.js';
import { getState } from './replication-state.js';
import { ReplicationReceiver, type ReplicationTables } from './replication-receiver.js';
import { ReplicationSyncSender, hasAuthority, sendReplicationPacket } from './replication-sync-sender.js';
import type { SceneCacheInterface } from './scene-cache-interface.js';
import { WaitingPaths } from './waiting-paths.js';

const encoder = new TextEncoder();

/** Godot: SceneReplicationInterface::TrackedNode. */
export interface TrackedNode {
  readonly node: Node;
  netId: number;
  /** The peer that spawned it here, or 0. */
  remotePeer: number;
  spawner: MultiplayerSpawner | null;
  readonly synchronizers: Set<MultiplayerSynchronizer>;
}

/** Godot: SceneReplicationInterface::PeerInfo. */
export interface PeerInfo {
  readonly syncNodes: Set<MultiplayerSynchronizer>;
  readonly spawnNodes: Set<Node>;
  readonly lastWatchMs: Map<MultiplayerSynchronizer, number>;
  readonly recvSyncIds: Map<number, MultiplayerSynchronizer>;
  readonly recvNodes: Map<number, Node>;
  /** Sync before spawn: states that arrived before their SPAWN. */
  readonly held: HeldStates;
  lastSentSync: number;
}

function newPeerInfo(): PeerInfo {
  return {
    syncNodes: new Set(),
    spawnNodes: new Set(),
    lastWatchMs: new Map(),
    recvSyncIds: new Map(),
    recvNodes: new Map(),
    held: new HeldStates(),
    lastSentSync: 0,
  };
}

/**
 * Godot: SceneReplicationInterface (modules/multiplayer/scene_replication_interface.cpp): the sending
 * side of spawning and synchronization (docs/wire/multiplayer.md §7), and the bookkeeping both sides share. The
 * receiving side is `ReplicationReceiver`.
 */
export class SceneReplicationInterface implements ReplicationTables {
  readonly tracked = new Map<Node, TrackedNode>();
  readonly peers = new Map<number, PeerInfo>();
  // Divergence from Godot: Godot skips state for a net id it has not spawned; we hold it until the SPAWN.
  /** Sync before spawn: how many early states are held per peer (oldest dropped beyond). */
  maxHeldStates = DEFAULT_MAX_HELD_STATES;
  /** Sync-before-spawn counters. */
  readonly heldStats: HeldStateStats;
  readonly #mp: MultiplayerContext;
  readonly #cache: SceneCacheInterface;
  readonly #clock: Clock;
  readonly #receiver: ReplicationReceiver;
  readonly #sender: ReplicationSyncSender;
  /** Locally spawned nodes that are ready (Godot: spawned_nodes). */
  readonly #spawned = new Set<Node>();
  /** Every started synchronizer (Godot: sync_nodes). */
  readonly #syncs = new Map<MultiplayerSynchronizer, () => void>();
  /** Local spawns waiting for `ready` (Godot: spawn_queue). */
  readonly #spawnQueue = new Map<Node, () => void>();
  #lastNetId = 0;
  readonly #writer = new ByteWriter(1536);
  /** Local failures already reported (sender-side errors would otherwise repeat every frame). */
  readonly #reported = new WeakSet<object>();

  constructor(mp: MultiplayerContext, cache: SceneCacheInterface, clock: Clock) {
    this.#mp = mp;
    this.#cache = cache;
    this.#clock = clock;
    this.#receiver = new ReplicationReceiver(mp, cache, this);
    this.heldStats = cache.heldStats; // one object: the cache counts the paths, even before this exists
    const waiting = new WaitingPaths({
      log: mp.log,
      stats: this.heldStats,
      maxWaiting: () => cache.maxWaitingPaths,
      rootNode: () => mp.getRootNode(),
      rootPathText: () => mp.rootPath.toString(),
      register: (from, id, node, path, md5) => cache.register(from, id, node, path, md5),
    });
    cache.setListener({ waiting, pathConfirmed: (from, id) => this.#receiver.applyHeldPath(from, id) });
    this.#sender = new ReplicationSyncSender(mp, cache, (key, message) => this.#reportOnce(key, message));
  }

  /** Godot property `max_sync_packet_size` (default 1350, at least 128). */
  get maxSyncPacketSize(): number {
    return this.#sender.syncMtu;
  }
  set maxSyncPacketSize(size: number) {
    this.#sender.syncMtu = checkMtu(size);
  }

  /** Godot property `max_delta_packet_size` (default 65535, at least 128). */
  get maxDeltaPacketSize(): number {
    return this.#sender.deltaMtu;
  }
  set maxDeltaPacketSize(size: number) {
    this.#sender.deltaMtu = checkMtu(size);
  }

  /** Godot: on_peer_change. */
  onPeerChange(id: number, connected: boolean): void {
    if (connected) {
      this.peers.set(id, newPeerInfo());
      for (const node of this.#spawned) this.#updateSpawnVisibility(id, node);
      for (const sync of this.#syncs.keys()) this.#updateSyncVisibility(id, sync);
      return;
    }
    const info = this.peers.get(id);
    if (info === undefined) return;
    this.#freeRemotes(info);
    this.peers.delete(id);
  }

  /** Godot: on_reset: frees what remote peers spawned and forgets every net id. */
  onReset(): void {
    for (const info of this.peers.values()) this.#freeRemotes(info);
    this.peers.clear();
    for (const t of this.tracked.values()) {
      t.netId = 0;
      t.remotePeer = 0;
    }
    for (const sync of this.#syncs.keys()) sync.state.reset();
    this.#lastNetId = 0;
  }

  /** Godot: on_network_process: one SYNC (and delta) round to every peer with visible synchronizers. */
  onNetworkProcess(): void {
    if (this.#spawnQueue.size > 0) {
      this.#mp.log.error("An error happened during last spawn, this usually means the 'ready' signal was not emitted by the spawned node.");
      for (const off of this.#spawnQueue.values()) off();
      this.#spawnQueue.clear();
    }
    if (this.#syncs.size === 0) return;
    const now = this.#clock.nowMs();
    const states = new Map<MultiplayerSynchronizer, Uint8Array | null>();
    for (const [peer, info] of this.peers) {
      if (info.syncNodes.size === 0) continue;
      info.lastSentSync = (info.lastSentSync + 1) & 0xffff;
      const syncs = [...info.syncNodes];
      this.#sender.sendSync(peer, syncs, info.lastSentSync, now, states);
      this.#sender.sendDelta(peer, info, syncs, now);
    }
  }

  /** Godot: on_spawn: `spawner` (its authority is us) tracks `node`; it is spawned once ready. */
  onSpawn(node: Node, spawner: MultiplayerSpawner): ErrorCode {
    const t = this.track(node);
    if (t.spawner !== null) return ErrorCode.ERR_ALREADY_IN_USE;
    t.spawner = spawner;
    // The spawn state is read after `ready`, but spawns are ordered by entering the tree.
    this.#spawnQueue.set(
      node,
      node.ready.connect(() => this.#nodeReady(node), { once: true }),
    );
    return ErrorCode.OK;
  }

  /** Godot: on_despawn: tells every peer that has `node` to drop it. */
  onDespawn(node: Node, spawner: MultiplayerSpawner): ErrorCode {
    const t = this.tracked.get(node);
    if (t === undefined || t.spawner !== spawner) return ErrorCode.ERR_INVALID_PARAMETER;
    const packet = despawnPacket(t.netId);
    for (const [peer, info] of this.peers) {
      if (info.spawnNodes.delete(node)) sendReplicationPacket(this.#mp, peer, packet, true);
    }
    this.#spawnQueue.get(node)?.();
    this.#spawnQueue.delete(node);
    t.spawner = null;
    this.#spawned.delete(node);
    return ErrorCode.OK;
  }

  /** Godot: on_replication_start: `sync` replicates `node`; a pending remote spawn hands it its id and spawn state. */
  onReplicationStart(node: Node, sync: MultiplayerSynchronizer): ErrorCode {
    const t = this.track(node);
    t.synchronizers.add(sync);
    this.#syncs.set(
      sync,
      sync.visibilityChanged.connect((peer) => this.#visibilityChanged(peer, sync)),
    );
    this.#updateSyncVisibility(0, sync);
    return this.#receiver.applyPendingSpawn(node, sync);
  }

  /** Godot: on_replication_stop. */
  onReplicationStop(node: Node, sync: MultiplayerSynchronizer): ErrorCode {
    this.#syncs.get(sync)?.();
    this.#syncs.delete(sync);
    const t = this.tracked.get(node);
    if (t === undefined) return ErrorCode.ERR_INVALID_PARAMETER;
    t.synchronizers.delete(sync);
    const netId = sync.state.netId;
    for (const info of this.peers.values()) {
      info.syncNodes.delete(sync);
      info.lastWatchMs.delete(sync);
      if (netId !== 0 && info.recvSyncIds.get(netId) === sync) {
        info.recvSyncIds.delete(netId);
        info.held.retire(netId);
      }
    }
    return ErrorCode.OK;
  }

  /** Godot: is_rpc_visible: whether an RPC on `node` may go to `peer` (0 = to everyone). */
  isRpcVisible(node: Node, peer: number): boolean {
    if (this.tracked.size === 0) return true;
    const t = this.tracked.get(node);
    if (t === undefined || t.synchronizers.size === 0) return true;
    if (t.remotePeer !== 0 && peer === t.remotePeer) return true; // The spawner always sees its nodes.
    if (this.#spawned.has(node)) {
      if (peer !== 0) return this.peers.get(peer)?.spawnNodes.has(node) === true;
      for (const info of this.peers.values()) if (!info.spawnNodes.has(node)) return false;
      return true;
    }
    for (const sync of t.synchronizers) if (sync.isVisibleTo(peer)) return true;
    return false;
  }

  /** Godot: the spawner and synchronizer branches of SceneMultiplayer::object_configuration_add. */
  onConfigurationAdd(object: object | null, config: unknown): ErrorCode {
    if (isSpawner(config)) return this.onSpawn(object as Node, config);
    if (isSynchronizer(config)) return this.onReplicationStart(object as Node, config);
    return ErrorCode.ERR_INVALID_PARAMETER;
  }

  /** Godot: the spawner and synchronizer branches of SceneMultiplayer::object_configuration_remove. */
  onConfigurationRemove(object: object | null, config: unknown): ErrorCode {
    if (isSpawner(config)) return this.onDespawn(object as Node, config);
    if (isSynchronizer(config)) return this.onReplicationStop(object as Node, config);
    return ErrorCode.ERR_INVALID_PARAMETER;
  }

  /** SPAWN, DESPAWN and SYNC packets from `from`. */
  processPacket(from: number, command: number, packet: Uint8Array): void {
    if (command === Command.SPAWN) this.#receiver.processSpawn(from, packet);
    else if (command === Command.DESPAWN) this.#receiver.processDespawn(from, packet);
    else this.#receiver.processSync(from, packet);
  }

  /** Godot: _track: a node the replication knows about, forgotten when it leaves the tree. */
  track(node: Node): TrackedNode {
    let t = this.tracked.get(node);
    if (t === undefined) {
      t = { node, netId: 0, remotePeer: 0, spawner: null, synchronizers: new Set() };
      this.tracked.set(node, t);
      node.treeExited.connect(() => this.#untrack(node), { once: true });
    }
    return t;
  }

  /** Godot: _untrack. */
  #untrack(node: Node): void {
    const t = this.tracked.get(node);
    if (t === undefined) return;
    this.tracked.delete(node);
    if (t.remotePeer !== 0) {
      const recv = this.peers.get(t.remotePeer)?.recvNodes;
      if (recv?.get(t.netId) === node) recv.delete(t.netId);
    }
    for (const info of this.peers.values()) info.spawnNodes.delete(node);
  }

  /** Godot: _free_remotes. */
  #freeRemotes(info: PeerInfo): void {
    for (const node of info.recvNodes.values()) if (this.tracked.has(node)) node.queueFree();
  }

  /** Godot: _node_ready: once the outermost queued spawn is ready, every queued spawn goes out. */
  #nodeReady(node: Node): void {
    if (this.#spawnQueue.keys().next().value !== node) return; // A nested spawn waits for its parent.
    const queued = [...this.#spawnQueue.keys()];
    this.#spawnQueue.clear();
    for (const n of queued) {
      const spawner = this.tracked.get(n)?.spawner;
      if (spawner == null) continue;
      this.#spawned.add(n);
      if (hasAuthority(this.#mp, spawner)) this.#updateSpawnVisibility(0, n);
    }
  }

  /** Godot: _visibility_changed. */
  #visibilityChanged(peer: number, sync: MultiplayerSynchronizer): void {
    const root = sync.getRootNode();
    if (root === null) return;
    if (this.#spawned.has(root) && peer !== this.#mp.getUniqueId()) this.#updateSpawnVisibility(peer, root);
    this.#updateSyncVisibility(peer, sync);
  }

  /** Godot: _update_sync_visibility: which peers get this synchronizer's SYNC packets. */
  #updateSyncVisibility(peer: number, sync: MultiplayerSynchronizer): void {
    if (!hasAuthority(this.#mp, sync) || peer === this.#mp.getUniqueId()) return;
    const visible = sync.isVisibleTo(peer);
    const targets = peer === 0 ? this.peers : new Map([[peer, this.peers.get(peer)]]);
    for (const [id, info] of targets) {
      if (info === undefined) continue;
      const show = peer === 0 ? visible || sync.isVisibleTo(id) : visible;
      if (show === info.syncNodes.has(sync)) continue;
      if (show) info.syncNodes.add(sync);
      else {
        info.syncNodes.delete(sync);
        info.lastWatchMs.delete(sync);
      }
    }
  }

  /** Godot: _update_spawn_visibility: spawns or despawns `node` where its visibility changed. */
  #updateSpawnVisibility(peer: number, node: Node): void {
    const t = this.tracked.get(node);
    const spawner = t?.spawner;
    if (t === undefined || spawner == null || !hasAuthority(this.#mp, spawner)) return;
    let visible = true;
    for (const sync of t.synchronizers) {
      if (!hasAuthority(this.#mp, sync)) continue;
      // Spawn visibility is the OR of the owned synchronizers' visibility.
      visible = sync.isVisibleTo(peer);
      if (visible) break;
    }
    const toSpawn: number[] = [];
    const toDespawn: number[] = [];
    if (peer !== 0) {
      const info = this.peers.get(peer);
      if (info === undefined || visible === info.spawnNodes.has(node)) return;
      (visible ? toSpawn : toDespawn).push(peer);
    } else {
      for (const [id, info] of this.peers) {
        if (!visible) this.#updateSpawnVisibility(id, node);
        else if (!info.spawnNodes.has(node)) toSpawn.push(id);
      }
    }
    if (toSpawn.length > 0) {
      const packet = this.#spawnPacket(t, spawner);
      if (typeof packet === 'string') return this.#reportOnce(node, `Cannot spawn "${node.getPath()}": ${packet}`);
      for (const id of toSpawn) {
        this.#cache.sendObjectCache(spawner, id);
        sendReplicationPacket(this.#mp, id, packet, true);
        this.peers.get(id)!.spawnNodes.add(node);
      }
    }
    if (toDespawn.length > 0) {
      const packet = despawnPacket(t.netId);
      for (const id of toDespawn) {
        this.peers.get(id)!.spawnNodes.delete(node);
        sendReplicationPacket(this.#mp, id, packet, true);
      }
    }
  }

  /** Godot: _make_spawn_packet (docs/wire/multiplayer.md §7.2). */
  #spawnPacket(t: TrackedNode, spawner: MultiplayerSpawner): Uint8Array | string {
    if (t.netId === 0) t.netId = ++this.#lastNetId;
    const sceneId = spawner.findSpawnableSceneIndexFromObject(t.node);
    let arg: Uint8Array | null = null;
    if (sceneId === CUSTOM_SPAWN) {
      const encoded = encodeAndCompressVariant(spawner.getSpawnArgument(t.node));
      if (typeof encoded === 'number') return 'the spawn argument cannot be encoded as a Variant.';
      arg = encoded;
    }
    const syncIds: number[] = [];
    const values: Variant[] = [];
    for (const sync of t.synchronizers) {
      if (!hasAuthority(this.#mp, sync)) continue;
      const config = sync.replicationConfig;
      if (config === null) return `synchronizer "${sync.getPath()}" has no replication config.`;
      const state = getState(config.getSpawnProperties(), t.node);
      if (typeof state === 'string') return `unable to retrieve spawn state: ${state}`;
      values.push(...state);
      if (sync.state.netId === 0) sync.state.netId = ++this.#lastNetId;
      syncIds.push(sync.state.netId);
    }
    const name = encoder.encode(t.node.name);
    const w = this.#writer;
    w.reset();
    w.u8(Command.SPAWN);
    w.u8(sceneId);
    w.u32(this.#cache.ensureId(spawner));
    w.u32(t.netId);
    w.u32(syncIds.length);
    w.u32(name.length + 1);
    for (const id of syncIds) w.u32(id);
    w.bytes(name);
    w.u8(0);
    if (arg !== null) {
      w.u32(arg.length);
      w.bytes(arg);
    }
    if (typeof encodeAndCompressVariants(values, {}, w) === 'number') return 'unable to encode spawn state.';
    return w.toBytes();
  }

  #reportOnce(key: object, message: string): void {
    if (this.#reported.has(key)) return;
    this.#reported.add(key);
    this.#mp.log.error(message);
  }
}

/** Godot: _make_despawn_packet: `[05][u32 net id]`. */
function despawnPacket(netId: number): Uint8Array {
  const packet = new Uint8Array(5);
  packet[0] = Command.DESPAWN;
  encodeUint32(netId, packet, 1);
  return packet;
}

/** What the spawner and synchronizer constructors hand to `provideReplication`. */
export function createReplicationInterface(mp: MultiplayerContext, cache: SceneCacheInterface, clock: Clock): SceneReplicationInterface {
  return new SceneReplicationInterface(mp, cache, clock);
}
