import { ErrorCode, TransferMode, decodeUint32, encodeUint32 } from '../../core/index.js';
import { Frame, controlFrame } from './session-protocol.js';

/** Timing and bounds shared by both ends of a session. */
export interface SessionOptions {
  /** How long a dropped session may be resumed, ms. Default 10 000. */
  readonly graceMs?: number;
  /** Send a PING when nothing was sent for this long, ms. Default 500. */
  readonly heartbeatMs?: number;
  /** A connection from which nothing arrived for this long is considered dead, ms. Default 3 000. */
  readonly timeoutMs?: number;
  /** Send an ACK at most this often, ms. Default 100. */
  readonly ackIntervalMs?: number;
  /** Reliable packets kept until acknowledged (and during a gap); past it the session ends. Default 4 096. */
  readonly maxBufferedPackets?: number;
  /** Bytes of such packets; past it the session ends. Default 4 MiB. */
  readonly maxBufferedBytes?: number;
}

export interface ResolvedSessionOptions {
  readonly graceMs: number;
  readonly heartbeatMs: number;
  readonly timeoutMs: number;
  readonly ackIntervalMs: number;
  readonly maxBufferedPackets: number;
  readonly maxBufferedBytes: number;
}

export function resolveSessionOptions(o: SessionOptions): ResolvedSessionOptions {
  return {
    graceMs: o.graceMs ?? 10_000,
    heartbeatMs: o.heartbeatMs ?? 500,
    timeoutMs: o.timeoutMs ?? 3_000,
    ackIntervalMs: o.ackIntervalMs ?? 100,
    maxBufferedPackets: o.maxBufferedPackets ?? 4096,
    maxBufferedBytes: o.maxBufferedBytes ?? 4 << 20,
  };
}

interface Unacked {
  readonly seq: number;
  readonly frame: Uint8Array;
  readonly channel: number;
}

interface Early {
  readonly payload: Uint8Array;
  readonly channel: number;
}

/** What a received frame meant. */
export const Received = { OK: 0, BYE: 1, ERROR: 2 } as const;
export type Received = (typeof Received)[keyof typeof Received];

/**
 * One end of a session's reliable stream: numbers reliable packets, keeps them until the other end
 * acknowledges them (so a new connection can resend what the old one lost), and delivers received
 * ones once and in order. Transport-independent; both SessionServerPeer and SessionClientPeer use it.
 */
export class SessionLink {
  readonly #o: ResolvedSessionOptions;
  #sendSeq = 0;
  #recvSeq = 0;
  #ackedRecv = 0;
  #unacked: Unacked[] = [];
  #unackedBytes = 0;
  readonly #early = new Map<number, Early>();
  lastHeardMs: number;
  lastSentMs: number;
  #lastAckMs: number;

  constructor(options: ResolvedSessionOptions, nowMs: number) {
    this.#o = options;
    this.lastHeardMs = nowMs;
    this.lastSentMs = nowMs;
    this.#lastAckMs = nowMs;
  }

  /** Sequence number of the last reliable packet delivered here. */
  get received(): number {
    return this.#recvSeq;
  }

  /** Reliable packets not acknowledged yet. */
  get buffered(): number {
    return this.#unacked.length;
  }

  /** Frames a reliable payload and keeps it; null when the buffer would overflow. */
  reliable(payload: Uint8Array, channel: number): Uint8Array | null {
    if (this.#unacked.length >= this.#o.maxBufferedPackets || this.#unackedBytes + payload.length > this.#o.maxBufferedBytes) return null;
    const seq = ++this.#sendSeq;
    const frame = new Uint8Array(payload.length + 5);
    frame[0] = Frame.RELIABLE;
    encodeUint32(seq >>> 0, frame, 1);
    frame.set(payload, 5);
    this.#unacked.push({ seq, frame, channel });
    this.#unackedBytes += payload.length;
    return frame;
  }

  /** Forgets what the other end acknowledged (cumulative). */
  acknowledge(seq: number): void {
    let n = 0;
    while (n < this.#unacked.length && this.#unacked[n]!.seq <= seq) {
      this.#unackedBytes -= this.#unacked[n]!.frame.length - 5;
      n++;
    }
    if (n > 0) this.#unacked = this.#unacked.slice(n);
  }

  /** After a resume: what the other end has not received, to send again in order. */
  resend(lastReceivedByPeer: number): readonly Unacked[] {
    this.acknowledge(lastReceivedByPeer);
    return this.#unacked;
  }

  /** Handles one received frame; payloads go to `deliver` once and in order. */
  receive(
    frame: Uint8Array,
    mode: TransferMode,
    channel: number,
    nowMs: number,
    deliver: (payload: Uint8Array, mode: TransferMode, channel: number) => void,
  ): Received {
    this.lastHeardMs = nowMs;
    if (frame.length === 0) return Received.ERROR;
    switch (frame[0]) {
      case Frame.RELIABLE: {
        if (frame.length < 5) return Received.ERROR;
        const seq = decodeUint32(frame, 1);
        if (seq <= this.#recvSeq) return Received.OK; // a copy resent after a resume
        const payload = frame.subarray(5);
        if (seq !== this.#recvSeq + 1) {
          // Reliable packets of different channels may overtake each other on some transports.
          if (this.#early.size >= this.#o.maxBufferedPackets) return Received.ERROR;
          this.#early.set(seq, { payload, channel });
          return Received.OK;
        }
        this.#recvSeq = seq;
        deliver(payload, TransferMode.RELIABLE, channel);
        for (let next = this.#early.get(this.#recvSeq + 1); next !== undefined; next = this.#early.get(this.#recvSeq + 1)) {
          this.#early.delete(++this.#recvSeq);
          deliver(next.payload, TransferMode.RELIABLE, next.channel);
        }
        return Received.OK;
      }
      case Frame.UNRELIABLE:
        deliver(frame.subarray(1), mode, channel);
        return Received.OK;
      case Frame.ACK:
        if (frame.length !== 5) return Received.ERROR;
        this.acknowledge(decodeUint32(frame, 1));
        return Received.OK;
      case Frame.PING:
        return Received.OK;
      case Frame.BYE:
        return Received.BYE;
      default:
        return Received.ERROR;
    }
  }

  /** The control frame due now (an ACK, else a PING when idle), or null. */
  due(nowMs: number): Uint8Array | null {
    if (this.#recvSeq !== this.#ackedRecv && nowMs - this.#lastAckMs >= this.#o.ackIntervalMs) {
      this.#ackedRecv = this.#recvSeq;
      this.#lastAckMs = nowMs;
      return controlFrame(Frame.ACK, this.#recvSeq);
    }
    if (nowMs - this.lastSentMs >= this.#o.heartbeatMs) return controlFrame(Frame.PING);
    return null;
  }

  /** True when nothing arrived for longer than the timeout. */
  silent(nowMs: number): boolean {
    return nowMs - this.lastHeardMs > this.#o.timeoutMs;
  }
}
