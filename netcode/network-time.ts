import { RPCMode, Signal, TransferMode, type Clock } from '../core/index.js';
import { Node } from '../scenetree/index.js';
import { ClockSync, type ClockSyncOptions } from './clock-sync.js';

/** Options of `new NetworkTime()`. */
export interface NetworkTimeOptions extends ClockSyncOptions {
  /** Node name; every peer must use the same path for the clock RPCs. Default `NetworkTime`. */
  readonly name?: string;
  /** Network ticks per second. Default 30. */
  readonly tickRate?: number;
  /** At most this many ticks run in one frame; a larger lag is caught up over the next frames. Default 5. */
  readonly maxTicksPerFrame?: number;
  /** A lag of more ticks than this is skipped instead (counted in `skippedTicks`). Default: half a second. */
  readonly maxLagTicks?: number;
  /** Client: ms between clock requests once synced. Default 250. */
  readonly pingIntervalMs?: number;
  /** Client: requests sent 50 ms apart when it starts, for a quick first estimate. Default 8. */
  readonly burstPings?: number;
  /** The local clock (default: the tree's). A skewed clock here is how tests prove the estimate. */
  readonly clock?: Clock;
}

/** Requests kept for matching replies (older replies are refused as unsolicited). */
const MAX_OUTSTANDING = 32;
const BURST_INTERVAL_MS = 50;

/**
 * A shared network clock and a fixed-timestep tick loop (not in Godot; netfox's NetworkTime is the
 * GDScript analogue). Put one on every peer at the same path, typically `/root/NetworkTime`.
 *
 * - The server (peer 1) is the time source: its clock is the network time.
 * - A client estimates the server's clock NTP-style: it sends `_ntpRequest(seq, localMs)` (unreliable RPC)
 *   and the server answers `_ntpResponse(seq, localMs, serverMs)`; `ClockSync` keeps the min-RTT sample.
 * - Every peer derives the same tick number from the network time: `floor(timeMs / tickMs)`. Each frame,
 *   `networkTick(tick, delta)` fires once per tick that became due (independently of the frame rate), at
 *   most `maxTicksPerFrame` times a frame; a lag beyond `maxLagTicks` is skipped and counted.
 *
 * Godot's wire is unchanged: the RPCs are ordinary ones on this node. A Godot client without it never
 * sends requests, so the server never sends it anything from here.
 */
export class NetworkTime extends Node {
  /** Fires before `networkTick`, for input sampling. */
  readonly beforeTick = new Signal<[tick: number, delta: number]>();
  /** Each network tick: `delta` is the fixed tick length in seconds. */
  readonly networkTick = new Signal<[tick: number, delta: number]>();
  /** After `networkTick`, for sending state. */
  readonly afterTick = new Signal<[tick: number, delta: number]>();
  /** Client: the first clock estimate arrived (ticks start). Server: fires when it enters the tree. */
  readonly synced = new Signal();

  readonly tickRate: number;
  readonly maxTicksPerFrame: number;
  readonly maxLagTicks: number;
  readonly pingIntervalMs: number;
  readonly clockSync: ClockSync;
  /** Ticks not run because the loop fell more than `maxTicksPerFrame` behind. */
  skippedTicks = 0;

  readonly #clock: Clock | undefined;
  readonly #burst: number;
  #tick = -1;
  #lastLocalMs = Number.NaN;
  #nextPingMs = 0;
  #seq = 0;
  #sent = 0;
  readonly #outstanding = new Map<number, number>();

  constructor(options: NetworkTimeOptions = {}) {
    super(options.name ?? 'NetworkTime');
    this.tickRate = options.tickRate ?? 30;
    this.maxTicksPerFrame = options.maxTicksPerFrame ?? 5;
    this.maxLagTicks = options.maxLagTicks ?? Math.ceil(this.tickRate / 2);
    this.pingIntervalMs = options.pingIntervalMs ?? 250;
    this.#burst = options.burstPings ?? 8;
    this.#clock = options.clock;
    this.clockSync = new ClockSync(options);
    this.processPriority = -1000; // Ticks run before the game's own _process.
    this.rpcConfig('_ntpRequest', { rpcMode: RPCMode.ANY_PEER, transferMode: TransferMode.UNRELIABLE });
    this.rpcConfig('_ntpResponse', { rpcMode: RPCMode.AUTHORITY, transferMode: TransferMode.UNRELIABLE });
  }

