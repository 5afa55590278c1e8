import { ErrorCode } from './error-code.js';
import { silentLogger, type Logger } from './logger.js';
import { floatToHalfBits as floatToHalf, halfBitsToFloat as halfToFloat } from './variant/marshalls.js';
import { decodeVariant } from './variant/variant-decoder.js';
import { encodeVariant } from './variant/variant-encoder.js';
import type { Variant } from './variant/variant.js';

/** `getData` / `getPartialData` result: Godot's `[error, PackedByteArray]` array. */
export type StreamReadResult = [error: ErrorCode, data: Uint8Array];
/** `putPartialData` result: Godot's `[error, sent]` array. */
export type StreamWriteResult = [error: ErrorCode, sent: number];

/**
 * A platform stream handed over by the StreamPeer that owned it (`detachStream`). In Node `socket` is
 * a `net.Socket` or `tls.TLSSocket`; core never looks inside. `head` holds bytes the StreamPeer had
 * received but nobody read: the new owner must read them first.
 */
export interface DetachedStream {
  readonly socket: unknown;
  readonly head: Uint8Array;
}

/**
 * The key of the hand-over method (a symbol, so it stays out of the Godot-shaped API). A StreamPeer
 * that wraps an OS stream implements `[DETACH_STREAM]()`; WebSocketPeer.acceptStream and
 * HTTPClient.connection use it to take the stream over without importing the plugin that made it.
 */
export const DETACH_STREAM = Symbol.for('scenenet:StreamPeer.detachStream');

/** Something that can hand over its platform stream, or say why not. */
export interface DetachableStream {
  [DETACH_STREAM](): DetachedStream | ErrorCode;
}

/**
 * Takes the platform stream out of `stream` (a StreamPeerTCP/StreamPeerTLS, say). Returns
 * ERR_INVALID_PARAMETER for anything that cannot hand one over, or the stream's own error (not
 * connected: ERR_INVALID_PARAMETER). Afterwards the StreamPeer no longer reads or writes.
 */
export function detachStream(stream: unknown): DetachedStream | ErrorCode {
  if (typeof stream !== 'object' || stream === null || typeof (stream as Partial<DetachableStream>)[DETACH_STREAM] !== 'function') {
    return ErrorCode.ERR_INVALID_PARAMETER;
  }
  return (stream as DetachableStream)[DETACH_STREAM]();
}

/** The i64 read back as a number when it is a safe integer, else a bigint (the Variant codec's rule). */
function int64(view: DataView, signed: boolean, littleEndian: boolean): number | bigint {
  const big = signed ? view.getBigInt64(0, littleEndian) : view.getBigUint64(0, littleEndian);
  const n = Number(big);
  return Number.isSafeInteger(n) ? n : big;
}

