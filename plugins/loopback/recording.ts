import {
  ByteWriter,
  ErrorCode,
  MultiplayerError,
  MultiplayerPeerWrapper,
  decodeDouble,
  decodeUint32,
  isPacket,
  type Clock,
  type MultiplayerPeer,
  type TransferMode,
} from '../../core/index.js';
import { Fnv1a64 } from './packet-trace.js';

/*
 * The recording format (little-endian):
 *   "SNRP" · version u8 (1) · server id u32 · max packet size u32 · flags u8 (bit 0: sent digests,
 *   bit 1: server relay supported) · then records, each a tag byte:
 *   0x01 FRAME     f64 time (ms): a poll of the server's peer starts frame n + 1
 *   0x02 CONNECT   u32 peer       (the inner peer reported it in poll)
 *   0x03 DISCONNECT u32 peer      (the inner peer reported it in poll)
 *   0x04 PACKET    u32 peer · u8 mode · u8 channel · u32 length · bytes   (the server read it)
 *   0x05 DROPPED   u32 peer       (reported inside the server's own disconnectPeer/close call)
 *   0x06 SENT      u32 count · 8-byte FNV-1a 64 of what the server sent in the frame that just ended
 */
const MAGIC = [0x53, 0x4e, 0x52, 0x50]; // "SNRP"
const VERSION = 1;
const TAG = { FRAME: 1, CONNECT: 2, DISCONNECT: 3, PACKET: 4, DROPPED: 5, SENT: 6 } as const;
const FLAG_SENT = 1;
const FLAG_RELAY = 2;

/** One thing the server's peer received during a frame, in the order it happened. */
export type RecordedInput =
  | { readonly type: 'connect'; readonly peer: number }
  | { readonly type: 'disconnect'; readonly peer: number }
  | { readonly type: 'packet'; readonly peer: number; readonly mode: TransferMode; readonly channel: number; readonly data: Uint8Array }
  /** A disconnection the server caused itself (reported inside its `disconnectPeer` or `close` call). */
  | { readonly type: 'dropped'; readonly peer: number };

/** One poll of the server's peer and what came with it. */
export interface RecordedFrame {
  /** The server's clock when the frame's poll started. */
  readonly timeMs: number;
  readonly inputs: readonly RecordedInput[];
  /** What the server sent during the frame (count and digest), when recorded with `verify`. */
  readonly sent: { readonly count: number; readonly digest: string } | null;
}

/** A decoded recording: frame 0 holds what happened before the first poll. */
export interface Recording {
  readonly serverId: number;
  readonly maxPacketSize: number;
  readonly relaySupported: boolean;
  /** Whether `sent` digests were recorded (the replay then checks itself against them). */
  readonly verified: boolean;
  readonly frames: readonly RecordedFrame[];
}

/** Options of `RecordingMultiplayerPeer`. */
export interface RecordingOptions {
  /**
   * The server's clock, read at each poll. For a replay that matches the live run exactly, use a clock
   * that changes only between frames (the one the server's SceneTree and SceneMultiplayer use).
   */
  readonly clock: Clock;
  /** Also record a digest of what the server sent each frame, so a replay can prove it matches. Default true. */
  readonly verify?: boolean;
}

/**
 * Digest of one sent packet, as the recorder and the replay both compute it: target, mode, channel,
 * then the bytes.
 */
export function digestSend(h: Fnv1a64, target: number, mode: TransferMode, channel: number, data: Uint8Array): void {
  h.uint32(target).byte(mode).byte(channel).uint32(data.length);
  for (let i = 0; i < data.length; i++) h.byte(data[i]!);
}

/**
 * Wraps a server's real `MultiplayerPeer` (WebSocket, ENet, WebRTC…) and records what the server
 * received and when: each poll (with the clock), each connection event, each packet it read (peer,
 * mode, channel, bytes), in a compact binary form (`toBytes()`) that `Simulation.replay` feeds to a
 * fresh server tree. Everything else is forwarded unchanged.
 */
export class RecordingMultiplayerPeer extends MultiplayerPeerWrapper {
  readonly #clock: Clock;
  readonly #verify: boolean;
  readonly #out = new ByteWriter(4096);
  #frames = 0;
  #inPoll = false;
  #target = 0;
  #sentCount = 0;
  #sent = new Fnv1a64();

  constructor(inner: MultiplayerPeer, options: RecordingOptions) {
    super(inner);
    this.#clock = options.clock;
    this.#verify = options.verify ?? true;
  }

  /** Polls recorded so far. */
  get frames(): number {
    return this.#frames;
  }

  protected override onInnerPeerConnected(id: number): void {
    this.#event(TAG.CONNECT, id);
    super.onInnerPeerConnected(id);
  }

  protected override onInnerPeerDisconnected(id: number): void {
    // Outside a poll, the server caused it (its own disconnectPeer or close): the replay re-creates those.
    this.#event(this.#inPoll ? TAG.DISCONNECT : TAG.DROPPED, id);
    super.onInnerPeerDisconnected(id);
  }

  override poll(): void {
    this.#flushSent();
    this.#frames++;
    this.#out.u8(TAG.FRAME);
    this.#out.f64(this.#clock.nowMs());
    this.#inPoll = true;
    try {
      super.poll();
    } finally {
      this.#inPoll = false;
    }
  }

  override getPacket(): Uint8Array | ErrorCode {
    const peer = this.inner.getPacketPeer();
    const mode = this.inner.getPacketMode();
    const channel = this.inner.getPacketChannel();
    const packet = super.getPacket();
    if (isPacket(packet)) {
      const w = this.#out;
      w.u8(TAG.PACKET);
      w.u32(peer);
      w.u8(mode);
      w.u8(channel);
      w.u32(packet.length);
      w.bytes(packet);
    }
    return packet;
  }