  /** Length of one tick in ms. */
  get tickMs(): number {
    return 1000 / this.tickRate;
  }

  /** The last tick run (-1 before the first). */
  get tick(): number {
    return this.#tick;
  }

  /** Whether this peer's network time is known (always on the server). */
  get isSynced(): boolean {
    return this.#isTimeSource() || this.clockSync.synced;
  }

  /** The estimated server time in ms (the server's own clock on the server). */
  get timeMs(): number {
    return this.#localMs() + (this.#isTimeSource() ? 0 : this.clockSync.offsetMs);
  }

  /** The network time in ticks, with the fraction: what interpolation renders against. */
  get preciseTick(): number {
    return this.timeMs / this.tickMs;
  }

  /** Estimated round trip to the server in ms (0 on the server). */
  get rttMs(): number {
    return this.#isTimeSource() ? 0 : this.clockSync.rttMs;
  }

  override _enterTree(): void {
    if (this.#isTimeSource()) this.synced.emit();
  }

  override _process(): void {
    const local = this.#localMs();
    if (!Number.isNaN(this.#lastLocalMs)) this.clockSync.advance(local - this.#lastLocalMs);
    this.#lastLocalMs = local;
    if (!this.#isTimeSource()) this.#maybePing(local);
    if (this.isSynced) this.#runTicks();
  }

  /** Server side of the clock exchange: answers with its time. */
  _ntpRequest(seq: unknown, sentMs: unknown): void {
    const mp = this.multiplayer;
    if (mp === null || !mp.isServer() || !isFiniteNumber(seq) || !isFiniteNumber(sentMs)) return;
    this.rpcId(mp.getRemoteSenderId(), '_ntpResponse', seq, sentMs, this.#localMs());
  }

  /** Client side: a reply to one of our requests becomes a clock sample. */
  _ntpResponse(seq: unknown, sentMs: unknown, serverMs: unknown): void {
    if (!isFiniteNumber(seq) || !isFiniteNumber(sentMs) || !isFiniteNumber(serverMs) || this.#outstanding.get(seq) !== sentMs) return;
    this.#outstanding.delete(seq);
    const wasSynced = this.clockSync.synced;
    this.clockSync.addSample(sentMs, serverMs, this.#localMs());
    if (!wasSynced) this.synced.emit();
  }

  #runTicks(): void {
    const due = Math.floor(this.preciseTick);
    if (this.#tick < 0 || due < this.#tick - this.maxLagTicks) this.#tick = due - 1; // start, or the clock snapped back
    if (due - this.#tick > this.maxLagTicks) {
      // Too far behind to catch up (a stall, or the clock snapped forward): jump, and say how far.
      this.skippedTicks += due - this.#tick - 1;
      this.#tick = due - 1;
    }
    const dt = 1 / this.tickRate;
    // A small lag is caught up over the next frames, at most maxTicksPerFrame at a time.
    for (let ran = 0; this.#tick < due && ran < this.maxTicksPerFrame; ran++) {
      const tick = ++this.#tick;
      this.beforeTick.emit(tick, dt);
      this.networkTick.emit(tick, dt);
      this.afterTick.emit(tick, dt);
    }
  }

  #maybePing(local: number): void {
    const mp = this.multiplayer;
    if (mp === null || local < this.#nextPingMs || !mp.getPeers().includes(1)) return;
    const seq = this.#seq++;
    this.#outstanding.set(seq, local);
    if (this.#outstanding.size > MAX_OUTSTANDING) this.#outstanding.delete(this.#outstanding.keys().next().value!);
    this.rpcId(1, '_ntpRequest', seq, local);
    this.#nextPingMs = local + (this.#sent++ < this.#burst ? BURST_INTERVAL_MS : this.pingIntervalMs);
  }

  #isTimeSource(): boolean {
    const mp = this.multiplayer;
    return mp === null || mp.isServer();
  }

  #localMs(): number {
    return (this.#clock ?? this.getTree().clock).nowMs();
  }
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
