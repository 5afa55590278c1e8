/**
 * The multiplayer "compressed" Variant wrapper (Godot: MultiplayerAPI::encode_and_compress_variant and
 * friends, scene/main/multiplayer_api.cpp). RPC arguments, spawn arguments and sync/delta state travel
 * in this form: BOOL in one byte, INT in the smallest of i8/i16/i32/i64 behind a meta byte, every other
 * type as the plain Variant encoding (whose first byte already is the type id). Only the top level is
 * compressed; values inside containers use the plain encoding.
 */
import { ErrorCode } from '../error-code.js';
import { MultiplayerError } from '../errors.js';
import { copyBytes, type ByteWriter } from './byte-writer.js';
import { VariantReader, failed, finish, readVariant } from './variant-decoder.js';
import type { DecodeOptions, VariantDecodeResult } from './variant-decoder.js';
import { acquireScratch, errorCode, releaseScratch, writeVariant } from './variant-encoder.js';
import type { EncodeOptions } from './variant-encoder.js';
import { VARIANT_MAX, VariantType } from './variant-type.js';
import { isInt64, isIntNumber } from './variant.js';
import type { Variant } from './variant.js';

const MODE_8 = 0x00;
const MODE_16 = 0x40;
const MODE_32 = 0x80;
const MODE_64 = 0xc0;
const BOOL_TRUE = 0x80;

/** Options of `encodeAndCompressVariants`. */
export interface CompressOptions extends EncodeOptions {
  /**
   * Apply the RPC raw-bytes shortcut (Godot's `r_raw`): zero values write nothing, and one lone
   * `Uint8Array` is copied verbatim (no header, length or padding). Check `isRawArguments(values)` to
   * set the RPC meta byte's raw/no-args flag. Replication never uses it.
   */
  readonly raw?: boolean;
}

/** Options of `decodeAndDecompressVariants`. */
export interface DecompressOptions extends DecodeOptions {
  /** The packet's raw/no-args flag was set: the bytes are zero values, or one PackedByteArray. */
  readonly raw?: boolean;
}

/**
 * Outcome of `decodeAndDecompressVariants`. `values` always has `count` entries; on error the ones
 * not decoded are `null` (Godot's RPC receiver still calls the method with them, docs/wire/multiplayer.md §9).
 */
export interface VariantsDecodeResult {
  readonly error: ErrorCode;
  readonly values: Variant[];
  /** Bytes consumed (0 on error). */
  readonly length: number;
}

/**
 * True when an RPC with these arguments uses the raw/no-args form: no arguments, or exactly one
 * `Uint8Array` (PackedByteArray). Godot: the `r_raw` result of encode_and_compress_variants.
 */
export function isRawArguments(values: readonly unknown[]): boolean {
  return values.length === 0 || (values.length === 1 && values[0] instanceof Uint8Array);
}

/**
 * Appends one compressed value to `w`. Low level: throws `MultiplayerError` where the `encodeAndCompress*`
 * functions return its code. Godot: MultiplayerAPI::encode_and_compress_variant.
 */
export function writeCompressedVariant(w: ByteWriter, value: Variant, fullObjects = false): void {
  if (typeof value === 'boolean') return w.u8(VariantType.BOOL | (value ? BOOL_TRUE : 0));
  if (typeof value === 'number' && isIntNumber(value)) return writeCompressedInt(w, value);
  if (typeof value === 'bigint') {
    if (!isInt64(value)) throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, 'Cannot encode a bigint outside int64 as a Variant.');
    return writeCompressedInt(w, value >= -0x8000_0000n && value <= 0x7fff_ffffn ? Number(value) : value);
  }
  // Every other type: the plain encoding. Its byte 0 is the type id already, so Godot's overwrite of
  // byte 0 changes nothing (our null objects are NIL, which avoids Godot's `18 00 00 00` null-Object bug).
  writeVariant(w, value, fullObjects, 0);
}

function writeCompressedInt(w: ByteWriter, v: number | bigint): void {
  if (typeof v === 'bigint') {
    w.u8(VariantType.INT | MODE_64);
    return w.i64(v);
  }
  if (v >= -0x80 && v <= 0x7f) {
    w.u8(VariantType.INT | MODE_8);
    return w.u8(v & 0xff);
  }
  if (v >= -0x8000 && v <= 0x7fff) {
    w.u8(VariantType.INT | MODE_16);
    return w.u16(v & 0xffff);
  }
  if (v >= -0x8000_0000 && v <= 0x7fff_ffff) {
    w.u8(VariantType.INT | MODE_32);
    return w.u32(v);
  }
  w.u8(VariantType.INT | MODE_64);
  w.i64(v);
}

/**
 * One value in compressed form, as a fresh byte array, or the error codes of `encodeVariant`. Never
 * throws. Godot: MultiplayerAPI::encode_and_compress_variant.
 */
export function encodeAndCompressVariant(value: Variant, options: EncodeOptions = {}): Uint8Array | ErrorCode {
  const w = acquireScratch();
  try {
    writeCompressedVariant(w, value, options.fullObjects === true);
    return w.toBytes();
  } catch (err) {
    return errorCode(err);
  } finally {
    releaseScratch(w);
  }
}

