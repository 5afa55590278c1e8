import {
  ConnectionStatus,
  ErrorCode,
  MultiplayerPeerWrapper,
  PacketQueue,
  TransferMode,
  type MultiplayerPeer,
  errorName,
  isPacket,
  silentLogger,
  type Clock,
  type Logger,
  type Rng,
} from '../../core/index.js';
import { PERFECT_LINK, mergeConditions, transmit, type LinkConditions, type LinkState, type Transmission } from './link-conditions.js';
import { PacketTrace, type TraceEntry } from './packet-trace.js';

/** Construction options of `ConditionedMultiplayerPeer`. */
export interface ConditionedMultiplayerPeerOptions {
  /** Time source for delays (a real transport wants `systemClock`; a test a `ManualClock`). */
  readonly clock: Clock;
  /** Randomness for loss, jitter, duplication and reordering. */
  readonly rng: Rng;
  readonly logger?: Logger;
  /** Conditions applied to packets from every remote peer. Default: `PERFECT_LINK`. */
  readonly conditions?: Partial<LinkConditions>;
  /** Keep trace entries in memory (the hash is always kept). Default true. */
  readonly keepTrace?: boolean;
  /**
   * Which packets are conditioned: those received from the inner peer (`receive`, the default),
   * those put into it (`send`: held back in this peer, handed to the inner peer from `poll()`), or
   * both. Wrapping only one end with `both` conditions the two directions of its links.
   */
  readonly direction?: 'receive' | 'send' | 'both';
}

interface Outgoing {
  readonly target: number;
  readonly mode: TransferMode;
  readonly channel: number;
  readonly data: Uint8Array;
  readonly atMs: number;
  readonly order: number;
}

interface Held {
  readonly from: number;
  readonly mode: TransferMode;
  readonly channel: number;
  readonly data: Uint8Array;
  readonly atMs: number;
  readonly order: number;
  /** Arrival index within its (from, channel) UNRELIABLE_ORDERED stream. */
  readonly seq: number;
}

const { CONNECTED } = ConnectionStatus;

/**
 * A network conditioner around ANY `MultiplayerPeer` (real ENet/WebSocket/WebRTC included), for
 * play-testing over real sockets. Packets are held back by latency ± jitter and bandwidth (all
 * modes), and may be lost, duplicated or reordered (unreliable modes only: a reliable transport stays
 * reliable and ordered per channel; UNRELIABLE_ORDERED stays ordered, late packets are discarded).
 * By default it conditions what the inner peer receives; `direction: 'send' | 'both'` also holds
 * back what is put into it (handed over from `poll()`; unknown targets are refused at once, other
 * refusals by the inner peer are logged). Everything else (ids, status, disconnects) is delegated
 * to the inner peer, whose signals are re-emitted from this peer's `poll()`/`close()`/`disconnectPeer()`.
 * Poll and close this wrapper, not the inner peer.
 */
export class ConditionedMultiplayerPeer extends MultiplayerPeerWrapper {
  readonly #clock: Clock;
  readonly #rng: Rng;
  readonly #logger: Logger;
  readonly #trace: PacketTrace;
  #defaults: LinkConditions;
  readonly #overrides = new Map<number, LinkConditions>();
  /** Serialiser state per direction and remote peer: `in:<id>` / `out:<target>`. */
  readonly #links = new Map<string, LinkState>();
  /** Per (from, channel): arrival time of the last RELIABLE packet (FIFO), newest UNRELIABLE_ORDERED seq. */
  readonly #lastReliableMs = new Map<string, number>();
  readonly #orderedSent = new Map<string, number>();
  readonly #orderedReleased = new Map<string, number>();
  #held: Held[] = [];
  readonly #readable = new PacketQueue();
  #outbox: Outgoing[] = [];
  /** Remote peers the inner peer has announced: held packets are checked against them, as Godot's put_packet does. */
  readonly #known = new Set<number>();
  #target = 0;
  readonly #receive: boolean;
  readonly #send: boolean;
  #order = 0;

  constructor(inner: MultiplayerPeer, options: ConditionedMultiplayerPeerOptions) {
    super(inner, { rng: options.rng });
    this.#clock = options.clock;
    this.#rng = options.rng;
    this.#logger = options.logger ?? silentLogger;
    this.#defaults = mergeConditions(PERFECT_LINK, options.conditions ?? {});
    this.#trace = new PacketTrace({ keepEntries: options.keepTrace ?? true });
    const direction = options.direction ?? 'receive';
    this.#receive = direction !== 'send';
    this.#send = direction !== 'receive';
  }

  protected override onInnerPeerConnected(id: number): void {
    this.#known.add(id);
    super.onInnerPeerConnected(id);
  }

  protected override onInnerPeerDisconnected(id: number): void {
    this.#onPeerDisconnected(id);
  }

