/**
 * Traffic and drop counters of a SceneMultiplayer (`multiplayer.stats`): what a game server's metrics,
 * monitor page and tests read. Counting is a few integer increments per packet on objects made when a
 * peer connects: nothing is allocated per packet. Kept by the server policy (server-policy.ts).
 */
import { DropReason } from './drop-reason.js';

export { DropReason };

/** Every drop reason, in a fixed order. */
export const DROP_REASONS: readonly DropReason[] = Object.values(DropReason);

/** A plain copy of a set of counters (what `toJSON` returns). */
export interface TrafficSnapshot {
  readonly rpcsIn: number;
  readonly rpcsOut: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly packetsIn: number;
  readonly packetsOut: number;
  readonly drops: Readonly<Record<DropReason, number>>;
}

/**
 * Counters for one link (a peer) or for the whole API. "In" counts every packet the transport handed
 * to SceneMultiplayer from that peer (dropped ones included); "out" every packet SceneMultiplayer put
 * on the transport for it (a broadcast counts once per peer). `rpcsIn` and `rpcsOut` count packets
 * carrying a REMOTE_CALL, directly or inside a relay (received ones whether run or refused). Read-only
 * for users.
 */
export class TrafficCounters implements TrafficSnapshot {
  rpcsIn = 0;
  rpcsOut = 0;
  bytesIn = 0;
  bytesOut = 0;
  packetsIn = 0;
  packetsOut = 0;
  readonly drops: Record<DropReason, number> = { malformed: 0, rate_limited: 0, unauthorized: 0, bad_arguments: 0 };

  /** The sum of `drops`. */
  get dropped(): number {
    return this.drops.malformed + this.drops.rate_limited + this.drops.unauthorized + this.drops.bad_arguments;
  }

  toJSON(): TrafficSnapshot {
    const { rpcsIn, rpcsOut, bytesIn, bytesOut, packetsIn, packetsOut } = this;
    return { rpcsIn, rpcsOut, bytesIn, bytesOut, packetsIn, packetsOut, drops: { ...this.drops } };
  }
}

/** The counters of one connected (or authenticating) peer. */
export class PeerStats extends TrafficCounters {
  /** The peer's id. */
  readonly id: number;
  /** Clock time (ms) at which the peer connected to this API. */
  readonly connectedAtMs: number;

  constructor(id: number, connectedAtMs: number) {
    super();
    this.id = id;
    this.connectedAtMs = connectedAtMs;
  }
}

/** What `MultiplayerStats#toJSON` returns. */
export interface MultiplayerStatsSnapshot {
  readonly total: TrafficSnapshot;
  readonly peers: Readonly<Record<string, TrafficSnapshot & { readonly connectedAtMs: number }>>;
}

/**
 * `SceneMultiplayer#stats`: totals since the API was made (they survive peers leaving and the peer
 * being replaced) and per-peer counters for the peers connected now (forgotten when a peer leaves, so
 * memory stays bounded). Per-peer figures are per link: on a client, everything relayed through the
 * server counts under peer 1.
 */
export class MultiplayerStats {
  readonly total = new TrafficCounters();
  readonly #peers = new Map<number, PeerStats>();

  /** The counters of `id`, or undefined when it is not connected. */
  peer(id: number): PeerStats | undefined {
    return this.#peers.get(id);
  }

  /** The counters of every connected peer. */
  peers(): IterableIterator<PeerStats> {
    return this.#peers.values();
  }

  toJSON(): MultiplayerStatsSnapshot {
    const peers: Record<string, TrafficSnapshot & { connectedAtMs: number }> = {};
    for (const p of this.#peers.values()) peers[p.id] = { ...p.toJSON(), connectedAtMs: p.connectedAtMs };
    return { total: this.total.toJSON(), peers };
  }

  /** @internal SceneMultiplayer: a peer connected (or began authenticating). */
  addPeer(id: number, nowMs: number): PeerStats {
    let stats = this.#peers.get(id);
    if (stats === undefined) this.#peers.set(id, (stats = new PeerStats(id, nowMs)));
    return stats;
  }

  /** @internal SceneMultiplayer: a peer left. */
  removePeer(id: number): void {
    this.#peers.delete(id);
  }

  /** @internal SceneMultiplayer: the API was cleared (new transport, disconnection). */
  clearPeers(): void {
    this.#peers.clear();
  }

  /** @internal One packet received from `peer` (undefined: a sender with no record); `rpc` when it carries a REMOTE_CALL. */
  countIn(peer: PeerStats | undefined, bytes: number, rpc: boolean): void {
    this.total.packetsIn++;
    this.total.bytesIn += bytes;
    if (rpc) this.total.rpcsIn++;
    if (peer === undefined) return;
    peer.packetsIn++;
    peer.bytesIn += bytes;
    if (rpc) peer.rpcsIn++;
  }

  /** @internal One packet sent to `peer`; `rpc` when it carries a REMOTE_CALL. */
  countOut(peer: PeerStats | undefined, bytes: number, rpc: boolean): void {
    this.total.packetsOut++;
    this.total.bytesOut += bytes;
    if (rpc) this.total.rpcsOut++;
    if (peer === undefined) return;
    peer.packetsOut++;
    peer.bytesOut += bytes;
    if (rpc) peer.rpcsOut++;
  }

  /** @internal One drop attributed to `peer`. */
  countDrop(peer: PeerStats | undefined, reason: DropReason): void {
    this.total.drops[reason]++;
    if (peer !== undefined) peer.drops[reason]++;
  }
}
