import { ByteWriter, TransferMode, encodeAndCompressVariants, type NodePath } from '../../core/index.js';
import type { Node } from '../node.js';
import { Command, PATH_NET_ID, SYNC_DELTA_FLAG } from './commands.js';
import type { MultiplayerContext } from './multiplayer-context.js';
import type { MultiplayerSynchronizer } from './multiplayer-synchronizer.js';
import { DEFAULT_DELTA_MTU, DEFAULT_SYNC_MTU } from './replication-hook.js';
import { getState } from './replication-state.js';
import type { SceneCacheInterface } from './scene-cache-interface.js';
import type { PeerInfo } from './scene-replication-interface.js';

/** Whether this peer is the multiplayer authority of `node`. Godot: SceneReplicationInterface::_has_authority. */
export function hasAuthority(mp: MultiplayerContext, node: Node): boolean {
  return node.getMultiplayerAuthority() === mp.getUniqueId();
}

/** A replication packet to `peer`, reliable or unreliable, on channel 0. Godot: SceneReplicationInterface::_send_raw. */
export function sendReplicationPacket(mp: MultiplayerContext, peer: number, packet: Uint8Array, reliable: boolean): void {
  mp.sendCommand(peer, packet, reliable ? TransferMode.RELIABLE : TransferMode.UNRELIABLE, 0);
}

/**
 * Writes the SYNC and delta packets of one network frame (docs/wire/multiplayer.md §7.4, §7.5). Godot: the _send_sync,
 * _send_delta and _verify_synchronizer parts of SceneReplicationInterface.
 */
export class ReplicationSyncSender {
  /** Godot: sync_mtu (`max_sync_packet_size`). */
  syncMtu = DEFAULT_SYNC_MTU;
  /** Godot: delta_mtu (`max_delta_packet_size`). */
  deltaMtu = DEFAULT_DELTA_MTU;
  readonly #mp: MultiplayerContext;
  readonly #cache: SceneCacheInterface;
  readonly #report: (key: object, message: string) => void;
  readonly #writer = new ByteWriter(1536);

  constructor(mp: MultiplayerContext, cache: SceneCacheInterface, report: (key: object, message: string) => void) {
    this.#mp = mp;
    this.#cache = cache;
    this.#report = report;
  }

  /** Godot: _verify_synchronizer: the net id to use toward `peer`, or null until the peer confirmed a static one. */
  #verifySynchronizer(peer: number, sync: MultiplayerSynchronizer): number | null {
    let netId = sync.state.netId;
    if (netId !== 0 && (netId & PATH_NET_ID) === 0) return netId;
    const confirmed = this.#cache.sendObjectCache(sync, peer);
    if (netId === 0) sync.state.netId = netId = (this.#cache.ensureId(sync) | PATH_NET_ID) >>> 0;
    return confirmed ? netId : null;
  }

  /** Godot: _send_sync (docs/wire/multiplayer.md §7.4). The state is read and encoded once per frame for all peers. */
  sendSync(
    peer: number,
    syncs: readonly MultiplayerSynchronizer[],
    time: number,
    now: number,
    states: Map<MultiplayerSynchronizer, Uint8Array | null>,
  ): void {
    const w = this.#writer;
    const start = (): void => {
      w.reset();
      w.u8(Command.SYNC);
      w.u16(time);
    };
    start();
    for (const sync of syncs) {
      const config = sync.replicationConfig;
      const root = sync.getRootNode();
      if (config === null || root === null || !hasAuthority(this.#mp, sync)) continue;
      if (!sync.state.updateOutboundSyncTime(now, sync.replicationIntervalMs)) continue;
      const netId = this.#verifySynchronizer(peer, sync);
      if (netId === null) continue; // The path-based id is not confirmed yet.
      let bytes = states.get(sync);
      if (bytes === undefined) states.set(sync, (bytes = this.#encodeState(sync, config.getSyncProperties(), root)));
      if (bytes === null || bytes.length === 0) continue;
      if (bytes.length > this.syncMtu) {
        this.#report(sync, `Node states bigger than MTU will not be sent (${bytes.length} > ${this.syncMtu}): ${root.getPath()}`);
        continue;
      }
      if (w.length + 8 + bytes.length > this.syncMtu) {
        sendReplicationPacket(this.#mp, peer, w.toPacket(), false);
        start();
      }
      w.u32(netId);
      w.u32(bytes.length);
      w.bytes(bytes);
    }
    if (w.length > 3) sendReplicationPacket(this.#mp, peer, w.toPacket(), false);
  }

  /** Godot: _send_delta (docs/wire/multiplayer.md §7.5). */
  sendDelta(peer: number, info: PeerInfo, syncs: readonly MultiplayerSynchronizer[], now: number): void {
    const w = this.#writer;
    w.reset();
    w.u8(Command.SYNC | SYNC_DELTA_FLAG);
    for (const sync of syncs) {
      const config = sync.replicationConfig;
      const root = sync.getRootNode();
      if (config === null || root === null || !hasAuthority(this.#mp, sync)) continue;
      const netId = this.#verifySynchronizer(peer, sync);
      if (netId === null) continue;
      const last = info.lastWatchMs.get(sync) ?? -Infinity;
      const delta = sync.state.getDeltaState(root, config.getWatchProperties(), now, last, sync.deltaIntervalMs);
      if (typeof delta === 'string') {
        this.#report(sync, `Unable to read the ON_CHANGE state of "${sync.getPath()}": ${delta}`);
        continue;
      }
      if (delta.values.length === 0) continue;
      const size = delta.values.reduce((n, v) => n + v.length, 0);
      if (size > this.deltaMtu) {
        this.#report(sync, `Synchronizer delta bigger than MTU will not be sent (${size} > ${this.deltaMtu}): ${sync.getPath()}`);
        continue;
      }
      if (w.length + 16 + size > this.deltaMtu) {
        sendReplicationPacket(this.#mp, peer, w.toPacket(), true);
        w.reset();
        w.u8(Command.SYNC | SYNC_DELTA_FLAG);
      }
      w.u32(netId);
      w.i64(delta.mask);
      w.u32(size);
      for (const v of delta.values) w.bytes(v);
      info.lastWatchMs.set(sync, now);
    }
    if (w.length > 1) sendReplicationPacket(this.#mp, peer, w.toPacket(), true);
  }

  #encodeState(sync: MultiplayerSynchronizer, props: readonly NodePath[], root: Node): Uint8Array | null {
    const state = getState(props, root);
    if (typeof state === 'string') {
      this.#report(sync, `Unable to retrieve sync state of "${sync.getPath()}": ${state}`);
      return null;
    }
    const bytes = encodeAndCompressVariants(state);
    if (typeof bytes === 'number') {
      this.#report(sync, `Unable to encode sync state of "${sync.getPath()}".`);
      return null;
    }
    return bytes;
  }
}
