import {
  ErrorCode,
  type Signal,
  decodeAndDecompressVariant,
  decodeAndDecompressVariants,
  decodeUint16,
  decodeUint32,
  decodeUint64,
  type NodePath,
  type Variant,
} from '../../core/index.js';
import type { Node } from '../node.js';
import { validateNodeName } from '../node-name.js';
import { PATH_NET_ID, SYNC_DELTA_FLAG } from './commands.js';
import type { MultiplayerContext } from './multiplayer-context.js';
import { DropReason } from './drop-reason.js';
import type { MultiplayerSpawner } from './multiplayer-spawner.js';
import type { MultiplayerSynchronizer } from './multiplayer-synchronizer.js';
import type { HeldState, HeldStateStats } from './held-states.js';
import { CUSTOM_SPAWN, isSpawner, isSynchronizer } from './replication-role.js';
import { setState } from './replication-state.js';
import { readCString, type SceneCacheInterface } from './scene-cache-interface.js';
import type { PeerInfo, TrackedNode } from './scene-replication-interface.js';

/** What the receiver shares with the sending side. */
export interface ReplicationTables {
  readonly tracked: Map<Node, TrackedNode>;
  readonly peers: Map<number, PeerInfo>;
  track(node: Node): TrackedNode;
  /** Sync-before-spawn bound of held states per peer. */
  readonly maxHeldStates: number;
  readonly heldStats: HeldStateStats;
}

/** `[04][scene u8][u32 spawner][u32 net id][u32 sync count][u32 name length]`. */
const SPAWN_HEADER = 18;
const DESPAWN_SIZE = 5;
const SYNC_MIN_SIZE = 11;

/** A remote spawn being added to the tree: its synchronizers pick up ids and spawn state as they start. */
interface PendingSpawn {
  readonly node: Node;
  readonly remote: number;
  readonly buffer: Uint8Array;
  offset: number;
  readonly syncIds: number[];
}

/**
 * The receiving side of replication (docs/wire/multiplayer.md §7, §9): SPAWN, DESPAWN, SYNC and delta packets. Every
 * byte is hostile: a size field that points outside the packet disconnects the sender (logged once);
 * packets that are well formed but not allowed (wrong authority, unknown spawner, bad name, spawn
 * limit) are dropped with one logged error. Godot: the on_*_receive half of SceneReplicationInterface.
 */
export class ReplicationReceiver {
  readonly #mp: MultiplayerContext;
  readonly #cache: SceneCacheInterface;
  readonly #tables: ReplicationTables;
  #pending: PendingSpawn | null = null;

  constructor(mp: MultiplayerContext, cache: SceneCacheInterface, tables: ReplicationTables) {
    this.#mp = mp;
    this.#cache = cache;
    this.#tables = tables;
  }

