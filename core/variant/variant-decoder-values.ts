/**
 * The fixed-size math types and the packed arrays of Godot's `decode_variant` (core/io/marshalls.cpp).
 * Float-based types honour the header's 64-bit flag (a double-precision sender); Color never does.
 */
import { ErrorCode } from '../error-code.js';
import { copyBytes } from './byte-writer.js';
import { PackedColorArray, PackedStringArray, PackedVector2Array, PackedVector3Array, PackedVector4Array } from './containers.js';
import { AABB, Basis, Color, Plane, Projection, Quaternion, Rect2, Rect2i, Transform2D, Transform3D } from './math-types.js';
import { Vector2, Vector2i, Vector3, Vector3i, Vector4, Vector4i } from './vectors.js';
import { VariantType } from './variant-type.js';
import type { Variant } from './variant.js';
import type { VariantReader } from './variant-decoder.js';

// Components of each math type: [real_t count, or int32 count for the `i` types].
const REALS: Partial<Record<VariantType, number>> = {
  [VariantType.VECTOR2]: 2,
  [VariantType.RECT2]: 4,
  [VariantType.VECTOR3]: 3,
  [VariantType.TRANSFORM2D]: 6,
  [VariantType.VECTOR4]: 4,
  [VariantType.PLANE]: 4,
  [VariantType.QUATERNION]: 4,
  [VariantType.AABB]: 6,
  [VariantType.BASIS]: 9,
  [VariantType.TRANSFORM3D]: 12,
  [VariantType.PROJECTION]: 16,
};
const INTS: Partial<Record<VariantType, number>> = {
  [VariantType.VECTOR2I]: 2,
  [VariantType.RECT2I]: 4,
  [VariantType.VECTOR3I]: 3,
  [VariantType.VECTOR4I]: 4,
};

/** Reads the math type `type` (5–20 except strings) after its header. */
export function decodeMath(r: VariantReader, type: VariantType, wide: boolean): Variant {
  if (type === VariantType.VECTOR2) {
    if (!r.need(wide ? 16 : 8)) return null;
    return new Vector2(r.real(wide), r.real(wide));
  }
  if (type === VariantType.COLOR) {
    if (!r.need(16)) return null;
    return new Color(r.real(false), r.real(false), r.real(false), r.real(false));
  }
  const ints = INTS[type];
  if (ints !== undefined) {
    if (!r.need(ints * 4)) return null;
    const c: number[] = [];
    for (let i = 0; i < ints; i++) c.push(r.i32());
    return buildInts(type, c);
  }
  const reals = REALS[type];
  if (reals === undefined) return r.fail(ErrorCode.ERR_BUG); // unreachable: every type id is covered
  if (!r.need(reals * (wide ? 8 : 4))) return null;
  const c: number[] = [];
  for (let i = 0; i < reals; i++) c.push(r.real(wide));
  return buildReals(type, c);
}

function buildInts(type: VariantType, c: number[]): Variant {
  switch (type) {
    case VariantType.VECTOR2I:
      return new Vector2i(c[0], c[1]);
    case VariantType.RECT2I:
      return new Rect2i(c[0], c[1], c[2], c[3]);
    case VariantType.VECTOR3I:
      return new Vector3i(c[0], c[1], c[2]);
    default:
      return new Vector4i(c[0], c[1], c[2], c[3]);
  }
}

