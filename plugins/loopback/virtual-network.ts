import { ErrorCode, TransferMode, silentLogger, type Clock, type Logger, type Rng } from '../../core/index.js';
import { PERFECT_LINK, mergeConditions, retransmitDelayMs, transmit, type LinkConditions, type LinkState } from './link-conditions.js';
import { FlightQueue } from './flight-queue.js';
import { PacketTrace, type MessageKind, type TraceEntry } from './packet-trace.js';

/** Construction options of `VirtualNetwork`. */
export interface VirtualNetworkOptions {
  /** The only source of time: packets become deliverable when it passes their arrival time. */
  readonly clock: Clock;
  /** The only source of randomness (loss, jitter, duplication, reordering, and ids of peers without their own). */
  readonly rng: Rng;
  readonly logger?: Logger;
  /** Default conditions of every link. Default: `PERFECT_LINK`. */
  readonly conditions?: Partial<LinkConditions>;
  /** Keep trace entries in memory. Default true. */
  readonly keepTrace?: boolean;
  /**
   * Compute the trace hash. Default true. With `keepTrace: false` too, the trace is off the per-packet
   * path (unless `traced` has a slot) and `traceHash()` throws.
   */
  readonly hashTrace?: boolean;
}

/** A datagram as a receiving endpoint sees it. */
export interface Datagram {
  readonly from: string;
  readonly message: MessageKind;
  readonly mode: TransferMode;
  readonly channel: number;
  readonly payload: Uint8Array;
  /** Message argument: the assigned peer id in `accept`, else 0. */
  readonly value: number;
}

/**
 * A datagram in flight: the datagram itself (what the receiver gets, the same object) plus the
 * network's bookkeeping, so a packet costs one object on its way.
 */
interface Flight extends Datagram {
  readonly to: string;
  /** Arrival time, or (in the retry queue) the time of the next attempt. Set once more on delivery. */
  atMs: number;
  /** Global send order: the tie-breaker that keeps equal times deterministic. */
  readonly order: number;
  /** Per-stream sequence number (RELIABLE and UNRELIABLE_ORDERED), else 0. */
  readonly seq: number;
  readonly attempt: number;
  readonly link: Link;
  /** The (from, to, channel, mode) stream for RELIABLE and UNRELIABLE_ORDERED, else null. */
  readonly stream: Stream | null;
}

/** Per directed link: its key for overrides and partitions, serialiser state and streams. */
interface Link {
  readonly from: string;
  readonly to: string;
  readonly key: string;
  readonly state: LinkState;
  readonly streams: Map<number, Stream>;
  /** The stream used last (with its key), or null: packets come in runs on one stream. */
  lastStream: Stream | null;
  lastStreamKey: number;
  /** The receiver's inbox, once something was delivered over this link. */
  inbox: FlightQueue<Flight> | null;
}

interface Stream {
  nextSend: number;
  /** RELIABLE: next sequence to release. UNRELIABLE_ORDERED: newest released + 1. */
  nextDeliver: number;
  readonly held: Map<number, Datagram>;
}

const SEP = '\u0000';
// Module constants: imported enum objects are live bindings, read on every access in some loaders.
const { UNRELIABLE, UNRELIABLE_ORDERED, RELIABLE } = TransferMode;

/**
 * An in-memory network of named endpoints, driven only by an injected Clock and Rng. Directed links
 * carry seeded conditions (a default plus per-link overrides, changeable at run time) and can be
 * partitioned and healed. Nothing is delivered from a timer: an endpoint calls `receive()` (from its
 * `poll()`) and gets what has arrived by `clock.nowMs()`.
 *
 * Transfer semantics, per (from, to, channel) stream: UNRELIABLE may be lost, duplicated, reordered;
 * UNRELIABLE_ORDERED may be lost, and a packet older than the newest released is discarded (`stale`);
 * RELIABLE is never lost (a lost transmission is retransmitted after `retransmitDelayMs`, in virtual
 * time), never duplicated, and released in order (head-of-line blocking).
 *
 * Every transmission is recorded in a packet trace (`trace`, `traceHash()`, `traced`). Same seed,
 * same clock steps, same calls: same trace and hash.
 */
