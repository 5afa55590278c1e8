import { ErrorCode } from './error-code.js';
import { MultiplayerError } from './errors.js';
import type { Logger } from './logger.js';
import { StreamPeer, type StreamReadResult, type StreamWriteResult } from './stream-peer.js';

const EMPTY = new Uint8Array(0);

/**
 * Godot: StreamPeerBuffer (core/io/stream_peer.h): a StreamPeer over an in-memory byte array with a
 * cursor. Writes at the cursor grow the array; reads move the cursor. No I/O, so it works anywhere,
 * e.g. to build or parse a packet with the typed helpers.
 */
export class StreamPeerBuffer extends StreamPeer {
  /** Storage; `#size` bytes of it are the data (capacity doubles as the data grows). */
  #buf: Uint8Array = EMPTY;
  #size = 0;
  #pointer = 0;

  constructor(options: { readonly logger?: Logger } = {}) {
    super(options.logger);
  }

  /** Godot property `data_array`. Setting it replaces the data (copied) and seeks to 0. */
  get dataArray(): Uint8Array {
    return this.#buf.slice(0, this.#size);
  }
  set dataArray(data: Uint8Array) {
    this.#buf = data.slice();
    this.#size = data.length;
    this.#pointer = 0;
  }

  /** Godot: get_available_bytes. */
  getAvailableBytes(): number {
    return this.#size - this.#pointer;
  }

  /** Godot: put_data. Writes at the cursor, growing the array. */
  putData(data: Uint8Array): ErrorCode {
    if (data.length === 0) return ErrorCode.OK;
    const end = this.#pointer + data.length;
    if (end > this.#size) this.resize(end);
    this.#buf.set(data, this.#pointer);
    this.#pointer = end;
    return ErrorCode.OK;
  }

  /** Godot: put_partial_data. Always writes everything. */
  putPartialData(data: Uint8Array): StreamWriteResult {
    return [this.putData(data), data.length];
  }

  /** Godot: get_data. Short of data it returns what there was, with ERR_INVALID_PARAMETER. */
  getData(bytes: number): StreamReadResult {
    if (!validCount(bytes)) return [ErrorCode.ERR_INVALID_PARAMETER, EMPTY];
    const [, data] = this.getPartialData(bytes);
    return [data.length === bytes ? ErrorCode.OK : ErrorCode.ERR_INVALID_PARAMETER, data];
  }

  /** Godot: get_partial_data. Up to `bytes` bytes from the cursor. */
  getPartialData(bytes: number): StreamReadResult {
    if (!validCount(bytes)) return [ErrorCode.ERR_INVALID_PARAMETER, EMPTY];
    const n = Math.max(0, Math.min(bytes, this.#size - this.#pointer));
    const data = this.#buf.slice(this.#pointer, this.#pointer + n);
    this.#pointer += n;
    return [ErrorCode.OK, data];
  }

  protected peekData(bytes: number): Uint8Array | null {
    if (bytes > this.#size - this.#pointer) return null;
    return this.#buf.subarray(this.#pointer, this.#pointer + bytes);
  }

  /** Godot: seek. Throws ERR_INVALID_PARAMETER outside `[0, getSize()]`. */
  seek(position: number): void {
    if (!Number.isInteger(position) || position < 0 || position > this.#size) {
      throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, `Cannot seek to ${position}: the size is ${this.#size}.`);
    }
    this.#pointer = position;
  }

  /** Godot: get_size. */
  getSize(): number {
    return this.#size;
  }

  /** Godot: get_position. */
  getPosition(): number {
    return this.#pointer;
  }

  /** Godot: resize. New bytes are zero; the cursor stays (clamped to the new size). */
  resize(size: number): void {
    if (!Number.isInteger(size) || size < 0) throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, `Invalid size ${size}.`);
    if (size > this.#buf.length) {
      const next = new Uint8Array(Math.max(size, this.#buf.length * 2, 16));
      next.set(this.#buf.subarray(0, this.#size));
      this.#buf = next;
    } else if (size < this.#size) {
      this.#buf.fill(0, size, this.#size);
    }
    this.#size = size;
    if (this.#pointer > size) this.#pointer = size;
  }

  /** Godot: clear. Empties the array and seeks to 0. */
  clear(): void {
    this.#buf = EMPTY;
    this.#size = 0;
    this.#pointer = 0;
  }

  /** Godot: duplicate. A new buffer with a copy of the data, its cursor at 0. */
  duplicate(): StreamPeerBuffer {
    const copy = new StreamPeerBuffer();
    copy.dataArray = this.#buf.subarray(0, this.#size);
    return copy;
  }
}

function validCount(bytes: number): boolean {
  return Number.isInteger(bytes) && bytes >= 0;
}
