/**
 * The JavaScript form of Godot's Variant (core/variant/variant.h).
 *
 * | Godot type                  | JavaScript value (encode)                         | decodes as                         |
 * |-----------------------------|---------------------------------------------------|------------------------------------|
 * | NIL                         | `null` (and `undefined`)                          | `null`                             |
 * | BOOL                        | `boolean`                                         | `boolean`                          |
 * | INT (i32 / i64)             | safe-integer `number` (not -0), `bigint` in int64 | `number` when safe, else `bigint`  |
 * | FLOAT (f32 / f64)           | any other `number`, or `Float` (`float(2)`)       | `number`                           |
 * | STRING                      | `string`                                          | `string`                           |
 * | VECTOR2 … PROJECTION, COLOR | `Vector2` … `Projection`, `Color`                 | same classes                       |
 * | STRING_NAME / NODE_PATH     | `StringName` / `NodePath`                         | same classes                       |
 * | RID                         | `RID`                                             | `RID`                              |
 * | OBJECT                      | `EncodedObjectAsID` (id), `EncodedObject` (full)  | same; id 0 or class '' → `null`    |
 * | CALLABLE / SIGNAL           | `Callable` / `SignalRef` markers                  | same                               |
 * | DICTIONARY                  | `Map`, plain object, `TypedDictionary`            | `Map`, or `TypedDictionary`        |
 * | ARRAY                       | JS array, `TypedArray`                            | JS array, or `TypedArray`          |
 * | PACKED_BYTE_ARRAY           | `Uint8Array`                                      | `Uint8Array` (a copy)              |
 * | PACKED_INT32/INT64_ARRAY    | `Int32Array` / `BigInt64Array`                    | same                               |
 * | PACKED_FLOAT32/FLOAT64_ARRAY| `Float32Array` / `Float64Array`                   | same                               |
 * | PACKED_STRING_ARRAY         | `PackedStringArray` (the tag for `string[]`)      | `PackedStringArray`                |
 * | PACKED_VECTOR2/3/4, COLOR   | `PackedVector2Array` … `PackedColorArray`         | same classes                       |
 *
 * Decoded FLOATs with integral values come back as plain numbers, so they re-encode as INT; wrap them
 * in `float()` to keep them FLOAT. Object keys of a decoded Map compare by identity.
 */
import type { NodePath } from './node-path.js';
import { NodePath as NodePathClass } from './node-path.js';
import { Callable, EncodedObject, EncodedObjectAsID, Float, RID, SignalRef, StringName } from './engine-types.js';
import {
  PackedColorArray,
  PackedStringArray,
  PackedVector2Array,
  PackedVector3Array,
  PackedVector4Array,
  TypedArray,
  TypedDictionary,
} from './containers.js';
import { AABB, Basis, Color, Plane, Projection, Quaternion, Rect2, Rect2i, Transform2D, Transform3D } from './math-types.js';
import { Vector2, Vector2i, Vector3, Vector3i, Vector4, Vector4i } from './vectors.js';
import { VariantType } from './variant-type.js';

/** An untyped Godot Array. */
export type VariantArray = readonly Variant[];
/** A Godot Dictionary with string keys, written as a plain object. */
export interface VariantRecord {
  readonly [key: string]: Variant;
}
/** A Godot Dictionary with any keys. */
export type VariantMap = ReadonlyMap<Variant, Variant>;

/** Any value the codec can encode (see the table above). */
export type Variant =
  | null
  | undefined
  | boolean
  | number
  | bigint
  | string
  | Float
  | Vector2
  | Vector2i
  | Rect2
  | Rect2i
  | Vector3
  | Vector3i
  | Transform2D
  | Vector4
  | Vector4i
  | Plane
  | Quaternion
  | AABB
  | Basis
  | Transform3D
  | Projection
  | Color
  | StringName
  | NodePath
  | RID
  | EncodedObjectAsID
  | EncodedObject
  | Callable
  | SignalRef
  | VariantMap
  | VariantRecord
  | TypedDictionary
  | VariantArray
  | TypedArray
  | Uint8Array
  | Int32Array
  | BigInt64Array
  | Float32Array
  | Float64Array
  | PackedStringArray
  | PackedVector2Array
  | PackedVector3Array
  | PackedColorArray
  | PackedVector4Array;