/**
 * Several values in compressed form, concatenated with no count or separators (the receiver knows how
 * many to read). With `out`, appends to it and returns a view of the appended bytes (valid until `out`
 * grows again); without, returns a fresh array. A value that is not a Variant gives
 * `ERR_INVALID_PARAMETER` (a cycle `ERR_OUT_OF_MEMORY`) and leaves `out` as it was. Never throws.
 * Godot: MultiplayerAPI::encode_and_compress_variants.
 */
export function encodeAndCompressVariants(
  values: readonly unknown[],
  options: CompressOptions = {},
  out?: ByteWriter,
): Uint8Array | ErrorCode {
  const w = out ?? acquireScratch();
  const start = w.length;
  try {
    if (options.raw === true && isRawArguments(values)) {
      if (values.length === 1) w.bytes(values[0] as Uint8Array);
    } else {
      const fullObjects = options.fullObjects === true;
      for (let i = 0; i < values.length; i++) writeCompressedVariant(w, values[i] as Variant, fullObjects);
    }
    return out === undefined ? w.toBytes() : w.view(start);
  } catch (err) {
    w.truncate(start);
    return errorCode(err);
  } finally {
    if (out === undefined) releaseScratch(w);
  }
}

/**
 * Decodes one compressed value at `bytes[offset]`: the same result shape and error codes as
 * `decodeVariant`. Never throws. Godot: MultiplayerAPI::decode_and_decompress_variant.
 */
export function decodeAndDecompressVariant(bytes: Uint8Array, offset = 0, options: DecodeOptions = {}): VariantDecodeResult {
  if (!Number.isInteger(offset) || offset < 0) return failed(ErrorCode.ERR_INVALID_PARAMETER);
  const r = new VariantReader(bytes, offset, options.allowObjects === true);
  return finish(r, readCompressed(r), offset);
}

function readCompressed(r: VariantReader): Variant {
  if (!r.need(1)) return null;
  const meta = r.bytes[r.pos]!;
  const type = meta & 0x3f;
  if (type >= VARIANT_MAX) return r.fail(ErrorCode.ERR_INVALID_DATA);
  if (type === VariantType.BOOL) {
    r.pos += 1;
    return (meta & BOOL_TRUE) !== 0;
  }
  if (type !== VariantType.INT) return readVariant(r, 0); // the meta byte is byte 0 of a full header
  r.pos += 1;
  switch (meta & 0xc0) {
    case MODE_8:
      return r.need(1) ? (r.bytes[r.pos++]! << 24) >> 24 : null;
    case MODE_16: {
      if (!r.need(2)) return null;
      const v = ((r.bytes[r.pos]! | (r.bytes[r.pos + 1]! << 8)) << 16) >> 16;
      r.pos += 2;
      return v;
    }
    case MODE_32:
      return r.need(4) ? r.i32() : null;
    default:
      return r.need(8) ? r.i64() : null;
  }
}

/**
 * Decodes `count` compressed values at `bytes[offset]` (to the end of `bytes`). With `raw`, the bytes
 * are the RPC raw form: `count` 0 reads nothing, `count` 1 takes all remaining bytes as one
 * `Uint8Array`, any other count is ERR_INVALID_DATA. `count` is at most 65535 (ERR_INVALID_PARAMETER
 * beyond). Never throws.
 * Godot: MultiplayerAPI::decode_and_decompress_variants.
 */
export function decodeAndDecompressVariants(
  bytes: Uint8Array,
  offset: number,
  count: number,
  options: DecompressOptions = {},
): VariantsDecodeResult {
  if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(count) || count < 0 || count > 0xffff) {
    return { error: ErrorCode.ERR_INVALID_PARAMETER, values: [], length: 0 };
  }
  if (options.raw === true) {
    const values = nulls([], count);
    if (count === 0) return { error: ErrorCode.OK, values, length: 0 };
    if (count !== 1) return { error: ErrorCode.ERR_INVALID_DATA, values, length: 0 };
    values[0] = copyBytes(bytes, offset); // a copy even for a Node Buffer
    return { error: ErrorCode.OK, values, length: Math.max(0, bytes.length - offset) };
  }
  // Filled by push (a packed array of the values' own kinds, not a holey one filled with null first).
  const values: Variant[] = [];
  const r = new VariantReader(bytes, offset, options.allowObjects === true);
  for (let i = 0; i < count; i++) {
    if (r.pos >= r.end) return { error: ErrorCode.ERR_INVALID_DATA, values: nulls(values, count), length: 0 }; // "Size too small."
    const v = readCompressed(r);
    if (r.error !== ErrorCode.OK) return { error: r.error, values: nulls(values, count), length: 0 };
    values.push(v);
  }
  return { error: ErrorCode.OK, values, length: r.pos - offset };
}

/** Pads `values` with nulls to `count` entries (the ones a failed decode did not reach). */
function nulls(values: Variant[], count: number): Variant[] {
  while (values.length < count) values.push(null);
  return values;
}