  /** Godot: on_spawn_receive (docs/wire/multiplayer.md §7.2). */
  processSpawn(from: number, packet: Uint8Array): void {
    if (packet.length < SPAWN_HEADER) return this.#mp.rejectMalformed(from, `Invalid SPAWN packet (${packet.length} bytes).`);
    const sceneId = packet[1]!;
    const spawnerId = decodeUint32(packet, 2);
    const spawner = this.#cache.getCachedObject(from, spawnerId);
    if (!isSpawner(spawner)) {
      if (spawner === null && this.#cache.isWaiting(from, spawnerId)) return this.#holdSpawn(from, spawnerId, packet);
      return this.#drop(from, 'SPAWN for an unknown spawner');
    }
    if (from !== spawner.getMultiplayerAuthority())
      return this.#drop(from, `SPAWN on "${spawner.getPath()}", whose authority it is not`, DropReason.UNAUTHORIZED);
    const netId = decodeUint32(packet, 6);
    const syncCount = decodeUint32(packet, 10);
    const nameLength = decodeUint32(packet, 14);
    let ofs = SPAWN_HEADER;
    if (nameLength + syncCount * 4 > packet.length - ofs || nameLength < 1) {
      return this.#mp.rejectMalformed(from, `Invalid SPAWN packet size: ${packet.length}, wants ${ofs + nameLength + syncCount * 4}.`);
    }
    const syncIds: number[] = [];
    for (let i = 0; i < syncCount; i++, ofs += 4) syncIds.push(decodeUint32(packet, ofs));
    const name = readCString(packet, ofs, ofs + nameLength);
    if (name === null || name === '') return this.#mp.rejectMalformed(from, 'Invalid SPAWN packet: empty or non-UTF-8 node name.');
    ofs += nameLength;
    if (validateNodeName(name) !== name) {
      return this.#drop(from, `Invalid node name received: '${name}'. Make sure to add nodes via 'addChild(node, true)' remotely`);
    }
    const parent = spawner.getSpawnNode();
    if (parent === null) return this.#drop(from, `SPAWN on "${spawner.getPath()}", which has no spawn node`);
    if (parent.hasNode(name)) return this.#drop(from, `SPAWN of '${name}', which already exists under "${parent.getPath()}"`);
    const info = this.#tables.peers.get(from);
    if (info === undefined) return;
    if (info.recvNodes.has(netId)) return this.#drop(from, `SPAWN with net id ${netId}, which is already in use`);
    let node: Node | string;
    if (sceneId === CUSTOM_SPAWN) {
      if (packet.length - ofs < 4) return this.#mp.rejectMalformed(from, 'Invalid SPAWN packet: missing custom argument size.');
      const argSize = decodeUint32(packet, ofs);
      ofs += 4;
      if (argSize > packet.length - ofs) return this.#mp.rejectMalformed(from, 'Invalid SPAWN packet: custom argument outside the packet.');
      const arg = decodeAndDecompressVariant(packet.subarray(ofs, ofs + argSize), 0, { allowObjects: false });
      if (arg.error !== ErrorCode.OK) return this.#mp.rejectMalformed(from, 'Invalid SPAWN packet: the custom argument does not decode.');
      ofs += argSize;
      node = spawner.instantiateCustom(arg.value);
    } else {
      node = spawner.instantiateScene(sceneId);
    }
    if (typeof node === 'string') return this.#drop(from, `SPAWN on "${spawner.getPath()}" refused: ${node}`);
    node.name = name;
    this.#addRemote(from, info, spawner, parent, node, netId, { node, remote: from, buffer: packet, offset: ofs, syncIds });
  }

  /** Tracks and adds a remote spawn; its synchronizers apply the spawn state as they enter the tree. */
  #addRemote(
    from: number,
    info: PeerInfo,
    spawner: MultiplayerSpawner,
    parent: Node,
    node: Node,
    netId: number,
    pending: PendingSpawn,
  ): void {
    const t = this.#tables.track(node);
    t.spawner = spawner;
    t.netId = netId;
    t.remotePeer = from;
    info.recvNodes.set(netId, node);
    spawner.trackRemote(node);
    const syncIds = [...pending.syncIds];
    this.#pending = pending;
    try {
      parent.addChild(node);
    } catch (err) {
      this.#mp.log.error(`Adding the node spawned by peer ${from} failed: ${err instanceof Error ? err.message : String(err)}`);
      return;
    } finally {
      this.#pending = null;
    }
    this.#applyHeld(from, info, syncIds);
    this.#emit(spawner.spawned, node);
    if (pending.syncIds.length > 0) {
      this.#mp.log.error(
        `SPAWN of "${node.getPath()}" from peer ${from} listed ${pending.syncIds.length} synchronizer id(s) that no synchronizer took.`,
      );
    }
  }

  /** Godot: the pending-spawn half of on_replication_start. */
  applyPendingSpawn(node: Node, sync: MultiplayerSynchronizer): ErrorCode {
    const pending = this.#pending;
    if (pending === null || pending.node !== node || sync.getMultiplayerAuthority() !== pending.remote) return ErrorCode.OK;
    const netId = pending.syncIds.shift();
    if (netId === undefined) {
      this.#mp.log.error(
        `The MultiplayerSynchronizer at path "${sync.getPath()}" is unable to process the pending spawn since it has no network ID. ` +
          "Change the authority of synchronizers only in _enterTree or in the spawner's spawnFunction.",
      );
      return ErrorCode.ERR_INVALID_DATA;
    }
    const info = this.#tables.peers.get(pending.remote);
    if (info === undefined) return ErrorCode.ERR_INVALID_DATA;
    info.recvSyncIds.set(netId, sync);
    sync.state.netId = netId;
    if (pending.offset >= pending.buffer.length || sync.replicationConfig === null) return ErrorCode.OK;
    const props = sync.replicationConfig.getSpawnProperties();
    const r = decodeAndDecompressVariants(pending.buffer, pending.offset, props.length, { allowObjects: false });
    if (r.error !== ErrorCode.OK) {
      this.#mp.log.error(`The spawn state for "${sync.getPath()}" from peer ${pending.remote} does not decode; not applied.`);
      pending.offset = pending.buffer.length;
      return r.error;
    }
    pending.offset += r.length;
    return this.#apply(props, node, r.values, sync, pending.remote);
  }

  /** Godot: on_despawn_receive (docs/wire/multiplayer.md §7.3). */
  processDespawn(from: number, packet: Uint8Array): void {
    if (packet.length < DESPAWN_SIZE) return this.#mp.rejectMalformed(from, `Invalid DESPAWN packet (${packet.length} bytes).`);
    const netId = decodeUint32(packet, 1);
    const info = this.#tables.peers.get(from);
    const node = info?.recvNodes.get(netId);
    if (info !== undefined && node === undefined && info.held.cancelSpawn(netId)) {
      this.#tables.heldStats.spawnsCancelled++;
      return;
    }
    if (info === undefined || node === undefined) return this.#drop(from, `DESPAWN of net id ${netId}, which it never spawned here`);
    info.recvNodes.delete(netId);
    const spawner = this.#tables.tracked.get(node)?.spawner;
    if (spawner == null) return this.#drop(from, `DESPAWN of "${node.getPath()}", which has no spawner`);
    if (from !== spawner.getMultiplayerAuthority())
      return this.#drop(from, `DESPAWN on "${spawner.getPath()}", whose authority it is not`, DropReason.UNAUTHORIZED);
    node.getParent()?.removeChild(node);
    // Divergence from Godot: `despawned` fires before the node is freed (Godot queues the free).
    this.#emit(spawner.despawned, node);
    node.free();
  }

  /** Godot: on_sync_receive (docs/wire/multiplayer.md §7.4), and on_delta_receive for delta packets (§7.5). */
  processSync(from: number, packet: Uint8Array): void {
    if (packet.length < SYNC_MIN_SIZE) return this.#mp.rejectMalformed(from, `Invalid SYNC packet (${packet.length} bytes).`);
    if ((packet[0]! & SYNC_DELTA_FLAG) !== 0) return this.#processDelta(from, packet);
    const time = decodeUint16(packet, 1);
    let ofs = 3;
    while (ofs + 8 < packet.length) {
      const netId = decodeUint32(packet, ofs);
      const size = decodeUint32(packet, ofs + 4);
      ofs += 8;
      if (size > packet.length - ofs) return this.#mp.rejectMalformed(from, 'Invalid SYNC packet: state size outside the packet.');
      const end = ofs + size;
      const sync = this.#findSynchronizer(from, netId);
      if (sync === null) this.#holdIfEarly(from, { netId, time, mask: 0n, bytes: packet.slice(ofs, end) });
      else if (!this.#applySync(from, sync, time, packet.subarray(0, end), ofs)) return;
      ofs = end;
    }
  }

  /** Godot: on_delta_receive (docs/wire/multiplayer.md §7.5). */
  #processDelta(from: number, packet: Uint8Array): void {
    let ofs = 1;
    while (ofs + 16 < packet.length) {
      const netId = decodeUint32(packet, ofs);
      const mask = decodeUint64(packet, ofs + 4);
      const size = decodeUint32(packet, ofs + 12);
      ofs += 16;
      if (size > packet.length - ofs) return this.#mp.rejectMalformed(from, 'Invalid delta SYNC packet: state size outside the packet.');
      const end = ofs + size;
      const sync = this.#findSynchronizer(from, netId);
      if (sync === null) {
        // Deltas are reliable and ordered behind their SPAWN on channel 0, so an unknown id is worth an error
        // (unless SPAWNs are held for a spawner not here yet); it is still held (not lost) in case a
        // transport delivers them apart.
        if ((this.#tables.peers.get(from)?.held.spawnCount ?? 0) === 0)
          this.#mp.log.error(
            `Replication delta from peer ${from} for synchronizer net id ${netId}, which is unknown or not its authority's: held until its SPAWN arrives.`,
          );
        this.#holdIfEarly(from, { netId, time: -1, mask, bytes: packet.slice(ofs, end) });
      } else if (!this.#applyDelta(from, sync, mask, packet.subarray(0, end), ofs)) return;
      ofs = end;
    }
  }

  /** Applies one SYNC entry (`data` ends where the entry ends); false stops the rest of the packet. */
  #applySync(from: number, sync: MultiplayerSynchronizer, time: number, data: Uint8Array, ofs: number): boolean {
    const root = sync.getRootNode();
    if (root === null || sync.getMultiplayerAuthority() !== from) {
      this.#drop(from, `SYNC for "${sync.getPath()}", whose authority it is not`, DropReason.UNAUTHORIZED);
      return true;
    }
    if (!sync.state.updateInboundSyncTime(time) || sync.replicationConfig === null) return true;
    const props = sync.replicationConfig.getSyncProperties();
    const r = decodeAndDecompressVariants(data, ofs, props.length, { allowObjects: false });
    if (r.error !== ErrorCode.OK) {
      this.#drop(from, `SYNC for "${sync.getPath()}" does not decode (do both peers use the same replication config?)`);
      return false;
    }
    if (this.#apply(props, root, r.values, sync, from) === ErrorCode.OK) this.#emit(sync.synchronized);
    return true;
  }

  /** Applies one delta entry (`data` ends where the entry ends); false stops the rest of the packet. */
  #applyDelta(from: number, sync: MultiplayerSynchronizer, mask: bigint, data: Uint8Array, ofs: number): boolean {
    const root = sync.getRootNode();
    if (root === null || sync.getMultiplayerAuthority() !== from || sync.replicationConfig === null) {
      this.#drop(from, `delta for "${sync.getPath()}", which is unknown or not its authority's`, DropReason.UNAUTHORIZED);
      return true;
    }
    const watched = sync.replicationConfig.getWatchProperties();
    const props = watched.filter((_, i) => (mask & (1n << BigInt(i))) !== 0n);
    if (props.length === 0) {
      this.#drop(from, `delta for "${sync.getPath()}" names no watched property`);
      return false;
    }
    const r = decodeAndDecompressVariants(data, ofs, props.length, { allowObjects: false });
    if (r.error !== ErrorCode.OK || ofs + r.length !== data.length) {
      this.#drop(from, `delta for "${sync.getPath()}" does not decode to exactly its size`);
      return false;
    }
    if (this.#apply(props, root, r.values, sync, from) === ErrorCode.OK) this.#emit(sync.deltaSynchronized);
    return true;
  }

  /**
   * Sync before spawn: state for a synchronizer net id not spawned here yet (an unreliable SYNC can
   * overtake its reliable SPAWN) is held, bounded per peer, and applied right after the SPAWN. The same
   * for a static synchronizer's path id (bit 31) whose SIMPLIFY_PATH has not arrived or waits for its
   * node: applied once the path resolves. Ids this peer already despawned are stale, not early.
   */
  #holdIfEarly(from: number, entry: HeldState): void {
    const info = this.#tables.peers.get(from);
    if (info === undefined) return;
    const stats = this.#tables.heldStats;
    const byPath = (entry.netId & PATH_NET_ID) !== 0;
    if (byPath && this.#cache.getCachedObject(from, entry.netId & 0x7fffffff) !== null) return; // Not a synchronizer: refused.
    if (!byPath && info.held.isRetired(entry.netId)) {
      stats.stale++;
      return;
    }
    stats.held++;
    const evicted = info.held.push(entry, this.#tables.maxHeldStates);
    if (evicted === null) return;
    if (evicted === 'superseded') {
      stats.superseded++;
      return;
    }
    stats.dropped++;
    if (info.held.overflowing) return;
    info.held.overflowing = true;
    this.#mp.log.error(
      `Peer ${from} sent more than ${this.#tables.maxHeldStates} states for net ids it has not spawned here; the oldest held ones are dropped (net id ${evicted.netId} first).`,
    );
  }

  /** Applies the states held for the synchronizers a SPAWN from `from` just created, in arrival order. */
  #applyHeld(from: number, info: PeerInfo, syncIds: readonly number[]): void {
    if (info.held.size === 0) return;
    for (const netId of syncIds) {
      const sync = info.recvSyncIds.get(netId);
      if (sync === undefined) continue;
      for (const e of info.held.take(netId)) {
        this.#tables.heldStats.applied++;
        if (e.time < 0) this.#applyDelta(from, sync, e.mask, e.bytes, 0);
        else this.#applySync(from, sync, e.time, e.bytes, 0);
      }
    }
  }

  /**
   * Godot: _find_synchronizer. Path-based ids (bit 31) resolve through the sender's path cache; an id
   * that names a node which is not a synchronizer is refused (logged once per peer).
   */
  #findSynchronizer(from: number, netId: number): MultiplayerSynchronizer | null {
    if ((netId & PATH_NET_ID) !== 0) {
      const node = this.#cache.getCachedObject(from, netId & 0x7fffffff);
      if (node === null || isSynchronizer(node)) return node;
      this.#mp.refuseOnce(
        from,
        DropReason.BAD_ARGUMENTS,
        `Peer ${from} sent state for path cache id ${netId & 0x7fffffff}, "${node.getPath()}", which is not a synchronizer.`,
      );
      return null;
    }
    return this.#tables.peers.get(from)?.recvSyncIds.get(netId) ?? null;
  }

  /**
   * Sync before spawn for a spawner that is not in the tree yet (a level this peer loads later, godot#77026):
   * its SIMPLIFY_PATH waits, and the SPAWNs for it are held (bounded per peer) until it resolves.
   */
  #holdSpawn(from: number, spawnerId: number, packet: Uint8Array): void {
    const info = this.#tables.peers.get(from);
    if (info === undefined) return;
    const stats = this.#tables.heldStats;
    if (info.held.holdSpawn({ spawnerId, netId: decodeUint32(packet, 6), packet: packet.slice() }, this.#tables.maxHeldStates)) {
      stats.spawnsHeld++;
      return;
    }
    stats.dropped++;
    if (info.held.spawnsOverflowing) return;
    info.held.spawnsOverflowing = true;
    this.#mp.log.error(
      `Peer ${from} sent more than ${this.#tables.maxHeldStates} SPAWNs for spawners not in the tree here; the newest are dropped.`,
    );
  }

  /**
   * `from`'s path id `id` resolves now (its SIMPLIFY_PATH met its node): the SPAWNs held for it run, in
   * arrival order, then the states held for it apply.
   */
  applyHeldPath(from: number, id: number): void {
    const info = this.#tables.peers.get(from);
    if (info === undefined) return;
    if (info.held.spawnCount > 0) {
      for (const spawn of info.held.takeSpawns(id)) {
        this.#tables.heldStats.spawnsApplied++;
        this.processSpawn(from, spawn.packet);
      }
    }
    if (info.held.size === 0) return;
    const netId = (id | PATH_NET_ID) >>> 0;
    const node = this.#cache.getCachedObject(from, id);
    const held = info.held.take(netId);
    if (!isSynchronizer(node)) return;
    for (const e of held) {
      this.#tables.heldStats.applied++;
      if (e.time < 0) this.#applyDelta(from, node, e.mask, e.bytes, 0);
      else this.#applySync(from, node, e.time, e.bytes, 0);
    }
  }

  #apply(props: readonly NodePath[], root: Node, values: readonly Variant[], sync: MultiplayerSynchronizer, from: number): ErrorCode {
    const problem = setState(props, root, values);
    if (problem === null) return ErrorCode.OK;
    this.#mp.refuseOnce(from, DropReason.BAD_ARGUMENTS, `State from peer ${from} for "${sync.getPath()}" partly refused: ${problem}`);
    return ErrorCode.ERR_INVALID_DATA;
  }

  /** Emits a signal to game code; a throwing slot is logged and never aborts the packet loop. */
  #emit<A extends unknown[]>(signal: Signal<A>, ...args: A): void {
    try {
      signal.emit(...args);
    } catch (err) {
      this.#mp.log.error(`A replication signal handler threw: ${err instanceof Error ? err.message : String(err)}`, err);
    }
  }

  #drop(from: number, what: string, reason?: DropReason): void {
    const message = `Replication packet from peer ${from} dropped: ${what}.`;
    if (reason === undefined) this.#mp.log.error(message);
    else this.#mp.refuse(from, reason, message);
  }
}