  /** Conditions applied to packets from peers without an override. */
  get conditions(): LinkConditions {
    return this.#defaults;
  }

  /** Changes the default conditions (only the given fields). Throws `MultiplayerError` on a bad value. */
  setConditions(changes: Partial<LinkConditions>): void {
    this.#defaults = mergeConditions(this.#defaults, changes);
  }

  /** Overrides the conditions of packets from `peerId`; `null` removes the override. */
  setPeerConditions(peerId: number, changes: Partial<LinkConditions> | null): void {
    if (changes === null) this.#overrides.delete(peerId);
    else this.#overrides.set(peerId, mergeConditions(this.#overrides.get(peerId) ?? this.#defaults, changes));
  }

  /** Every conditioned packet (from = remote id, to = this peer's id), oldest first. */
  get trace(): readonly TraceEntry[] {
    return this.#trace.entries;
  }

  /** Observer hook: emitted synchronously for each trace entry. */
  get traced(): PacketTrace['recorded'] {
    return this.#trace.recorded;
  }

  /** FNV-1a 64 of the trace, 16 hex digits. */
  traceHash(): string {
    return this.#trace.hash();
  }

  override setTargetPeer(id: number): void {
    this.#target = id;
    this.inner.setTargetPeer(id);
  }

  override getPacketPeer(): number {
    return this.#readable.peekFrom(0);
  }

  override getPacketMode(): TransferMode {
    return this.#readable.peekMode(TransferMode.RELIABLE);
  }

  override getPacketChannel(): number {
    return this.#readable.peekChannel(0);
  }

  override getAvailablePacketCount(): number {
    return this.#readable.size;
  }

  override getPacket(): Uint8Array | ErrorCode {
    const next = this.#readable.shift();
    if (next === undefined) {
      this.#logger.debug('No incoming packets available.');
      return ErrorCode.ERR_UNAVAILABLE;
    }
    return next;
  }

