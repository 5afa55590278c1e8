/**
 * Godot's little-endian scalar helpers (core/io/marshalls.h): `encode_uint16` … `decode_double`,
 * `encode_half`, `encode_cstring`. Each `encodeX(value, out, offset)` writes into `out` and returns
 * the number of bytes written; each `decodeX(bytes, offset)` reads. Callers check bounds.
 */
import { readUtf8, utf8Bytes } from './utf8.js';

const scratch = new DataView(new ArrayBuffer(8));

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Godot: encode_uint16. Returns 2. */
export function encodeUint16(value: number, out: Uint8Array, offset = 0): number {
  out[offset] = value & 0xff;
  out[offset + 1] = (value >>> 8) & 0xff;
  return 2;
}

/** Godot: encode_uint32. Returns 4. */
export function encodeUint32(value: number, out: Uint8Array, offset = 0): number {
  out[offset] = value & 0xff;
  out[offset + 1] = (value >>> 8) & 0xff;
  out[offset + 2] = (value >>> 16) & 0xff;
  out[offset + 3] = (value >>> 24) & 0xff;
  return 4;
}

/** Godot: encode_uint64 (two's complement for negative values). Returns 8. */
export function encodeUint64(value: bigint, out: Uint8Array, offset = 0): number {
  viewOf(out).setBigUint64(offset, BigInt.asUintN(64, value), true);
  return 8;
}

/** Godot: decode_uint16. */
export function decodeUint16(bytes: Uint8Array, offset = 0): number {
  return bytes[offset]! | (bytes[offset + 1]! << 8);
}

/** Godot: decode_uint32. */
export function decodeUint32(bytes: Uint8Array, offset = 0): number {
  return (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
}

/** Godot: decode_uint64. */
export function decodeUint64(bytes: Uint8Array, offset = 0): bigint {
  return viewOf(bytes).getBigUint64(offset, true);
}

/** Godot: encode_float (f32). Returns 4. */
export function encodeFloat(value: number, out: Uint8Array, offset = 0): number {
  viewOf(out).setFloat32(offset, value, true);
  return 4;
}

/** Godot: decode_float (f32). */
export function decodeFloat(bytes: Uint8Array, offset = 0): number {
  return viewOf(bytes).getFloat32(offset, true);
}

/** Godot: encode_double (f64). Returns 8. */
export function encodeDouble(value: number, out: Uint8Array, offset = 0): number {
  viewOf(out).setFloat64(offset, value, true);
  return 8;
}

/** Godot: decode_double (f64). */
export function decodeDouble(bytes: Uint8Array, offset = 0): number {
  return viewOf(bytes).getFloat64(offset, true);
}

/**
 * The IEEE half-precision bits of a number, truncating the mantissa as Godot does (no rounding).
 * Godot: Math::make_half_float (core/math/math_funcs.h).
 */
export function floatToHalfBits(value: number): number {
  scratch.setFloat32(0, value);
  const x = scratch.getUint32(0);
  const sign = x >>> 31;
  let mantissa = x & 0x7fffff;
  const exponent = x & 0x7f800000;
  let hf: number;
  if (exponent >= 0x47800000) {
    hf = mantissa !== 0 && exponent === 0x7f800000 ? 0x7c00 | (mantissa >>> 13) | 0x200 : 0x7c00; // NaN stays NaN
  } else if (exponent <= 0x38000000) {
    const shift = 14 + ((0x38000000 - exponent) >>> 23);
    mantissa = shift >= 32 ? 0 : mantissa >>> shift; // denormal or zero
    hf = mantissa;
  } else {
    hf = ((exponent - 0x38000000) >>> 13) | (mantissa >>> 13);
  }
  return ((sign << 15) | hf) & 0xffff;
}

/** The number an IEEE half-precision bit pattern stands for. Godot: Math::half_to_float. */
export function halfBitsToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Godot: encode_half. Returns 2. */
export function encodeHalf(value: number, out: Uint8Array, offset = 0): number {
  return encodeUint16(floatToHalfBits(value), out, offset);
}

/** Godot: decode_half. */
export function decodeHalf(bytes: Uint8Array, offset = 0): number {
  return halfBitsToFloat(decodeUint16(bytes, offset));
}

/**
 * Godot: encode_cstring. Writes the UTF-8 bytes and a terminating NUL; returns the count including the
 * NUL. With no `out`, only measures.
 */
export function encodeCString(value: string, out?: Uint8Array, offset = 0): number {
  const bytes = utf8Bytes(value);
  if (out) {
    out.set(bytes, offset);
    out[offset + bytes.length] = 0;
  }
  return bytes.length + 1;
}

/**
 * The UTF-8 text at `bytes[offset]` up to the first NUL or `end`, read as Godot's String::parse_utf8
 * does (a leading BOM dropped); null if it is not valid UTF-8. Never throws.
 */
export function decodeCString(bytes: Uint8Array, offset: number, end = bytes.length): string | null {
  return readUtf8(bytes, offset, Math.max(0, Math.min(end, bytes.length) - offset));
}