export class VirtualNetwork {
  /** The network's clock (peers default to it). */
  readonly clock: Clock;
  /** The network's randomness (peers without their own draw ids from it). */
  readonly rng: Rng;
  readonly logger: Logger;
  readonly #trace: PacketTrace;
  #defaults: LinkConditions;
  readonly #overrides = new Map<string, LinkConditions>();
  readonly #blocked = new Set<string>();
  readonly #isolated = new Set<string>();
  /** from → to → Link; two lookups on the endpoints' own strings beat building a key per packet. */
  readonly #links = new Map<string, Map<string, Link>>();
  readonly #endpoints = new Set<string>();
  readonly #inbox = new Map<string, FlightQueue<Flight>>();
  readonly #retries = new FlightQueue<Flight>();
  /** The link used last (packets come in runs between the same endpoints); reset by `detach`. */
  #lastLink: Link | null = null;
  #order = 0;
  #addressCounter = 0;

  constructor(options: VirtualNetworkOptions) {
    this.clock = options.clock;
    this.rng = options.rng;
    this.logger = options.logger ?? silentLogger;
    this.#defaults = mergeConditions(PERFECT_LINK, options.conditions ?? {});
    this.#trace = new PacketTrace({ keepEntries: options.keepTrace ?? true, hash: options.hashTrace ?? true });
  }

  /** Every recorded transmission and note, oldest first. */
  get trace(): readonly TraceEntry[] {
    return this.#trace.entries;
  }

  /** Observer hook: emitted synchronously for each trace entry as it is recorded. */
  get traced(): PacketTrace['recorded'] {
    return this.#trace.recorded;
  }

  /** FNV-1a 64 of the whole trace, 16 hex digits. Throws `MultiplayerError` (ERR_UNAVAILABLE) with `hashTrace: false`. */
  traceHash(): string {
    return this.#trace.hash();
  }

  /** Adds an annotation to the trace (and its hash) at the current time. */
  note(text: string): void {
    this.#trace.note(this.clock.nowMs(), text);
  }

  /** Default conditions of every link without an override. */
  get conditions(): LinkConditions {
    return this.#defaults;
  }

  /** Changes the default conditions (only the given fields). Throws `MultiplayerError` on a bad value. */
  setConditions(changes: Partial<LinkConditions>): void {
    this.#defaults = mergeConditions(this.#defaults, changes);
  }

  /**
   * Overrides the conditions of the directed link `from → to` (fields not given come from the
   * defaults at the time of the call). `null` removes the override.
   */
  setLinkConditions(from: string, to: string, changes: Partial<LinkConditions> | null): void {
    const key = from + SEP + to;
    if (changes === null) this.#overrides.delete(key);
    else this.#overrides.set(key, mergeConditions(this.#overrides.get(key) ?? this.#defaults, changes));
  }

  /** The conditions in force on `from → to`. */
  getLinkConditions(from: string, to: string): LinkConditions {
    return this.#conditionsOf(from + SEP + to);
  }

