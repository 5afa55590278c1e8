/** fast-check arbitraries for every Variant type, and the value a round trip is expected to give back. */
import fc from 'fast-check';
import {
  AABB,
  Basis,
  Callable,
  Color,
  ContainerType,
  EncodedObject,
  EncodedObjectAsID,
  Float,
  NodePath,
  PackedColorArray,
  PackedStringArray,
  PackedVector2Array,
  PackedVector3Array,
  PackedVector4Array,
  Plane,
  Projection,
  Quaternion,
  RID,
  Rect2,
  Rect2i,
  SignalRef,
  StringName,
  Transform2D,
  Transform3D,
  TypedArray,
  TypedDictionary,
  VariantType,
  Vector2,
  Vector2i,
  Vector3,
  Vector3i,
  Vector4,
  Vector4i,
} from '../../core/index.js';
import type { Variant } from '../../core/index.js';

const real = fc.float(); // f32 values, NaN, ±0 and ±Infinity included
const i32 = fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff });
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const i64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });

/** Strings that survive Godot's reader unchanged: valid Unicode, no NUL, no leading BOM. */
export const godotString = fc.string({ unit: 'grapheme', maxLength: 24 }).filter((s) => !s.includes('\0') && !s.startsWith('\ufeff'));
/** NodePath element names: no separators, not empty. */
const pathName = fc.stringMatching(/^[A-Za-z0-9_ é.-]{1,12}$/);

const v2 = fc.tuple(real, real).map(([x, y]) => new Vector2(x, y));
const v3 = fc.tuple(real, real, real).map(([x, y, z]) => new Vector3(x, y, z));
const v4 = fc.tuple(real, real, real, real).map(([x, y, z, w]) => new Vector4(x, y, z, w));
const color = fc.tuple(real, real, real, real).map(([r, g, b, a]) => new Color(r, g, b, a));
const basis = fc.tuple(v3, v3, v3).map(([x, y, z]) => new Basis(x, y, z));

/** One arbitrary per leaf type, keyed by Godot's type id (containers are added by `variantArbitrary`). */
export const LEAF_ARBITRARIES: Record<Exclude<VariantType, 27 | 28>, fc.Arbitrary<Variant>> = {
  [VariantType.NIL]: fc.constantFrom(null, undefined),
  [VariantType.BOOL]: fc.boolean(),
  [VariantType.INT]: fc.oneof(i32, fc.maxSafeInteger(), i64),
  [VariantType.FLOAT]: fc.oneof(
    fc.double().filter((d) => !Number.isSafeInteger(d) || Object.is(d, -0)),
    fc.double().map((d) => new Float(d)),
  ),
  [VariantType.STRING]: godotString,
  [VariantType.VECTOR2]: v2,
  [VariantType.VECTOR2I]: fc.tuple(i32, i32).map(([x, y]) => new Vector2i(x, y)),
  [VariantType.RECT2]: fc.tuple(real, real, real, real).map(([x, y, w, h]) => new Rect2(x, y, w, h)),
  [VariantType.RECT2I]: fc.tuple(i32, i32, i32, i32).map(([x, y, w, h]) => new Rect2i(x, y, w, h)),
  [VariantType.VECTOR3]: v3,
  [VariantType.VECTOR3I]: fc.tuple(i32, i32, i32).map(([x, y, z]) => new Vector3i(x, y, z)),
  [VariantType.TRANSFORM2D]: fc.tuple(v2, v2, v2).map(([x, y, o]) => new Transform2D(x, y, o)),
  [VariantType.VECTOR4]: v4,
  [VariantType.VECTOR4I]: fc.tuple(i32, i32, i32, i32).map(([x, y, z, w]) => new Vector4i(x, y, z, w)),
  [VariantType.PLANE]: fc.tuple(v3, real).map(([n, d]) => new Plane(n, d)),
  [VariantType.QUATERNION]: fc.tuple(real, real, real, real).map(([x, y, z, w]) => new Quaternion(x, y, z, w)),
  [VariantType.AABB]: fc.tuple(v3, v3).map(([p, s]) => new AABB(p, s)),
  [VariantType.BASIS]: basis,
  [VariantType.TRANSFORM3D]: fc.tuple(basis, v3).map(([b, o]) => new Transform3D(b, o)),
  [VariantType.PROJECTION]: fc.tuple(v4, v4, v4, v4).map(([x, y, z, w]) => new Projection(x, y, z, w)),
  [VariantType.COLOR]: color,
  [VariantType.STRING_NAME]: godotString.map((s) => new StringName(s)),
  [VariantType.NODE_PATH]: fc
    .tuple(fc.array(pathName, { maxLength: 4 }), fc.array(pathName, { maxLength: 3 }), fc.boolean())
    .map(([n, s, abs]) => NodePath.fromParts(n, s, abs)),
  [VariantType.RID]: u64.map((id) => new RID(id)),
  [VariantType.OBJECT]: fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }).map((id) => new EncodedObjectAsID(id)),
  [VariantType.CALLABLE]: fc.constant(Callable.EMPTY),
  [VariantType.SIGNAL]: fc.tuple(u64, godotString).map(([id, name]) => new SignalRef(id, name)),
  [VariantType.PACKED_BYTE_ARRAY]: fc.uint8Array({ maxLength: 19 }),
  [VariantType.PACKED_INT32_ARRAY]: fc.int32Array({ maxLength: 6 }),
  [VariantType.PACKED_INT64_ARRAY]: fc.bigInt64Array({ maxLength: 4 }),
  [VariantType.PACKED_FLOAT32_ARRAY]: fc.float32Array({ maxLength: 6 }),
  [VariantType.PACKED_FLOAT64_ARRAY]: fc.float64Array({ maxLength: 6 }),
  [VariantType.PACKED_STRING_ARRAY]: fc.array(godotString, { maxLength: 4 }).map((a) => new PackedStringArray(a)),
  [VariantType.PACKED_VECTOR2_ARRAY]: fc.array(v2, { maxLength: 4 }).map((a) => new PackedVector2Array(a)),
  [VariantType.PACKED_VECTOR3_ARRAY]: fc.array(v3, { maxLength: 4 }).map((a) => new PackedVector3Array(a)),
  [VariantType.PACKED_COLOR_ARRAY]: fc.array(color, { maxLength: 4 }).map((a) => new PackedColorArray(a)),
  [VariantType.PACKED_VECTOR4_ARRAY]: fc.array(v4, { maxLength: 4 }).map((a) => new PackedVector4Array(a)),
};

