import { ErrorCode, MultiplayerError, Signal, type TransferMode } from '../../core/index.js';

/** What a virtual datagram carries: user data or one of the loopback handshake messages. */
export type MessageKind = 'data' | 'connect' | 'accept' | 'reject' | 'disconnect';

/**
 * What happened to one transmission:
 * - `delivered`: will arrive at `deliverAtMs`;
 * - `duplicated`: an extra copy that will also arrive (at its own `deliverAtMs`);
 * - `dropped`: lost on the link (a reliable packet is then retransmitted: a new entry, `attempt` + 1);
 * - `partitioned`: blocked by `partition()` (reliable: retransmitted too);
 * - `unreachable`: nobody is attached at the destination address (never retried);
 * - `stale`: arrived, but discarded by the receiver (UNRELIABLE_ORDERED older than the newest delivered).
 */
export type PacketOutcome = 'delivered' | 'duplicated' | 'dropped' | 'partitioned' | 'unreachable' | 'stale';

/** One packet event of the trace. */
export interface PacketTraceEntry {
  readonly type: 'packet';
  /** Position in the trace, from 0. */
  readonly index: number;
  /** Virtual time of the transmission (of the discard, for `stale`). */
  readonly timeMs: number;
  readonly from: string;
  readonly to: string;
  readonly message: MessageKind;
  readonly mode: TransferMode;
  readonly channel: number;
  /** Payload bytes. */
  readonly size: number;
  /** 0 for the first transmission, n for the n-th retransmission of a reliable packet. */
  readonly attempt: number;
  readonly outcome: PacketOutcome;
  /** Arrival time for `delivered`/`duplicated`, else null. */
  readonly deliverAtMs: number | null;
  /**
   * The payload's first byte, or -1 for an empty payload (not part of the hash). For SceneMultiplayer
   * traffic it holds the command (`head & 7`: RPC, SPAWN, SYNC, SYS, …), which the timeline shows.
   */
  readonly head: number;
}

/** A free-form annotation (a Simulation marks frames or scenario steps with these). */
export interface NoteTraceEntry {
  readonly type: 'note';
  readonly index: number;
  readonly timeMs: number;
  readonly text: string;
}

/** One entry of a packet trace. */
export type TraceEntry = PacketTraceEntry | NoteTraceEntry;

/** A packet entry before the trace numbers it. */
export type PacketEvent = Omit<PacketTraceEntry, 'type' | 'index' | 'head'> & { readonly head?: number };

/** Options of `PacketTrace`. */
export interface PacketTraceOptions {
  /** Keep entries in memory. Default true. */
  readonly keepEntries?: boolean;
  /**
   * Compute the running hash. Default true. With `keepEntries: false` too, recording a packet costs
   * nothing unless `recorded` has a slot (a benchmark's hot path); `hash()` then throws.
   */
  readonly hash?: boolean;
}

const MESSAGE_CODES: Record<MessageKind, number> = { data: 0, connect: 1, accept: 2, reject: 3, disconnect: 4 };
const OUTCOME_CODES: Record<PacketOutcome, number> = {
  delivered: 0,
  duplicated: 1,
  dropped: 2,
  partitioned: 3,
  unreachable: 4,
  stale: 5,
};

/**
 * An append-only record of packet events with a running FNV-1a 64 hash over a canonical binary form
 * of every entry (a tag byte, then its fields: small integers as little-endian uint32, times as
 * little-endian float64, addresses by the id they got on first appearance, when their text is
 * hashed too). Pure JS (no `node:crypto`), so it runs in browsers; the same entries give the same
 * hash on every platform.
 */
export class PacketTrace {
  /** Emitted synchronously for every entry as it is recorded (observer hook). */
  readonly recorded = new Signal<[entry: TraceEntry]>();
  readonly #entries: TraceEntry[] = [];
  readonly #keep: boolean;
  readonly #hashing: boolean;
  readonly #hash = new Fnv1a64();
  readonly #names = new Map<string, number>();
  #count = 0;
  #lastName: string | null = null;
  #lastId = 0;
  #prevName: string | null = null;
  #prevId = 0;

  constructor(options: PacketTraceOptions = {}) {
    this.#keep = options.keepEntries ?? true;
    this.#hashing = options.hash ?? true;
  }

  /** True if recording a packet does anything: entries are kept or hashed, or a slot observes them. */
  get active(): boolean {
    return this.#keep || this.#hashing || this.recorded.connectionCount > 0;
  }

  /** The recorded entries, oldest first (empty when `keepEntries` is false). */
  get entries(): readonly TraceEntry[] {
    return this.#entries;
  }

  /** How many entries were recorded (kept or not). */
  get count(): number {
    return this.#count;
  }

