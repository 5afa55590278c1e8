/**
 * Per-channel sequencing state and the command records queued on peers (enet.h ENetChannel,
 * ENetOutgoingCommand, ENetIncomingCommand).
 */
import { Defaults } from './protocol.js';

/** A command waiting to be sent, or sent and waiting for its acknowledgement. */
export interface OutgoingCommand {
  /** Command byte: number plus ACKNOWLEDGE / UNSEQUENCED flags. */
  command: number;
  channelID: number;
  reliableSequenceNumber: number;
  /** Unreliable sequence number, unsequenced group, or a fragment's start sequence number. */
  unreliableSequenceNumber: number;
  /** Encoded fixed part of a control command (CONNECT, PING …); null for data commands. */
  header: Uint8Array | null;
  /** The whole packet this command carries a slice of; null for control commands. */
  data: Uint8Array | null;
  fragmentOffset: number;
  fragmentLength: number;
  fragmentCount: number;
  fragmentNumber: number;
  sendAttempts: number;
  sentTime: number;
  roundTripTimeout: number;
}

/** A received data command waiting for ordering or reassembly. */
export interface IncomingCommand {
  command: number;
  reliableSequenceNumber: number;
  unreliableSequenceNumber: number;
  fragmentCount: number;
  fragmentsRemaining: number;
  fragments: Uint32Array | null;
  /**
   * The packet. For a fragmented packet still being reassembled it is empty: the fragments received
   * so far wait in `pieces` and the whole packet is allocated only once every fragment has arrived,
   * so a peer that declares a large packet and sends little holds only what it sent.
   */
  data: Uint8Array;
  /** The packet's declared length (what `totalWaitingData` counts for it). */
  totalLength: number;
  /** Fragments received so far (copies) with their offsets; null once assembled or when unfragmented. */
  pieces: Uint8Array[] | null;
  pieceOffsets: number[] | null;
  flags: number;
}

/**
 * A channel's pending unreliable packets (ENetChannel's incomingUnreliableCommands), ordered by
 * (reliable sequence number, unreliable sequence number), in parallel arrays: one slot per packet in
 * each, no record object. An unfragmented packet is kept as its datagram, start and length (a view is
 * made only if it is delivered); a fragmented one keeps its reassembly record in `record`. When the
 * reliable packet opening an epoch is lost, every later packet of the channel waits here until the
 * retransmission arrives (tens of thousands at high rates), so the entries cost only array slots.
 */
export class UnreliableQueue {
  /** Reliable sequence number (epoch) of each entry. */
  readonly rsn: number[] = [];
  /** Unreliable sequence number (or a fragment's start sequence number) of each entry. */
  readonly useq: number[] = [];
  /** The datagram holding an unfragmented packet; unused (an empty array) for a fragmented one. */
  readonly buf: Uint8Array[] = [];
  /** The packet's offset in `buf`. */
  readonly start: number[] = [];
  /** The packet's length (for a fragmented one its declared length): what totalWaitingData counts. */
  readonly length: number[] = [];
  readonly flags: number[] = [];
  /** The reassembly record of a fragmented packet, null for an unfragmented one. */
  readonly record: Array<IncomingCommand | null> = [];

  get size(): number {
    return this.rsn.length;
  }

  /** Inserts an entry at `at` (mostly the end: packets arrive in order, and push builds no result array). */
  insert(
    at: number,
    rsn: number,
    useq: number,
    buf: Uint8Array,
    start: number,
    length: number,
    flags: number,
    record: IncomingCommand | null,
  ): void {
    if (at === this.rsn.length) {
      this.rsn.push(rsn);
      this.useq.push(useq);
      this.buf.push(buf);
      this.start.push(start);
      this.length.push(length);
      this.flags.push(flags);
      this.record.push(record);
    } else {
      this.rsn.splice(at, 0, rsn);
      this.useq.splice(at, 0, useq);
      this.buf.splice(at, 0, buf);
      this.start.splice(at, 0, start);
      this.length.splice(at, 0, length);
      this.flags.splice(at, 0, flags);
      this.record.splice(at, 0, record);
    }
  }

  /** Moves entry `from` to slot `to` (`to` <= `from`; compaction in place). */
  move(from: number, to: number): void {
    if (from === to) return;
    this.rsn[to] = this.rsn[from]!;
    this.useq[to] = this.useq[from]!;
    this.buf[to] = this.buf[from]!;
    this.start[to] = this.start[from]!;
    this.length[to] = this.length[from]!;
    this.flags[to] = this.flags[from]!;
    this.record[to] = this.record[from]!;
  }

  /** Keeps the first `n` entries. */
  truncate(n: number): void {
    this.rsn.length = this.useq.length = this.buf.length = this.start.length = n;
    this.length.length = this.flags.length = this.record.length = n;
  }
}

/** One channel of a peer (ENetChannel). */
export class Channel {
  constructor(readonly id: number) {}

  outgoingReliableSequenceNumber = 0;
  outgoingUnreliableSequenceNumber = 0;
  usedReliableWindows = 0;
  /** In-flight reliable commands per window; allocated on first reliable send. */
  reliableWindows: Uint16Array | null = null;
  incomingReliableSequenceNumber = 0;
  incomingUnreliableSequenceNumber = 0;
  readonly incomingReliableCommands: IncomingCommand[] = [];
  readonly incomingUnreliableCommands = new UnreliableQueue();

  /** The reliable-window counters, created lazily (idle peers with 255 channels stay small). */
  windows(): Uint16Array {
    return (this.reliableWindows ??= new Uint16Array(Defaults.RELIABLE_WINDOWS));
  }
}

/**
 * How many reliable windows `seq` lies ahead of the channel's current window (the window of its
 * last delivered reliable sequence number), with the wrap adjustment of the C library (+16 when
 * `seq` is behind). A number, not a {window, current} pair: this runs for every received packet.
 */
export function windowsAhead(channel: Channel, seq: number): number {
  let window = Math.floor(seq / Defaults.RELIABLE_WINDOW_SIZE);
  const current = Math.floor(channel.incomingReliableSequenceNumber / Defaults.RELIABLE_WINDOW_SIZE);
  if (seq < channel.incomingReliableSequenceNumber) window += Defaults.RELIABLE_WINDOWS;
  return window - current;
}

/** True when `seq` lies in the receiver's accepted windows (current … current + 6, docs/wire/enet.md §9.2). */
export function inReceiveWindow(channel: Channel, seq: number): boolean {
  const ahead = windowsAhead(channel, seq);
  return ahead >= 0 && ahead < Defaults.FREE_RELIABLE_WINDOWS - 1;
}