const leaf = fc.oneof(...Object.values(LEAF_ARBITRARIES));
const intLeaf = LEAF_ARBITRARIES[VariantType.INT];
const stringLeaf = LEAF_ARBITRARIES[VariantType.STRING];

/** Any Variant, containers nested up to a few levels: untyped and typed Arrays, Maps, plain objects, typed Dictionaries. */
export const variantArbitrary: fc.Arbitrary<Variant> = fc.letrec<{ value: Variant }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 3 }).map((e) => new Map(e)),
    fc.dictionary(
      fc.string({ maxLength: 6 }).filter((k) => !k.includes('\0') && !k.startsWith('\ufeff')),
      tie('value'),
      { maxKeys: 3 },
    ),
    fc.array(intLeaf, { maxLength: 4 }).map((a) => new TypedArray(VariantType.INT, a)),
    fc.array(tie('value'), { maxLength: 3 }).map((a) => new TypedArray(ContainerType.ofClass('EncodedObjectAsID'), a)),
    fc
      .array(fc.tuple(stringLeaf, tie('value')), { maxLength: 3 })
      .map((e) => new TypedDictionary(VariantType.STRING, ContainerType.NONE, e)),
  ),
})).value;

/** Full objects (for the fullObjects / allowObjects round trip). */
export const fullObjectArbitrary: fc.Arbitrary<Variant> = fc
  .tuple(
    fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,10}$/),
    fc.array(fc.tuple(fc.stringMatching(/^[a-z_]{1,8}$/), variantArbitrary), { maxLength: 3 }),
  )
  .map(([cls, props]) => new EncodedObject(cls, new Map(props.filter(([k]) => k !== 'script'))));

/** What decoding the encoding of `v` must give: the codec's documented normalisations. */
export function expectedRoundTrip(v: Variant): Variant {
  if (v === undefined) return null;
  if (v instanceof Float) return v.value;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) && BigInt(Number(v)) === v ? Number(v) : v;
  if (Array.isArray(v)) return v.map(expectedRoundTrip);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [expectedRoundTrip(k), expectedRoundTrip(x)]));
  if (v instanceof TypedArray) return new TypedArray(v.elementType, v.values.map(expectedRoundTrip));
  if (v instanceof TypedDictionary) {
    return new TypedDictionary(
      v.keyType,
      v.valueType,
      [...v.entries].map(([k, x]) => [expectedRoundTrip(k), expectedRoundTrip(x)] as const),
    );
  }
  if (v instanceof EncodedObject)
    return new EncodedObject(v.className, new Map([...v.properties].map(([k, x]) => [k, expectedRoundTrip(x)])));
  if (v !== null && typeof v === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(v) as object | null)) {
    return new Map(Object.entries(v).map(([k, x]) => [k, expectedRoundTrip(x)]));
  }
  return v;
}
