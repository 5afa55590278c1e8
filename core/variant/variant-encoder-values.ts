/**
 * The fixed-size math types and the packed arrays of Godot's `encode_variant` (core/io/marshalls.cpp),
 * in a standard build: real_t components as f32, Color always f32.
 */
import { ErrorCode } from '../error-code.js';
import { MultiplayerError } from '../errors.js';
import type { ByteWriter } from './byte-writer.js';
import type { PackedColorArray, PackedStringArray, PackedVector2Array, PackedVector3Array, PackedVector4Array } from './containers.js';
import type { AABB, Basis, Plane, Projection, Rect2, Rect2i, Transform2D, Transform3D } from './math-types.js';
import { VariantType } from './variant-type.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The error for a JavaScript value that has no Variant form. */
export function notAVariant(value: unknown): MultiplayerError {
  const what = typeof value === 'object' && value !== null ? (value.constructor?.name ?? 'object') : typeof value;
  return new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, `Cannot encode a ${what} as a Variant.`);
}

/** Header then real_t components as f32. */
export function reals(w: ByteWriter, type: VariantType, ...values: number[]): void {
  w.u32(type);
  for (const v of values) w.f32(v);
}

/** Header then four f32 components. */
export function quad(w: ByteWriter, type: VariantType, a: number, b: number, c: number, d: number): void {
  w.u32(type);
  w.f32(a);
  w.f32(b);
  w.f32(c);
  w.f32(d);
}

/** Header then int32 components. */
export function ints(w: ByteWriter, type: VariantType, ...values: number[]): void {
  w.u32(type);
  for (const v of values) w.u32(v);
}

/** Rect2 … Projection (the math types not written inline by the encoder). */
export function writeMath(w: ByteWriter, type: VariantType, value: object): void {
  switch (type) {
    case VariantType.RECT2: {
      const r = value as Rect2;
      return reals(w, type, r.position.x, r.position.y, r.size.x, r.size.y);
    }
    case VariantType.RECT2I: {
      const r = value as Rect2i;
      return ints(w, type, r.position.x, r.position.y, r.size.x, r.size.y);
    }
    case VariantType.TRANSFORM2D: {
      const t = value as Transform2D;
      return reals(w, type, t.x.x, t.x.y, t.y.x, t.y.y, t.origin.x, t.origin.y);
    }
    case VariantType.PLANE: {
      const p = value as Plane;
      return reals(w, type, p.normal.x, p.normal.y, p.normal.z, p.d);
    }
    case VariantType.AABB: {
      const b = value as AABB;
      return reals(w, type, b.position.x, b.position.y, b.position.z, b.size.x, b.size.y, b.size.z);
    }
    case VariantType.BASIS:
      return reals(w, type, ...basisRows(value as Basis));
    case VariantType.TRANSFORM3D: {
      const t = value as Transform3D;
      return reals(w, type, ...basisRows(t.basis), t.origin.x, t.origin.y, t.origin.z);
    }
    case VariantType.PROJECTION: {
      const p = value as Projection;
      const cols = [p.x, p.y, p.z, p.w].flatMap((c) => [c.x, c.y, c.z, c.w]);
      return reals(w, type, ...cols);
    }
    default:
      throw notAVariant(value);
  }
}

/** Basis on the wire: row-major (Godot's `rows[i][j]`), i.e. the i-th component of each column. */
function basisRows(b: Basis): number[] {
  return [b.x.x, b.y.x, b.z.x, b.x.y, b.y.y, b.z.y, b.x.z, b.y.z, b.z.z];
}

function rawBytes(a: Int32Array | BigInt64Array | Float32Array | Float64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** PackedByteArray … PackedVector4Array, header included. */
export function writePacked(w: ByteWriter, type: VariantType, value: object): void {
  w.u32(type);
  switch (type) {
    case VariantType.PACKED_BYTE_ARRAY: {
      const b = value as Uint8Array;
      const start = w.length;
      w.u32(b.length);
      w.bytes(b);
      return w.pad4(start);
    }
    case VariantType.PACKED_INT32_ARRAY:
    case VariantType.PACKED_INT64_ARRAY:
    case VariantType.PACKED_FLOAT32_ARRAY:
    case VariantType.PACKED_FLOAT64_ARRAY:
      return writeNumericArray(w, value as Int32Array | BigInt64Array | Float32Array | Float64Array);
    case VariantType.PACKED_STRING_ARRAY: {
      const a = (value as PackedStringArray).values;
      w.u32(a.length);
      for (const s of a) w.string(s, true);
      return;
    }
    case VariantType.PACKED_VECTOR2_ARRAY: {
      const a = (value as PackedVector2Array).values;
      w.u32(a.length);
      for (const v of a) w.f32(v.x), w.f32(v.y);
      return;
    }
    case VariantType.PACKED_VECTOR3_ARRAY: {
      const a = (value as PackedVector3Array).values;
      w.u32(a.length);
      for (const v of a) w.f32(v.x), w.f32(v.y), w.f32(v.z);
      return;
    }
    case VariantType.PACKED_COLOR_ARRAY: {
      const a = (value as PackedColorArray).values;
      w.u32(a.length);
      for (const c of a) w.f32(c.r), w.f32(c.g), w.f32(c.b), w.f32(c.a);
      return;
    }
    default: {
      const a = (value as PackedVector4Array).values;
      w.u32(a.length);
      for (const v of a) w.f32(v.x), w.f32(v.y), w.f32(v.z), w.f32(v.w);
    }
  }
}

function writeNumericArray(w: ByteWriter, a: Int32Array | BigInt64Array | Float32Array | Float64Array): void {
  w.u32(a.length);
  if (LITTLE_ENDIAN) return w.bytes(rawBytes(a));
  for (const v of a) {
    if (typeof v === 'bigint') w.i64(v);
    else if (a instanceof Int32Array) w.u32(v);
    else if (a instanceof Float32Array) w.f32(v);
    else w.f64(v);
  }
}