  /** Sends through the inner peer, or (direction `send`/`both`, while connected) holds it back first. */
  override putPacket(packet: Uint8Array): ErrorCode {
    if (!this.#send || this.inner.getConnectionStatus() !== CONNECTED) return this.inner.putPacket(packet);
    const [mode, channel, target] = [this.inner.transferMode, this.inner.transferChannel, this.#target];
    if (target !== 0 && !this.#known.has(Math.abs(target))) {
      this.#logger.debug(`Invalid target peer: ${target}`);
      return ErrorCode.ERR_INVALID_PARAMETER;
    }
    const now = this.#clock.nowMs();
    const fate = this.#shape(now, `out:${target}`, target, mode, packet.length);
    const event = {
      timeMs: now,
      from: String(this.getUniqueId()),
      to: String(target),
      message: 'data' as const,
      mode,
      channel,
      size: packet.length,
      attempt: 0,
    };
    if (fate.lost) {
      this.#trace.packet({ ...event, outcome: 'dropped', deliverAtMs: null });
      return ErrorCode.OK; // as a lossy network would: the sender never knows
    }
    // One FIFO per channel whatever the target: a broadcast and a targeted packet reach the same peer.
    for (const [i, atMs] of this.#fifo(fate.arrivals, `out:${channel}`, mode).entries()) {
      this.#trace.packet({ ...event, outcome: i === 0 ? 'delivered' : 'duplicated', deliverAtMs: atMs });
      insertTimed(this.#outbox, { target, mode, channel, data: packet.slice(), atMs, order: this.#order++ });
    }
    return ErrorCode.OK;
  }

  /** Polls the inner peer, conditions what it received, then releases what is due. */
  override poll(): void {
    this.#flush(this.#clock.nowMs());
    this.inner.poll();
    const now = this.#clock.nowMs();
    this.#drainInner(now);
    this.#release(now);
  }

  override close(): void {
    this.inner.close();
    this.#held = [];
    this.#readable.clear();
    this.#outbox = [];
    this.#known.clear();
  }

  /** Conditions everything the inner peer has made readable. */
  #drainInner(now: number): void {
    while (this.inner.getAvailablePacketCount() > 0) {
      const from = this.inner.getPacketPeer();
      const mode = this.inner.getPacketMode();
      const channel = this.inner.getPacketChannel();
      const data = this.inner.getPacket();
      if (!isPacket(data)) break;
      if (this.#receive) this.#admit(now, from, mode, channel, data);
      else this.#readable.push(data, from, mode, channel);
    }
  }

  /** Hands the held outgoing packets that are due to the inner peer, then restores the user's settings. */
  #flush(now: number): void {
    let due = 0;
    while (due < this.#outbox.length && this.#outbox[due]!.atMs <= now) due++;
    if (due === 0) return;
    const [mode, channel] = [this.inner.transferMode, this.inner.transferChannel];
    for (const out of this.#outbox.splice(0, due)) {
      this.inner.setTargetPeer(out.target);
      this.inner.transferMode = out.mode;
      this.inner.transferChannel = out.channel;
      const err = this.inner.putPacket(out.data);
      if (err !== ErrorCode.OK) this.#logger.debug(`Conditioned: a held packet for ${out.target} was refused (${errorName(err)}).`);
    }
    this.inner.setTargetPeer(this.#target);
    this.inner.transferMode = mode;
    this.inner.transferChannel = channel;
  }

  /** The fate of one packet on the link `key` with `peer`'s conditions; reliable packets are only delayed. */
  #shape(now: number, key: string, peer: number, mode: TransferMode, size: number): Transmission {
    const conditions = this.#overrides.get(peer) ?? this.#defaults;
    let link = this.#links.get(key);
    if (link === undefined) this.#links.set(key, (link = { busyUntilMs: 0 }));
    // A reliable transport already paid for loss with retransmits: only delay its packets.
    const reliable = mode === TransferMode.RELIABLE;
    const applied = reliable ? { ...conditions, loss: 0, duplicate: 0, reorder: 0 } : conditions;
    return transmit(applied, this.#rng, link, now, size, mode);
  }

  /** Reliable packets keep their order per stream `key`: none arrives before the previous one. */
  #fifo(arrivals: readonly number[], key: string, mode: TransferMode): number[] {
    if (mode !== TransferMode.RELIABLE) return [...arrivals];
    return arrivals.map((arrival) => {
      const atMs = Math.max(arrival, this.#lastReliableMs.get(key) ?? 0);
      this.#lastReliableMs.set(key, atMs);
      return atMs;
    });
  }

  /** Decides the fate of one packet received at `now`. */
  #admit(now: number, from: number, mode: TransferMode, channel: number, data: Uint8Array): void {
    const { lost, arrivals } = this.#shape(now, `in:${from}`, from, mode, data.length);
    const event = {
      timeMs: now,
      from: String(from),
      to: String(this.getUniqueId()),
      message: 'data' as const,
      mode,
      channel,
      size: data.length,
      attempt: 0,
    };
    if (lost) {
      this.#trace.packet({ ...event, outcome: 'dropped', deliverAtMs: null });
      return;
    }
    const key = `${from}:${channel}`;
    let seq = 0;
    if (mode === TransferMode.UNRELIABLE_ORDERED) {
      seq = this.#orderedSent.get(key) ?? 0;
      this.#orderedSent.set(key, seq + 1);
    }
    for (const [i, atMs] of this.#fifo(arrivals, `in:${key}`, mode).entries()) {
      this.#trace.packet({ ...event, outcome: i === 0 ? 'delivered' : 'duplicated', deliverAtMs: atMs });
      const copy = i === 0 ? data : data.slice();
      insertTimed(this.#held, { from, mode, channel, data: copy, atMs, order: this.#order++, seq });
    }
  }

  #release(now: number): void {
    let due = 0;
    while (due < this.#held.length && this.#held[due]!.atMs <= now) due++;
    for (const held of this.#held.splice(0, due)) this.#makeReadable(held, now);
  }

  #makeReadable(held: Held, now: number): void {
    if (held.mode === TransferMode.UNRELIABLE_ORDERED) {
      const key = `${held.from}:${held.channel}`;
      const newest = this.#orderedReleased.get(key) ?? -1;
      if (held.seq <= newest) {
        this.#trace.packet({
          timeMs: now,
          from: String(held.from),
          to: String(this.getUniqueId()),
          message: 'data',
          mode: held.mode,
          channel: held.channel,
          size: held.data.length,
          attempt: 0,
          outcome: 'stale',
          deliverAtMs: null,
        });
        return;
      }
      this.#orderedReleased.set(key, held.seq);
    }
    this.#readable.push(held.data, held.from, held.mode, held.channel);
  }

  #onPeerDisconnected(id: number): void {
    // What already arrived from `id` is delivered now, before the signal: reliable stays reliable.
    const now = this.#clock.nowMs();
    this.#drainInner(now); // the inner peer may have queued packets from `id` earlier in this poll
    const mine = this.#held.filter((h) => h.from === id);
    this.#held = this.#held.filter((h) => h.from !== id);
    for (const held of mine) this.#makeReadable(held, now);
    this.#links.delete(`in:${id}`);
    this.#links.delete(`out:${id}`);
    this.#outbox = this.#outbox.filter((out) => out.target !== id);
    this.#known.delete(id);
    this.peerDisconnected.emit(id);
  }
}

function insertTimed<T extends { atMs: number; order: number }>(list: T[], item: T): void {
  let i = list.length;
  while (i > 0 && (list[i - 1]!.atMs > item.atMs || (list[i - 1]!.atMs === item.atMs && list[i - 1]!.order > item.order))) i--;
  list.splice(i, 0, item);
}
