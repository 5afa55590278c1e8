import type { Duplex } from 'node:stream';
import {
  DETACH_STREAM,
  ErrorCode,
  MultiplayerError,
  StreamPeer,
  silentLogger,
  systemClock,
  type Clock,
  type DetachableStream,
  type DetachedStream,
  type Logger,
  type StreamReadResult,
  type StreamWriteResult,
} from '../../core/index.js';
import { ChunkQueue } from './chunk-queue.js';
import { DEFAULT_STREAM_BUFFER_SIZE } from './status.js';

/** Options shared by StreamPeerTCP and StreamPeerTLS; all optional. */
export interface SocketStreamOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Unread bytes at which reading from the socket pauses (back-pressure). Default 65536. */
  readonly inboundBufferSize?: number;
  /** Unsent bytes beyond which `putData` returns ERR_BUSY. Default 65536. */
  readonly outboundBufferSize?: number;
}

/** What a socket reported; queued by socket callbacks, applied by the subclass's `poll()`. */
export type SocketEvent =
  | { readonly kind: 'open' }
  | { readonly kind: 'end' }
  | { readonly kind: 'error'; readonly error: Error & { code?: string } }
  | { readonly kind: 'close' };

const EMPTY = new Uint8Array(0);
function noop(): void {}

/**
 * The I/O half of StreamPeerTCP and StreamPeerTLS over a Node stream socket. Socket callbacks only
 * queue (events, received chunks); the subclass's `poll()` calls `takeEvents()` and `moveIntoView()`,
 * so what `getAvailableBytes()` reports changes only in `poll()`. Reads never block: `getData(n)`
 * with fewer than `n` bytes available returns ERR_BUSY and consumes nothing.
 */
export abstract class SocketStreamPeer extends StreamPeer implements DetachableStream {
  protected readonly clock: Clock;
  protected socket: Duplex | null = null;
  readonly #inboundLimit: number;
  readonly #outboundLimit: number;
  #events: SocketEvent[] = [];
  #pending = new ChunkQueue();
  #visible = new ChunkQueue();
  #reading = false;
  #paused = false;
  #logged = false;
  readonly #onData = (chunk: Uint8Array): void => this.#received(chunk);
  readonly #onEnd = (): void => this.queue({ kind: 'end' });
  readonly #onError = (error: Error): void => this.queue({ kind: 'error', error });
  readonly #onClose = (): void => this.queue({ kind: 'close' });

  constructor(options: SocketStreamOptions = {}) {
    super(options.logger ?? silentLogger);
    this.clock = options.clock ?? systemClock;
    this.#inboundLimit = positive(options.inboundBufferSize, DEFAULT_STREAM_BUFFER_SIZE);
    this.#outboundLimit = positive(options.outboundBufferSize, DEFAULT_STREAM_BUFFER_SIZE);
  }

  /** Whether reads and writes are allowed (the subclass's CONNECTED status). */
  protected abstract isOpen(): boolean;
  /** Whether the stream may be handed over now. */
  protected abstract canHandOver(): boolean;
  /** Called once the socket was handed over or released. */
  protected abstract afterRelease(): void;

  /** Godot: get_available_bytes. Bytes received and moved into view by `poll()`. */
  getAvailableBytes(): number {
    return this.#visible.bytes;
  }

