import { Signal, type TransferMode } from '../../core/index.js';

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
export type PacketEvent = Omit<PacketTraceEntry, 'type' | 'index'>;

/** Options of `PacketTrace`. */
export interface PacketTraceOptions {
  /** Keep entries in memory (the hash is always computed). Default true. */
  readonly keepEntries?: boolean;
}

const MESSAGE_CODES: Record<MessageKind, number> = { data: 0, connect: 1, accept: 2, reject: 3, disconnect: 4 };
const OUTCOME_CODES: Record<PacketOutcome, number> = {
  delivered: 0, duplicated: 1, dropped: 2, partitioned: 3, unreachable: 4, stale: 5,
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
  readonly #hash = new Fnv1a64();
  readonly #names = new Map<string, number>();
  #count = 0;

  constructor(options: PacketTraceOptions = {}) {
    this.#keep = options.keepEntries ?? true;
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
    const entry: PacketTraceEntry = {
      type: 'packet',
      index: this.#count,
      timeMs: event.timeMs,
      from: event.from,
      to: event.to,
      message: event.message,
      mode: event.mode,
      channel: event.channel,
      size: event.size,
      attempt: event.attempt,
      outcome: event.outcome,
      deliverAtMs: event.deliverAtMs,
    };
    // Compact canonical form: names are hashed once (with the small id they get, in order of first
    // appearance), then every packet is a tag, five 32-bit words and two doubles.
    const from = this.#nameId(entry.from);
    const to = this.#nameId(entry.to);
    this.#hash
      .byte(0x50) // 'P'
      .uint32(from)
      .uint32(to)
      .uint32(MESSAGE_CODES[entry.message] | (entry.mode << 4) | (OUTCOME_CODES[entry.outcome] << 8))
      .uint32(entry.channel)
      .uint32(entry.size)
      .uint32(entry.attempt)
      .number(entry.timeMs)
      .number(entry.deliverAtMs ?? -1);
    this.#append(entry);
    return entry;
  }

  /** Records an annotation; it is part of the hash. */
  note(timeMs: number, text: string): NoteTraceEntry {
    const entry: NoteTraceEntry = { type: 'note', index: this.#count, timeMs, text };
    this.#hash.byte(0x4e).number(timeMs).string(text); // 'N'
    this.#append(entry);
    return entry;
  }

  /** FNV-1a 64 of every entry so far, as 16 lowercase hex digits. */
  hash(): string {
    return this.#hash.digest();
  }

  #nameId(name: string): number {
    let id = this.#names.get(name);
    if (id === undefined) {
      id = this.#names.size;
      this.#names.set(name, id);
      this.#hash.byte(0x41).uint32(id).string(name); // 'A': an address appears
    }
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

/**
 * Streaming FNV-1a 64 over bytes, strings (UTF-8) and numbers (float64), in four 16-bit limbs (exact in doubles, no
 * BigInt on the hot path).
 */
export class Fnv1a64 {
  // Offset basis 0xcbf29ce484222325, least significant limb first.
  #h0 = 0x2325;
  #h1 = 0x8422;
  #h2 = 0x9ce4;
  #h3 = 0xcbf2;

  /** Feeds the UTF-8 encoding of `text`. */
  update(text: string): this {
    // ASCII (every trace line in practice) runs on locals: private-field access per byte is slow.
    let h0 = this.#h0;
    let h1 = this.#h1;
    let h2 = this.#h2;
    let h3 = this.#h3;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) {
        [this.#h0, this.#h1, this.#h2, this.#h3] = [h0, h1, h2, h3];
        if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
          const low = text.charCodeAt(i + 1);
          if (low >= 0xdc00 && low < 0xe000) {
            this.#codePoint(0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00));
            i++;
          } else this.#codePoint(c);
        } else this.#codePoint(c);
        [h0, h1, h2, h3] = [this.#h0, this.#h1, this.#h2, this.#h3];
        continue;
      }
      // h ^= b; h *= 0x100000001b3 (= 2^40 + 0x1b3), modulo 2^64.
      h0 ^= c;
      const t0 = h0 * 0x1b3;
      const t1 = h1 * 0x1b3 + (t0 >>> 16);
      const t2 = h2 * 0x1b3 + (h0 << 8) + (t1 >>> 16);
      const t3 = h3 * 0x1b3 + (h1 << 8) + (t2 >>> 16);
      h0 = t0 & 0xffff;
      h1 = t1 & 0xffff;
      h2 = t2 & 0xffff;
      h3 = t3 & 0xffff;
    }
    [this.#h0, this.#h1, this.#h2, this.#h3] = [h0, h1, h2, h3];
    return this;
  }

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

  /** Four bytes of a 32-bit word, least significant first. */
  #word(w: number): void {
    let h0 = this.#h0;
    let h1 = this.#h1;
    let h2 = this.#h2;
    let h3 = this.#h3;
    for (let shift = 0; shift < 32; shift += 8) {
      h0 ^= (w >>> shift) & 0xff;
      const t0 = h0 * 0x1b3;
      const t1 = h1 * 0x1b3 + (t0 >>> 16);
      const t2 = h2 * 0x1b3 + (h0 << 8) + (t1 >>> 16);
      const t3 = h3 * 0x1b3 + (h1 << 8) + (t2 >>> 16);
      h0 = t0 & 0xffff;
      h1 = t1 & 0xffff;
      h2 = t2 & 0xffff;
      h3 = t3 & 0xffff;
    }
    [this.#h0, this.#h1, this.#h2, this.#h3] = [h0, h1, h2, h3];
  }

  #byte(b: number): void {
    const h0 = this.#h0 ^ b;
    const t0 = h0 * 0x1b3;
    const t1 = this.#h1 * 0x1b3 + (t0 >>> 16);
    const t2 = this.#h2 * 0x1b3 + (h0 << 8) + (t1 >>> 16);
    const t3 = this.#h3 * 0x1b3 + (this.#h1 << 8) + (t2 >>> 16);
    this.#h0 = t0 & 0xffff;
    this.#h1 = t1 & 0xffff;
    this.#h2 = t2 & 0xffff;
    this.#h3 = t3 & 0xffff;
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

  /** Feeds `text` unambiguously: its UTF-16 length as a number, then its UTF-8 bytes. */
  string(text: string): this {
    return this.number(text.length).update(text);
  }

  /** The hash as 16 lowercase hex digits. */
  digest(): string {
    return [this.#h3, this.#h2, this.#h1, this.#h0].map((l) => l.toString(16).padStart(4, '0')).join('');
  }
}