  #conditionsOf(link: string): LinkConditions {
    return this.#overrides.size === 0 ? this.#defaults : (this.#overrides.get(link) ?? this.#defaults);
  }

  /** Cuts both directions between `a` and `b`, or between `a` and everyone when `b` is omitted. */
  partition(a: string, b?: string): void {
    if (b === undefined) {
      this.#isolated.add(a);
      return;
    }
    this.#blocked.add(a + SEP + b);
    this.#blocked.add(b + SEP + a);
  }

  /** Undoes `partition(a, b)`, or (without `b`) every partition involving `a`. */
  heal(a: string, b?: string): void {
    if (b !== undefined) {
      this.#blocked.delete(a + SEP + b);
      this.#blocked.delete(b + SEP + a);
      return;
    }
    this.#isolated.delete(a);
    for (const key of [...this.#blocked]) {
      const [x, y] = key.split(SEP);
      if (x === a || y === a) this.#blocked.delete(key);
    }
  }

  /** True if packets from `from` to `to` are currently blocked. */
  isPartitioned(from: string, to: string): boolean {
    if (this.#isolated.size === 0 && this.#blocked.size === 0) return false;
    return this.#isolated.has(from) || this.#isolated.has(to) || this.#blocked.has(from + SEP + to);
  }

  /** A fresh, unused address `${prefix}-${n}` (deterministic: a counter). */
  allocateAddress(prefix: string): string {
    for (;;) {
      const address = `${prefix}-${++this.#addressCounter}`;
      if (!this.#endpoints.has(address)) return address;
    }
  }

  /** True while an endpoint is attached at `address`. */
  hasEndpoint(address: string): boolean {
    return this.#endpoints.has(address);
  }

  /** Claims `address` for an endpoint: ERR_ALREADY_IN_USE if taken, ERR_INVALID_PARAMETER if empty. */
  attach(address: string): ErrorCode {
    if (address === '') return ErrorCode.ERR_INVALID_PARAMETER;
    if (this.#endpoints.has(address)) return ErrorCode.ERR_ALREADY_IN_USE;
    this.#endpoints.add(address);
    return ErrorCode.OK;
  }

  /**
   * Releases `address`. Packets on their way to it are discarded; packets it already sent stay in
   * flight (a closing peer's goodbye still arrives).
   */
  detach(address: string): void {
    if (!this.#endpoints.delete(address)) return;
    this.#inbox.delete(address);
    this.#retries.retain((f) => f.to !== address);
    // Streams towards the address restart from 0 if it is attached again.
    for (const byTo of this.#links.values()) byTo.delete(address);
    this.#lastLink = null;
  }

  /**
   * Sends one datagram (the payload is not copied: pass a buffer nobody will mutate). Returns false
   * if nobody is attached at `to` (recorded as `unreachable`), true otherwise, whatever the link does.
   */
  send(from: string, to: string, datagram: Omit<Datagram, 'from'>): boolean {
    return this.sendDatagram(to, datagram.message, from, datagram.mode, datagram.channel, datagram.payload, datagram.value);
  }

  /**
   * `send` with the datagram's fields as arguments (the endpoints' per-packet path): the datagram the
   * receiver gets is made here, together with the network's record of it.
   */
  sendDatagram(
    to: string,
    message: MessageKind,
    from: string,
    mode: TransferMode,
    channel: number,
    payload: Uint8Array,
    value: number,
  ): boolean {
    const now = this.clock.nowMs();
    this.#service(now);
    let link = this.#lastLink;
    // The last link's receiver is attached: detach() forgets it.
    if (link === null || link.to !== to || link.from !== from) {
      if (!this.#endpoints.has(to)) {
        if (this.#trace.active)
          this.#trace.record(now, from, to, message, mode, channel, payload.length, 0, 'unreachable', null, head(payload));
        return false;
      }
      this.#lastLink = link = this.#link(from, to);
    }
    const stream = mode === UNRELIABLE ? null : streamOf(link, channel, mode);
    const seq = stream === null ? 0 : stream.nextSend++;
    // Every field in one literal, in one order: all flights share one shape.
    this.#attempt({ from, message, mode, channel, payload, value, to, atMs: now, order: this.#order++, seq, attempt: 0, link, stream });
    return true;
  }

  /** Everything that has arrived at `address` by now, in delivery order (stream rules applied). */
  receive(address: string): Datagram[] {
    const out: Datagram[] = [];
    this.receiveInto(address, out);
    return out;
  }

  /** `receive`, appending to `out`; returns how many datagrams were appended. */
  receiveInto(address: string, out: Datagram[]): number {
    const before = out.length;
    return this.receiveAt(address, out, before) - before;
  }

  /**
   * `receive`, writing into `out` from index `at` on (by index, so an array the caller reuses keeps its
   * storage); returns the index after the last one written.
   */
  receiveAt(address: string, out: Datagram[], at: number): number {
    const now = this.clock.nowMs();
    this.#service(now);
    const inbox = this.#inbox.get(address);
    let end = at;
    if (inbox === undefined) return end;
    for (let next = inbox.peek(); next !== undefined && next.atMs <= now; next = inbox.peek()) {
      end = this.#release(inbox.pop()!, now, out, end);
    }
    return end;
  }

  /** Writes what `flight`'s arrival releases (stream rules applied) at `out[end]`; returns the new end. */
  #release(flight: Flight, now: number, out: Datagram[], end: number): number {
    if (flight.mode === UNRELIABLE) {
      out[end] = flight;
      return end + 1;
    }
    const stream = flight.stream!;
    if (flight.mode === UNRELIABLE_ORDERED) {
      if (flight.seq < stream.nextDeliver) {
        this.#record(flight, now, 'stale', null);
        return end;
      }
      stream.nextDeliver = flight.seq + 1;
      out[end] = flight;
      return end + 1;
    }
    if (flight.seq !== stream.nextDeliver) {
      stream.held.set(flight.seq, flight);
      return end;
    }
    out[end++] = flight;
    stream.nextDeliver++;
    if (stream.held.size === 0) return end;
    for (let next = stream.held.get(stream.nextDeliver); next !== undefined; next = stream.held.get(stream.nextDeliver)) {
      stream.held.delete(stream.nextDeliver++);
      out[end++] = next;
    }
    return end;
  }

  /** Runs every retransmission due by `now`, in (time, send order) order. */
  #service(now: number): void {
    for (let next = this.#retries.peek(); next !== undefined && next.atMs <= now; next = this.#retries.peek()) {
      this.#attempt(this.#retries.pop()!);
    }
  }

  /**
   * One transmission of `flight` (owned by the caller, reused as the first arrival) at `flight.atMs`:
   * trace it, then queue its arrivals or its retry.
   */
  #attempt(flight: Flight): void {
    const { to, atMs, link } = flight;
    const c = this.#conditionsOf(link.key);
    if (this.isPartitioned(flight.from, to)) return this.#lose(flight, c, 'partitioned');
    if (c.loss === 0 && c.jitterMs === 0 && c.duplicate === 0 && c.reorder === 0 && c.bandwidthBytesPerSec === 0) {
      // What transmit() decides on such a link, without its result objects: one arrival after the
      // latency, no randomness drawn.
      return this.#arrive(flight, atMs, atMs + c.latencyMs, 'delivered');
    }
    const result = transmit(c, this.rng, link.state, atMs, flight.payload.length, flight.mode);
    if (result.lost) return this.#lose(flight, c, 'dropped');
    const arrivals = result.arrivals;
    this.#arrive(flight, atMs, arrivals[0]!, 'delivered');
    for (let i = 1; i < arrivals.length; i++) {
      const copy = { ...flight, payload: flight.payload.slice(), order: this.#order++ };
      this.#arrive(copy, atMs, arrivals[i]!, 'duplicated');
    }
  }

  /** Traces a transmission sent at `sentMs` that arrives at `arrivalMs`, and queues it for the receiver. */
  #arrive(flight: Flight, sentMs: number, arrivalMs: number, outcome: 'delivered' | 'duplicated'): void {
    this.#record(flight, sentMs, outcome, arrivalMs);
    const link = flight.link;
    let inbox = link.inbox;
    if (inbox === null) {
      inbox = this.#inbox.get(flight.to) ?? null;
      if (inbox === null) this.#inbox.set(flight.to, (inbox = new FlightQueue()));
      link.inbox = inbox;
    }
    flight.atMs = arrivalMs;
    inbox.push(flight);
  }

  /** Traces a lost transmission; a reliable one is tried again later. */
  #lose(flight: Flight, c: LinkConditions, outcome: 'dropped' | 'partitioned'): void {
    const { atMs, attempt } = flight;
    this.#record(flight, atMs, outcome, null);
    if (flight.mode === RELIABLE) {
      this.#retries.push({ ...flight, atMs: atMs + retransmitDelayMs(c, attempt), attempt: attempt + 1 });
    }
  }

  #link(from: string, to: string): Link {
    let byTo = this.#links.get(from);
    if (byTo === undefined) this.#links.set(from, (byTo = new Map()));
    let link = byTo.get(to);
    if (link === undefined) {
      const key = from + SEP + to;
      link = { from, to, key, state: { busyUntilMs: 0 }, streams: new Map(), lastStream: null, lastStreamKey: -1, inbox: null };
      byTo.set(to, link);
    }
    return link;
  }

  /** Traces one transmission of `f` at `timeMs` (its attempt number and receiver are the flight's). */
  #record(
    f: Flight,
    timeMs: number,
    outcome: 'delivered' | 'duplicated' | 'dropped' | 'partitioned' | 'stale',
    deliverAtMs: number | null,
  ): void {
    const trace = this.#trace;
    if (!trace.active) return;
    trace.record(timeMs, f.from, f.to, f.message, f.mode, f.channel, f.payload.length, f.attempt, outcome, deliverAtMs, head(f.payload));
  }
}

/** The payload's first byte, or -1 when it is empty (the trace's `head`). */
function head(payload: Uint8Array): number {
  return payload.length > 0 ? payload[0]! : -1;
}

/** RELIABLE and UNRELIABLE_ORDERED keep separate sequence spaces, even on one channel. */
function streamOf(link: Link, channel: number, mode: TransferMode): Stream {
  const key = channel * 4 + mode;
  if (key === link.lastStreamKey) return link.lastStream!;
  let stream = link.streams.get(key);
  if (stream === undefined) link.streams.set(key, (stream = { nextSend: 0, nextDeliver: 0, held: new Map() }));
  link.lastStream = stream;
  link.lastStreamKey = key;
  return stream;
}