const INT32_MIN = -0x8000_0000;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** True for a number that travels as INT: a safe integer other than -0. */
export function isIntNumber(v: number): boolean {
  return Number.isSafeInteger(v) && !(v === 0 && 1 / v < 0);
}

/** True for a bigint inside Godot's int64 range. */
export function isInt64(v: bigint): boolean {
  return v >= INT64_MIN && v <= INT64_MAX;
}

/** True when an int fits the 32-bit wire form. */
export function fitsInt32(v: number): boolean {
  return v >= INT32_MIN && v <= 0x7fff_ffff;
}

/** True for `{}`-style objects (prototype Object.prototype or null), which encode as Dictionary. */
export function isPlainObject(v: object): v is VariantRecord {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

// Constructor → type id, for the class-based types (one map lookup instead of a chain of instanceof).
const CLASS_TYPES = new Map<unknown, VariantType>([
  [Float, VariantType.FLOAT],
  [Vector2, VariantType.VECTOR2],
  [Vector2i, VariantType.VECTOR2I],
  [Rect2, VariantType.RECT2],
  [Rect2i, VariantType.RECT2I],
  [Vector3, VariantType.VECTOR3],
  [Vector3i, VariantType.VECTOR3I],
  [Transform2D, VariantType.TRANSFORM2D],
  [Vector4, VariantType.VECTOR4],
  [Vector4i, VariantType.VECTOR4I],
  [Plane, VariantType.PLANE],
  [Quaternion, VariantType.QUATERNION],
  [AABB, VariantType.AABB],
  [Basis, VariantType.BASIS],
  [Transform3D, VariantType.TRANSFORM3D],
  [Projection, VariantType.PROJECTION],
  [Color, VariantType.COLOR],
  [StringName, VariantType.STRING_NAME],
  [NodePathClass, VariantType.NODE_PATH],
  [RID, VariantType.RID],
  [EncodedObjectAsID, VariantType.OBJECT],
  [EncodedObject, VariantType.OBJECT],
  [Callable, VariantType.CALLABLE],
  [SignalRef, VariantType.SIGNAL],
  [Map, VariantType.DICTIONARY],
  [TypedDictionary, VariantType.DICTIONARY],
  [Array, VariantType.ARRAY],
  [TypedArray, VariantType.ARRAY],
  [Uint8Array, VariantType.PACKED_BYTE_ARRAY],
  [Int32Array, VariantType.PACKED_INT32_ARRAY],
  [BigInt64Array, VariantType.PACKED_INT64_ARRAY],
  [Float32Array, VariantType.PACKED_FLOAT32_ARRAY],
  [Float64Array, VariantType.PACKED_FLOAT64_ARRAY],
  [PackedStringArray, VariantType.PACKED_STRING_ARRAY],
  [PackedVector2Array, VariantType.PACKED_VECTOR2_ARRAY],
  [PackedVector3Array, VariantType.PACKED_VECTOR3_ARRAY],
  [PackedColorArray, VariantType.PACKED_COLOR_ARRAY],
  [PackedVector4Array, VariantType.PACKED_VECTOR4_ARRAY],
]);

/** The instanceof fallback for subclasses (a user's `class Pos extends Vector2`). */
function typeOfInstance(value: object): VariantType | undefined {
  for (const [ctor, type] of CLASS_TYPES) if (value instanceof (ctor as abstract new (...a: never[]) => unknown)) return type;
  return isPlainObject(value) ? VariantType.DICTIONARY : undefined;
}

/**
 * The Variant type a JavaScript value encodes as, or `undefined` when it is not a Variant (functions,
 * symbols, class instances the codec does not know, bigints outside int64). Godot: Variant::get_type.
 */
export function variantTypeOf(value: unknown): VariantType | undefined {
  switch (typeof value) {
    case 'boolean':
      return VariantType.BOOL;
    case 'number':
      return isIntNumber(value) ? VariantType.INT : VariantType.FLOAT;
    case 'string':
      return VariantType.STRING;
    case 'bigint':
      return isInt64(value) ? VariantType.INT : undefined;
    case 'undefined':
      return VariantType.NIL;
    case 'object':
      if (value === null) return VariantType.NIL;
      return CLASS_TYPES.get(value.constructor) ?? typeOfInstance(value);
    default:
      return undefined;
  }
}