function buildReals(type: VariantType, c: number[]): Variant {
  const v3 = (i: number): Vector3 => new Vector3(c[i], c[i + 1], c[i + 2]);
  const v4 = (i: number): Vector4 => new Vector4(c[i], c[i + 1], c[i + 2], c[i + 3]);
  switch (type) {
    case VariantType.RECT2:
      return new Rect2(c[0], c[1], c[2], c[3]);
    case VariantType.VECTOR3:
      return v3(0);
    case VariantType.TRANSFORM2D:
      return new Transform2D(new Vector2(c[0], c[1]), new Vector2(c[2], c[3]), new Vector2(c[4], c[5]));
    case VariantType.VECTOR4:
      return v4(0);
    case VariantType.PLANE:
      return new Plane(v3(0), c[3]);
    case VariantType.QUATERNION:
      return new Quaternion(c[0], c[1], c[2], c[3]);
    case VariantType.AABB:
      return new AABB(v3(0), v3(3));
    case VariantType.BASIS:
      return Basis.fromRows(v3(0), v3(3), v3(6));
    case VariantType.TRANSFORM3D:
      return new Transform3D(Basis.fromRows(v3(0), v3(3), v3(6)), v3(9));
    default:
      return new Projection(v4(0), v4(4), v4(8), v4(12));
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Reads a packed-array count and checks that `count × elementSize` bytes are really present, before
 * anything is allocated (Godot: ERR_FAIL_MUL_OF + the `count * size > len` check). Returns -1 on failure.
 */
function packedCount(r: VariantReader, elementSize: number): number {
  if (!r.need(4)) return -1;
  const count = r.i32();
  if (count < 0 || count * elementSize > r.remaining) {
    r.fail(ErrorCode.ERR_INVALID_DATA);
    return -1;
  }
  return count;
}

/** Copies `count` elements of `size` bytes into a fresh, aligned buffer. */
function copyOut(r: VariantReader, count: number, size: number): ArrayBuffer {
  const bytes = r.bytes.slice(r.pos, r.pos + count * size);
  r.pos += count * size;
  return bytes.buffer;
}

/** Reads the packed array `type` (29–38) after its header. */
export function decodePacked(r: VariantReader, type: VariantType, wide: boolean): Variant {
  switch (type) {
    case VariantType.PACKED_BYTE_ARRAY: {
      const n = packedCount(r, 1);
      if (n < 0) return null;
      const out = copyBytes(r.bytes, r.pos, r.pos + n);
      r.pos += n + ((4 - (n & 3)) & 3); // the reported length includes padding even when it is missing
      return out;
    }
    case VariantType.PACKED_INT32_ARRAY:
      return numeric(
        r,
        4,
        (b) => new Int32Array(b),
        (i) => r.view.getInt32(i, true),
      );
    case VariantType.PACKED_INT64_ARRAY:
      return numeric(
        r,
        8,
        (b) => new BigInt64Array(b),
        (i) => r.view.getBigInt64(i, true),
      );
    case VariantType.PACKED_FLOAT32_ARRAY:
      return numeric(
        r,
        4,
        (b) => new Float32Array(b),
        (i) => r.view.getFloat32(i, true),
      );
    case VariantType.PACKED_FLOAT64_ARRAY:
      return numeric(
        r,
        8,
        (b) => new Float64Array(b),
        (i) => r.view.getFloat64(i, true),
      );
    case VariantType.PACKED_STRING_ARRAY:
      return strings(r);
    case VariantType.PACKED_COLOR_ARRAY:
      return vectors(r, 4, false, (c) => new Color(c[0], c[1], c[2], c[3]), PackedColorArray);
    case VariantType.PACKED_VECTOR2_ARRAY:
      return vectors(r, 2, wide, (c) => new Vector2(c[0], c[1]), PackedVector2Array);
    case VariantType.PACKED_VECTOR3_ARRAY:
      return vectors(r, 3, wide, (c) => new Vector3(c[0], c[1], c[2]), PackedVector3Array);
    default:
      return vectors(r, 4, wide, (c) => new Vector4(c[0], c[1], c[2], c[3]), PackedVector4Array);
  }
}

function numeric<T, E>(
  r: VariantReader,
  size: number,
  wrap: (b: ArrayBuffer) => T & { [i: number]: E },
  get: (offset: number) => E,
): T | null {
  const n = packedCount(r, size);
  if (n < 0) return null;
  if (LITTLE_ENDIAN) return wrap(copyOut(r, n, size));
  const out = wrap(new ArrayBuffer(n * size));
  for (let i = 0; i < n; i++) out[i] = get(r.pos + i * size);
  r.pos += n * size;
  return out;
}

function strings(r: VariantReader): PackedStringArray | null {
  if (!r.need(4)) return null;
  const count = r.i32();
  // Divergence from Godot: a negative count is an error here; Godot's loop just decodes an empty array.
  if (count < 0) return r.fail(ErrorCode.ERR_INVALID_DATA);
  const out: string[] = []; // every element costs at least 4 input bytes, so growth is bounded by the input
  for (let i = 0; i < count; i++) {
    const s = r.string(); // each element's length counts its NUL; the reader stops at the NUL
    if (s === null) return null;
    out.push(s);
  }
  return new PackedStringArray(out);
}

function vectors<T, A>(r: VariantReader, dims: number, wide: boolean, make: (c: number[]) => T, Packed: new (v: T[]) => A): A | null {
  const n = packedCount(r, dims * (wide ? 8 : 4));
  if (n < 0) return null;
  const out: T[] = new Array<T>(n); // n is bounded by the input length checked above
  const c: number[] = new Array<number>(dims);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dims; d++) c[d] = r.real(wide);
    out[i] = make(c);
  }
  return new Packed(out);
}
