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
  readonly incomingUnreliableCommands: IncomingCommand[] = [];

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