  /** Records a packet event. */
  packet(event: PacketEvent): PacketTraceEntry {
    const e = event;
    const head = e.head ?? -1;
    const entry = this.record(e.timeMs, e.from, e.to, e.message, e.mode, e.channel, e.size, e.attempt, e.outcome, e.deliverAtMs, head);
    return entry ?? { type: 'packet', index: this.#count - 1, ...e, head };
  }

  /**
   * Records a packet event given field by field (the network's per-packet path). The entry object is
   * only built when it is kept or observed; returns it then, else null. The hash is the same either way.
   */
  record(
    timeMs: number,
    from: string,
    to: string,
    message: MessageKind,
    mode: TransferMode,
    channel: number,
    size: number,
    attempt: number,
    outcome: PacketOutcome,
    deliverAtMs: number | null,
    head = -1,
  ): PacketTraceEntry | null {
    // Compact canonical form: names are hashed once (with the small id they get, in order of first
    // appearance), then every packet is a tag, six 32-bit words and two doubles.
    if (this.#hashing) {
      const fromId = this.#nameId(from);
      const toId = this.#nameId(to);
      this.#hash.packet(
        fromId,
        toId,
        MESSAGE_CODES[message] | (mode << 4) | (OUTCOME_CODES[outcome] << 8),
        channel,
        size,
        attempt,
        timeMs,
        deliverAtMs ?? -1,
      );
    }
    const index = this.#count++;
    if (!this.#keep && this.recorded.connectionCount === 0) return null;
    const entry: PacketTraceEntry = {
      type: 'packet',
      index,
      timeMs,
      from,
      to,
      message,
      mode,
      channel,
      size,
      attempt,
      outcome,
      deliverAtMs,
      head,
    };
    if (this.#keep) this.#entries.push(entry);
    if (this.recorded.connectionCount > 0) this.recorded.emit(entry);
    return entry;
  }

  /** Records an annotation; it is part of the hash. */
  note(timeMs: number, text: string): NoteTraceEntry {
    const entry: NoteTraceEntry = { type: 'note', index: this.#count, timeMs, text };
    if (this.#hashing) this.#hash.byte(0x4e).number(timeMs).string(text); // 'N'
    this.#append(entry);
    return entry;
  }

  /** FNV-1a 64 of every entry so far, as 16 lowercase hex digits. */
  hash(): string {
    if (!this.#hashing) throw new MultiplayerError(ErrorCode.ERR_UNAVAILABLE, 'This trace was made with hashing off.');
    return this.#hash.digest();
  }

  #nameId(name: string): number {
    // Packets alternate between a few addresses: two one-entry caches spare most Map lookups.
    if (name === this.#lastName) return this.#lastId;
    if (name === this.#prevName) return this.#prevId;
    let id = this.#names.get(name);
    if (id === undefined) {
      id = this.#names.size;
      this.#names.set(name, id);
      this.#hash.byte(0x41).uint32(id).string(name); // 'A': an address appears
    }
    this.#prevName = this.#lastName;
    this.#prevId = this.#lastId;
    this.#lastName = name;
    this.#lastId = id;
    return id;
  }

  #append(entry: TraceEntry): void {
    this.#count++;
    if (this.#keep) this.#entries.push(entry);
    if (this.recorded.connectionCount > 0) this.recorded.emit(entry);
  }
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
// Word order of a double in memory differs on big-endian hosts; pick the halves so bytes are LE.
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
// A packet record's 40 bytes after its tag: six uint32 words, then two float64s (little-endian hosts).
const RECORD = new ArrayBuffer(40);
const RECORD_U32 = new Uint32Array(RECORD, 0, 6);
const RECORD_F64 = new Float64Array(RECORD, 24, 2);
const RECORD_BYTES = new Uint8Array(RECORD);

/*
 * One FNV-1a 64 step on a hash kept as two int32 halves (hi, lo): h ^= b; h *= 0x100000001b3
 * (= 2^40 + 0x1b3), modulo 2^64. lo · 0x1b3 gives the new low half and a carry into the high half
 * (computed from 16-bit pieces so everything stays in int32 arithmetic); h · 2^40 only adds lo << 8 to
 * the high half. Written out at each use (a helper cannot return two halves without allocating):
 *
 *   lo ^= b;
 *   hi = (Math.imul(hi, 0x1b3) + ((((lo >>> 16) * 0x1b3) + (((lo & 0xffff) * 0x1b3) >>> 16)) >>> 16) + (lo << 8)) | 0;
 *   lo = Math.imul(lo, 0x1b3);
 */

/**
 * Streaming FNV-1a 64 over bytes, strings (UTF-8) and numbers (float64), in two 32-bit halves (int32
 * arithmetic only, no BigInt).
 */
export class Fnv1a64 {
  // Offset basis 0xcbf29ce484222325.
  #hi = 0xcbf29ce4 | 0;
  #lo = 0x84222325 | 0;

  /** Feeds the UTF-8 encoding of `text`. */
  update(text: string): this {
    let hi = this.#hi;
    let lo = this.#lo;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (c >= 0x80) {
        if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
          const low = text.charCodeAt(i + 1);
          if (low >= 0xdc00 && low < 0xe000) {
            c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
            i++;
          }
        }
        this.#hi = hi;
        this.#lo = lo;
        this.#codePoint(c);
        hi = this.#hi;
        lo = this.#lo;
        continue;
      }
      lo ^= c;
      hi = (Math.imul(hi, 0x1b3) + (((lo >>> 16) * 0x1b3 + (((lo & 0xffff) * 0x1b3) >>> 16)) >>> 16) + (lo << 8)) | 0;
      lo = Math.imul(lo, 0x1b3);
    }
    this.#hi = hi;
    this.#lo = lo;
    return this;
  }

  /** The UTF-8 bytes of one code point of U+0080 or above (a lone surrogate is encoded as is, WTF-8). */
  #codePoint(c: number): void {
    if (c < 0x800) {
      this.#byte(0xc0 | (c >> 6));
    } else if (c < 0x10000) {
      this.#byte(0xe0 | (c >> 12));
      this.#byte(0x80 | ((c >> 6) & 0x3f));
    } else {
      this.#byte(0xf0 | (c >> 18));
      this.#byte(0x80 | ((c >> 12) & 0x3f));
      this.#byte(0x80 | ((c >> 6) & 0x3f));
    }
    this.#byte(0x80 | (c & 0x3f));
  }

  #byte(b: number): void {
    const lo = this.#lo ^ b;
    this.#hi = (Math.imul(this.#hi, 0x1b3) + (((lo >>> 16) * 0x1b3 + (((lo & 0xffff) * 0x1b3) >>> 16)) >>> 16) + (lo << 8)) | 0;
    this.#lo = Math.imul(lo, 0x1b3);
  }

  /** Four bytes of a 32-bit word, least significant first. */
  #word(w: number): void {
    let hi = this.#hi;
    let lo = this.#lo;
    for (let shift = 0; shift < 32; shift += 8) {
      lo ^= (w >>> shift) & 0xff;
      hi = (Math.imul(hi, 0x1b3) + (((lo >>> 16) * 0x1b3 + (((lo & 0xffff) * 0x1b3) >>> 16)) >>> 16) + (lo << 8)) | 0;
      lo = Math.imul(lo, 0x1b3);
    }
    this.#hi = hi;
    this.#lo = lo;
  }

  /** Feeds one byte. */
  byte(b: number): this {
    this.#byte(b & 0xff);
    return this;
  }

  /** Feeds `w` (taken modulo 2^32) as 4 little-endian bytes. */
  uint32(w: number): this {
    this.#word(w >>> 0);
    return this;
  }

  /** Feeds the 8 bytes of `x` as a little-endian IEEE 754 double (exact and platform-independent). */
  number(x: number): this {
    F64[0] = x;
    this.#word(U32[LO]!);
    this.#word(U32[HI]!);
    return this;
  }

  /**
   * One packet record of a trace: the same bytes as `byte(0x50)`, `uint32(a)` … `uint32(f)`,
   * `number(x)`, `number(y)`, in one call.
   */
  packet(a: number, b: number, c: number, d: number, e: number, f: number, x: number, y: number): void {
    if (!LITTLE_ENDIAN) {
      this.byte(0x50).uint32(a).uint32(b).uint32(c).uint32(d).uint32(e).uint32(f).number(x).number(y);
      return;
    }
    const words = RECORD_U32;
    words[0] = a;
    words[1] = b;
    words[2] = c;
    words[3] = d;
    words[4] = e;
    words[5] = f;
    RECORD_F64[0] = x;
    RECORD_F64[1] = y;
    let hi = this.#hi;
    let lo = this.#lo ^ 0x50;
    hi = (Math.imul(hi, 0x1b3) + (((lo >>> 16) * 0x1b3 + (((lo & 0xffff) * 0x1b3) >>> 16)) >>> 16) + (lo << 8)) | 0;
    lo = Math.imul(lo, 0x1b3);
    const bytes = RECORD_BYTES;
    for (let i = 0; i < 40; i++) {
      lo ^= bytes[i]!;
      hi = (Math.imul(hi, 0x1b3) + (((lo >>> 16) * 0x1b3 + (((lo & 0xffff) * 0x1b3) >>> 16)) >>> 16) + (lo << 8)) | 0;
      lo = Math.imul(lo, 0x1b3);
    }
    this.#hi = hi;
    this.#lo = lo;
  }

  /** Feeds `text` unambiguously: its UTF-16 length as a number, then its UTF-8 bytes. */
  string(text: string): this {
    return this.number(text.length).update(text);
  }

  /** The hash as 16 lowercase hex digits. */
  digest(): string {
    return (this.#hi >>> 0).toString(16).padStart(8, '0') + (this.#lo >>> 0).toString(16).padStart(8, '0');
  }
}