  override setTargetPeer(id: number): void {
    this.#target = id;
    super.setTargetPeer(id);
  }

  override putPacket(packet: Uint8Array): ErrorCode {
    const err = super.putPacket(packet);
    // Every send the server's code makes counts, accepted or not: whether a real transport accepts it can
    // depend on timing the replay cannot see (a WebRTC channel already closing while its peer is still
    // listed refuses it), and the digest is about what the server did, not what its socket allowed.
    if (this.#verify) {
      digestSend(this.#sent, this.#target, this.transferMode, this.transferChannel, packet);
      this.#sentCount++;
    }
    return err;
  }

  /** The recording so far, as bytes (a copy; recording goes on). */
  toBytes(): Uint8Array {
    this.#flushSent();
    const header = new ByteWriter(16);
    for (const b of MAGIC) header.u8(b);
    header.u8(VERSION);
    header.u32(this.getUniqueId());
    header.u32(this.getMaxPacketSize());
    header.u8((this.#verify ? FLAG_SENT : 0) | (this.isServerRelaySupported() ? FLAG_RELAY : 0));
    const body = this.#out.view();
    const out = new Uint8Array(header.length + body.length);
    out.set(header.view());
    out.set(body, header.length);
    return out;
  }

  #event(tag: number, id: number): void {
    this.#out.u8(tag);
    this.#out.u32(id);
  }

  #flushSent(): void {
    if (!this.#verify || this.#sentCount === 0) return;
    const w = this.#out;
    w.u8(TAG.SENT);
    w.u32(this.#sentCount);
    const digest = this.#sent.digest();
    for (let i = 0; i < 16; i += 2) w.u8(parseInt(digest.slice(i, i + 2), 16));
    this.#sentCount = 0;
    this.#sent = new Fnv1a64();
  }
}

/**
 * Reads a recording. Bytes are hostile: anything malformed throws one `MultiplayerError` with
 * `ERR_FILE_CORRUPT` (or `ERR_FILE_UNRECOGNIZED` for a foreign file) that says where.
 */
export function decodeRecording(bytes: Uint8Array): Recording {
  if (bytes.length < 14 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new MultiplayerError(ErrorCode.ERR_FILE_UNRECOGNIZED, 'Not a scenenet recording (no "SNRP" header).');
  }
  if (bytes[4] !== VERSION) throw new MultiplayerError(ErrorCode.ERR_FILE_UNRECOGNIZED, `Unsupported recording version ${bytes[4]}.`);
  const serverId = decodeUint32(bytes, 5);
  const maxPacketSize = decodeUint32(bytes, 9);
  const flags = bytes[13]!;
  const frames: Array<{ timeMs: number; inputs: RecordedInput[]; sent: RecordedFrame['sent'] }> = [
    { timeMs: Number.NaN, inputs: [], sent: null },
  ];
  let ofs = 14;
  const need = (n: number, what: string): void => {
    if (ofs + n > bytes.length)
      throw new MultiplayerError(ErrorCode.ERR_FILE_CORRUPT, `Recording truncated in a ${what} record at byte ${ofs}.`);
  };
  while (ofs < bytes.length) {
    const tag = bytes[ofs++]!;
    const frame = frames[frames.length - 1]!;
    switch (tag) {
      case TAG.FRAME: {
        need(8, 'FRAME');
        const timeMs = decodeDouble(bytes, ofs);
        ofs += 8;
        const previous = frames.length > 1 ? frame.timeMs : -Infinity;
        if (!Number.isFinite(timeMs) || timeMs < previous) {
          throw new MultiplayerError(ErrorCode.ERR_FILE_CORRUPT, `Recording frame ${frames.length} goes back in time (${timeMs} ms).`);
        }
        frames.push({ timeMs, inputs: [], sent: null });
        break;
      }
      case TAG.CONNECT:
      case TAG.DISCONNECT:
      case TAG.DROPPED: {
        need(4, 'connection');
        const peer = decodeUint32(bytes, ofs);
        ofs += 4;
        frame.inputs.push({ type: tag === TAG.CONNECT ? 'connect' : tag === TAG.DISCONNECT ? 'disconnect' : 'dropped', peer });
        break;
      }
      case TAG.PACKET: {
        need(10, 'PACKET');
        const peer = decodeUint32(bytes, ofs);
        const mode = bytes[ofs + 4]! as TransferMode;
        const channel = bytes[ofs + 5]!;
        const length = decodeUint32(bytes, ofs + 6);
        ofs += 10;
        if (mode > 2)
          throw new MultiplayerError(ErrorCode.ERR_FILE_CORRUPT, `Recording has a packet with transfer mode ${mode} at byte ${ofs - 6}.`);
        need(length, 'PACKET');
        frame.inputs.push({ type: 'packet', peer, mode, channel, data: bytes.slice(ofs, ofs + length) });
        ofs += length;
        break;
      }
      case TAG.SENT: {
        need(12, 'SENT');
        const count = decodeUint32(bytes, ofs);
        const digest = Array.from(bytes.subarray(ofs + 4, ofs + 12), (b) => b.toString(16).padStart(2, '0')).join('');
        ofs += 12;
        frame.sent = { count, digest };
        break;
      }
      default:
        throw new MultiplayerError(ErrorCode.ERR_FILE_CORRUPT, `Unknown record tag ${tag} at byte ${ofs - 1} of the recording.`);
    }
  }
  return { serverId, maxPacketSize, relaySupported: (flags & FLAG_RELAY) !== 0, verified: (flags & FLAG_SENT) !== 0, frames };
}