function toBigInt(value: number | bigint): bigint {
  return typeof value === 'bigint' ? value : BigInt(Math.trunc(value));
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Godot: StreamPeer (core/io/stream_peer.h): a byte stream with typed helpers. Subclasses implement
 * the five primitives; the typed `put*`/`get*` methods, `putVar`/`getVar` (Godot's Variant encoding,
 * a 32-bit length first) and the `bigEndian` flag live here.
 *
 * Divergence from Godot: the typed getters never block and never consume part of a value: with too
 * few bytes available they log, consume nothing and return 0 ('' or null). Godot blocks on a socket
 * and reads garbage past the end of a StreamPeerBuffer. The `put*` helpers return `putData`'s code
 * (Godot's return nothing).
 */
export abstract class StreamPeer {
  #bigEndian = false;
  #scratch = new DataView(new ArrayBuffer(8));
  protected readonly log: Logger;

  constructor(logger: Logger = silentLogger) {
    this.log = logger;
  }

  /** Godot: get_available_bytes. Bytes that can be read now. */
  abstract getAvailableBytes(): number;
  /** Godot: put_data. Sends all of `data`, or fails. */
  abstract putData(data: Uint8Array): ErrorCode;
  /** Godot: put_partial_data. Sends what fits now; `[error, sent]`. */
  abstract putPartialData(data: Uint8Array): StreamWriteResult;
  /** Godot: get_data. Reads exactly `bytes` bytes; `[error, data]`. */
  abstract getData(bytes: number): StreamReadResult;
  /** Godot: get_partial_data. Reads up to `bytes` bytes; `[error, data]`. */
  abstract getPartialData(bytes: number): StreamReadResult;
  /** The next `bytes` bytes without consuming them, or null when fewer are available. */
  protected abstract peekData(bytes: number): Uint8Array | null;

  /** Godot property `big_endian`: typed values (and the length prefixes) are big-endian when set. */
  get bigEndian(): boolean {
    return this.#bigEndian;
  }
  set bigEndian(enabled: boolean) {
    this.#bigEndian = enabled === true;
  }

  /** Godot: put_8. */
  put8(value: number): ErrorCode {
    this.#scratch.setInt8(0, value);
    return this.#putScratch(1);
  }
  /** Godot: put_u8. */
  putU8(value: number): ErrorCode {
    this.#scratch.setUint8(0, value);
    return this.#putScratch(1);
  }
  /** Godot: put_16. */
  put16(value: number): ErrorCode {
    this.#scratch.setInt16(0, value, !this.#bigEndian);
    return this.#putScratch(2);
  }
  /** Godot: put_u16. */
  putU16(value: number): ErrorCode {
    this.#scratch.setUint16(0, value, !this.#bigEndian);
    return this.#putScratch(2);
  }
  /** Godot: put_32. */
  put32(value: number): ErrorCode {
    this.#scratch.setInt32(0, value, !this.#bigEndian);
    return this.#putScratch(4);
  }
  /** Godot: put_u32. */
  putU32(value: number): ErrorCode {
    this.#scratch.setUint32(0, value, !this.#bigEndian);
    return this.#putScratch(4);
  }
  /** Godot: put_64. A number beyond 2^53 loses precision: pass a bigint. */
  put64(value: number | bigint): ErrorCode {
    this.#scratch.setBigInt64(0, BigInt.asIntN(64, toBigInt(value)), !this.#bigEndian);
    return this.#putScratch(8);
  }
  /** Godot: put_u64. */
  putU64(value: number | bigint): ErrorCode {
    this.#scratch.setBigUint64(0, BigInt.asUintN(64, toBigInt(value)), !this.#bigEndian);
    return this.#putScratch(8);
  }
  /** Godot: put_half (IEEE half precision, truncated as Godot does). */
  putHalf(value: number): ErrorCode {
    this.#scratch.setUint16(0, floatToHalf(value), !this.#bigEndian);
    return this.#putScratch(2);
  }
  /** Godot: put_float (single precision). */
  putFloat(value: number): ErrorCode {
    this.#scratch.setFloat32(0, value, !this.#bigEndian);
    return this.#putScratch(4);
  }
  /** Godot: put_double. */
  putDouble(value: number): ErrorCode {
    this.#scratch.setFloat64(0, value, !this.#bigEndian);
    return this.#putScratch(8);
  }

  /**
   * Godot: put_string. A u32 character count, then one byte per character; characters beyond ASCII
   * become a space, as Godot's `String::ascii()` writes them.
   */
  putString(value: string): ErrorCode {
    const chars = [...value];
    const bytes = new Uint8Array(chars.length);
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!.codePointAt(0)!;
      bytes[i] = c <= 0x7f ? c : 0x20;
    }
    return this.#putFramed(bytes);
  }

  /** Godot: put_utf8_string. A u32 byte count, then the UTF-8 bytes. */
  putUtf8String(value: string): ErrorCode {
    return this.#putFramed(utf8Encoder.encode(value));
  }

  /**
   * Godot: put_var. A 32-bit length, then the value in Godot's Variant encoding (`full_objects` sends
   * EncodedObjects in full). An unencodable value returns the codec's error and sends nothing.
   */
  putVar(value: Variant, fullObjects = false): ErrorCode {
    const bytes = encodeVariant(value, { fullObjects });
    if (typeof bytes === 'number') {
      this.log.error('StreamPeer.putVar: the value cannot be encoded.');
      return bytes;
    }
    const framed = new Uint8Array(4 + bytes.length);
    new DataView(framed.buffer).setInt32(0, bytes.length, !this.#bigEndian);
    framed.set(bytes, 4);
    return this.putData(framed);
  }

  /** Godot: get_8. */
  get8(): number {
    return this.#take(1) ? this.#scratch.getInt8(0) : 0;
  }
  /** Godot: get_u8. */
  getU8(): number {
    return this.#take(1) ? this.#scratch.getUint8(0) : 0;
  }
  /** Godot: get_16. */
  get16(): number {
    return this.#take(2) ? this.#scratch.getInt16(0, !this.#bigEndian) : 0;
  }
  /** Godot: get_u16. */
  getU16(): number {
    return this.#take(2) ? this.#scratch.getUint16(0, !this.#bigEndian) : 0;
  }
  /** Godot: get_32. */
  get32(): number {
    return this.#take(4) ? this.#scratch.getInt32(0, !this.#bigEndian) : 0;
  }
  /** Godot: get_u32. */
  getU32(): number {
    return this.#take(4) ? this.#scratch.getUint32(0, !this.#bigEndian) : 0;
  }
  /** Godot: get_64. A number when it is a safe integer, else a bigint. */
  get64(): number | bigint {
    return this.#take(8) ? int64(this.#scratch, true, !this.#bigEndian) : 0;
  }
  /** Godot: get_u64. A number when it is a safe integer, else a bigint. */
  getU64(): number | bigint {
    return this.#take(8) ? int64(this.#scratch, false, !this.#bigEndian) : 0;
  }
  /** Godot: get_half. */
  getHalf(): number {
    return this.#take(2) ? halfToFloat(this.#scratch.getUint16(0, !this.#bigEndian)) : 0;
  }
  /** Godot: get_float. */
  getFloat(): number {
    return this.#take(4) ? this.#scratch.getFloat32(0, !this.#bigEndian) : 0;
  }
  /** Godot: get_double. */
  getDouble(): number {
    return this.#take(8) ? this.#scratch.getFloat64(0, !this.#bigEndian) : 0;
  }

  /**
   * Godot: get_string. Reads `bytes` bytes (or, when negative, a 32-bit length first) as Latin-1,
   * stopping at the first NUL as Godot's `String(const char *)` does.
   */
  getString(bytes = -1): string {
    const data = this.#framed(bytes, 'getString');
    if (data === null) return '';
    const nul = data.indexOf(0);
    let s = '';
    for (let i = 0, n = nul === -1 ? data.length : nul; i < n; i++) s += String.fromCharCode(data[i]!);
    return s;
  }

  /** Godot: get_utf8_string. Reads `bytes` bytes (or a 32-bit length first) as UTF-8; '' if malformed. */
  getUtf8String(bytes = -1): string {
    const data = this.#framed(bytes, 'getUtf8String');
    if (data === null) return '';
    try {
      return utf8Decoder.decode(data);
    } catch {
      this.log.error('StreamPeer.getUtf8String: invalid UTF-8.');
      return '';
    }
  }

  /**
   * Godot: get_var. Reads a 32-bit length and a Variant; null (logged) when the frame is incomplete,
   * or the bytes are not a valid Variant (full objects only with `allowObjects`).
   */
  getVar(allowObjects = false): Variant {
    const data = this.#framed(-1, 'getVar');
    if (data === null) return null;
    const result = decodeVariant(data, 0, { allowObjects });
    if (result.error !== ErrorCode.OK) {
      this.log.error('StreamPeer.getVar: Error when trying to decode Variant.');
      return null;
    }
    return result.value;
  }

  #putScratch(n: number): ErrorCode {
    return this.putData(new Uint8Array(this.#scratch.buffer.slice(0, n)));
  }

  #putFramed(bytes: Uint8Array): ErrorCode {
    const framed = new Uint8Array(4 + bytes.length);
    new DataView(framed.buffer).setUint32(0, bytes.length, !this.#bigEndian);
    framed.set(bytes, 4);
    return this.putData(framed);
  }

  /** Reads `n` bytes into the scratch view, all or nothing. */
  #take(n: number): boolean {
    if (this.peekData(n) === null) {
      this.log.error(`StreamPeer: ${n} bytes wanted, ${this.getAvailableBytes()} available.`);
      return false;
    }
    const [err, data] = this.getData(n);
    if (err !== ErrorCode.OK || data.length !== n) return false;
    new Uint8Array(this.#scratch.buffer).set(data);
    return true;
  }

  /** A length-prefixed (or `bytes`-long) payload, consumed only when it is all there. */
  #framed(bytes: number, what: string): Uint8Array | null {
    let length = bytes;
    let skip = 0;
    if (length < 0) {
      const prefix = this.peekData(4);
      if (prefix === null) {
        this.log.error(`StreamPeer.${what}: no length available.`);
        return null;
      }
      length = new DataView(prefix.buffer, prefix.byteOffset, 4).getInt32(0, !this.#bigEndian);
      skip = 4;
      if (length < 0) {
        this.log.error(`StreamPeer.${what}: negative length ${length}.`);
        return null;
      }
    }
    if (this.peekData(skip + length) === null) {
      this.log.error(`StreamPeer.${what}: ${skip + length} bytes wanted, ${this.getAvailableBytes()} available.`);
      return null;
    }
    if (skip > 0) this.getData(skip);
    const [err, data] = this.getData(length);
    return err === ErrorCode.OK ? data : null;
  }
}