  /** Godot: put_data. Queues all of `data`; ERR_BUSY while the outbound buffer is full. */
  putData(data: Uint8Array): ErrorCode {
    const socket = this.socket;
    if (socket === null || !this.isOpen()) return ErrorCode.FAILED;
    if (data.length === 0) return ErrorCode.OK;
    // Divergence from Godot: put_data blocks until the kernel took everything; we never block, and
    // refuse (ERR_BUSY, nothing queued) while more than outboundBufferSize bytes wait unsent.
    if (socket.writableLength >= this.#outboundLimit) return ErrorCode.ERR_BUSY;
    socket.write(Buffer.from(data));
    return ErrorCode.OK;
  }

  /** Godot: put_partial_data. Queues what fits in the outbound buffer; `[OK, sent]`. */
  putPartialData(data: Uint8Array): StreamWriteResult {
    const socket = this.socket;
    if (socket === null || !this.isOpen()) return [ErrorCode.FAILED, 0];
    const sent = Math.max(0, Math.min(data.length, this.#outboundLimit - socket.writableLength));
    if (sent > 0) socket.write(Buffer.from(data.subarray(0, sent)));
    return [ErrorCode.OK, sent];
  }

  /**
   * Godot: get_data. Exactly `bytes` bytes, or `[ERR_BUSY, empty]` (nothing consumed) while fewer are
   * available. Divergence from Godot: get_data blocks until they arrive.
   */
  getData(bytes: number): StreamReadResult {
    if (!this.isOpen()) return [ErrorCode.FAILED, EMPTY];
    if (!Number.isInteger(bytes) || bytes < 0 || bytes > this.#inboundLimit) return [ErrorCode.ERR_INVALID_PARAMETER, EMPTY];
    if (bytes > this.#visible.bytes) return [ErrorCode.ERR_BUSY, EMPTY];
    return [ErrorCode.OK, this.#read(bytes)];
  }

  /** Godot: get_partial_data. Up to `bytes` bytes; `[OK, empty]` when none are available. */
  getPartialData(bytes: number): StreamReadResult {
    if (!this.isOpen()) return [ErrorCode.FAILED, EMPTY];
    if (!Number.isInteger(bytes) || bytes < 0) return [ErrorCode.ERR_INVALID_PARAMETER, EMPTY];
    return [ErrorCode.OK, this.#read(bytes)];
  }

  protected peekData(bytes: number): Uint8Array | null {
    return this.isOpen() ? this.#visible.peek(bytes) : null;
  }

  /**
   * Hands the socket (and the bytes received but not read) to a new owner, e.g. a WebSocketPeer;
   * this StreamPeer stops reading and writing.
   */
  [DETACH_STREAM](): DetachedStream | ErrorCode {
    const socket = this.socket;
    if (socket === null || !this.canHandOver()) return ErrorCode.ERR_INVALID_PARAMETER;
    socket.pause(); // first: a flowing socket with no 'data' listener would drop what it reads
    this.#unlisten(socket);
    socket.on('error', noop); // until the new owner listens, an error must not go unhandled
    const head = this.#visible.read(this.#visible.bytes);
    const rest = this.#pending.read(this.#pending.bytes);
    this.socket = null;
    this.#reset();
    this.afterRelease();
    return { socket, head: concat(head, rest) };
  }

  /** Starts watching `socket` (data is read from the first `moveIntoView()` on). */
  protected attach(socket: Duplex): void {
    this.#reset();
    this.socket = socket;
    socket.on('end', this.#onEnd);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
  }

  protected queue(event: SocketEvent): void {
    this.#events.push(event);
  }

  /** The events queued since the last call. */
  protected takeEvents(): SocketEvent[] {
    const events = this.#events;
    this.#events = [];
    return events;
  }

  /** Makes everything received so far readable, and starts reading on the first call. */
  protected moveIntoView(): void {
    const socket = this.socket;
    if (socket !== null && !this.#reading) {
      this.#reading = true;
      socket.on('data', this.#onData);
      socket.resume();
    }
    this.#visible.takeAll(this.#pending);
  }

  /** Closes the socket: queued writes still leave, then it is destroyed. */
  protected release(): void {
    const socket = this.socket;
    this.socket = null;
    this.#reset();
    if (socket !== null) {
      this.#unlisten(socket);
      socket.on('error', noop); // a late error must not become an unhandled 'error' event
      if (socket.writableLength > 0) {
        socket.end(() => socket.destroy());
        (socket as Duplex & { unref?: () => void }).unref?.();
      } else {
        socket.destroy();
      }
    }
    this.afterRelease();
  }

  /** Logs the first failure of this connection once. */
  protected logOnce(message: string): void {
    if (this.#logged) return;
    this.#logged = true;
    this.log.warn(message);
  }

  #received(chunk: Uint8Array): void {
    this.#pending.push(chunk);
    if (!this.#paused && this.#pending.bytes + this.#visible.bytes >= this.#inboundLimit) {
      this.#paused = true;
      this.socket?.pause();
    }
  }

  #read(bytes: number): Uint8Array {
    const data = this.#visible.read(bytes);
    if (this.#paused && this.#pending.bytes + this.#visible.bytes < this.#inboundLimit) {
      this.#paused = false;
      this.socket?.resume();
    }
    return data;
  }

  #unlisten(socket: Duplex): void {
    socket.removeListener('data', this.#onData);
    socket.removeListener('end', this.#onEnd);
    socket.removeListener('error', this.#onError);
    socket.removeListener('close', this.#onClose);
  }

  #reset(): void {
    this.#events = [];
    this.#pending.clear();
    this.#visible.clear();
    this.#reading = false;
    this.#paused = false;
    this.#logged = false;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function positive(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, `A buffer size must be a positive integer, got ${value}.`);
  return value;
}
