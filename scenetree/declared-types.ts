import { ErrorCode, MultiplayerError, VariantType, float, variantTypeName, variantTypeOf, type Variant } from '../core/index.js';

/** Godot's type names as GDScript writes them (`func f(a: int, b: Vector2)`), `Variant` for any type. */
export const GODOT_TYPE_NAMES = {
  Variant: null,
  bool: VariantType.BOOL,
  int: VariantType.INT,
  float: VariantType.FLOAT,
  String: VariantType.STRING,
  Vector2: VariantType.VECTOR2,
  Vector2i: VariantType.VECTOR2I,
  Rect2: VariantType.RECT2,
  Rect2i: VariantType.RECT2I,
  Vector3: VariantType.VECTOR3,
  Vector3i: VariantType.VECTOR3I,
  Transform2D: VariantType.TRANSFORM2D,
  Vector4: VariantType.VECTOR4,
  Vector4i: VariantType.VECTOR4I,
  Plane: VariantType.PLANE,
  Quaternion: VariantType.QUATERNION,
  AABB: VariantType.AABB,
  Basis: VariantType.BASIS,
  Transform3D: VariantType.TRANSFORM3D,
  Projection: VariantType.PROJECTION,
  Color: VariantType.COLOR,
  StringName: VariantType.STRING_NAME,
  NodePath: VariantType.NODE_PATH,
  RID: VariantType.RID,
  Object: VariantType.OBJECT,
  Callable: VariantType.CALLABLE,
  Signal: VariantType.SIGNAL,
  Dictionary: VariantType.DICTIONARY,
  Array: VariantType.ARRAY,
  PackedByteArray: VariantType.PACKED_BYTE_ARRAY,
  PackedInt32Array: VariantType.PACKED_INT32_ARRAY,
  PackedInt64Array: VariantType.PACKED_INT64_ARRAY,
  PackedFloat32Array: VariantType.PACKED_FLOAT32_ARRAY,
  PackedFloat64Array: VariantType.PACKED_FLOAT64_ARRAY,
  PackedStringArray: VariantType.PACKED_STRING_ARRAY,
  PackedVector2Array: VariantType.PACKED_VECTOR2_ARRAY,
  PackedVector3Array: VariantType.PACKED_VECTOR3_ARRAY,
  PackedColorArray: VariantType.PACKED_COLOR_ARRAY,
  PackedVector4Array: VariantType.PACKED_VECTOR4_ARRAY,
} as const satisfies Record<string, VariantType | null>;
export type GodotTypeName = keyof typeof GODOT_TYPE_NAMES;

/**
 * A declared Variant type: a `VariantType` id, a Godot type name (`'int'`, `'float'`, `'Vector2'`, …),
 * or `'Variant'` / `null` for "any type" (an untyped argument).
 */
export type DeclaredType = VariantType | GodotTypeName | null;

/** A declared type resolved to its id (null: any type). Throws `ERR_INVALID_PARAMETER` for an unknown one. */
export function resolveDeclaredType(type: DeclaredType): VariantType | null {
  if (type === null) return null;
  if (typeof type === 'string') {
    if (!Object.hasOwn(GODOT_TYPE_NAMES, type)) {
      throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, `Unknown Variant type name '${type}' (use Godot's spelling: int, float, String, Vector2, …, or Variant).`);
    }
    return GODOT_TYPE_NAMES[type];
  }
  if (!Number.isInteger(type) || type <= VariantType.NIL || type > VariantType.PACKED_VECTOR4_ARRAY) {
    throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, `Invalid Variant type ${String(type)} (NIL cannot be declared; use null for any type).`);
  }
  return type;
}

/**
 * Whether `value` may stand for a value of the declared `type`, with the conversions GDScript makes
 * implicitly for a typed parameter: an int is accepted for a float; null for an Object. An int must
 * be integral (a float with a fraction is refused for an int).
 */
export function matchesDeclaredType(type: VariantType | null, value: unknown): boolean {
  if (type === null) return true;
  switch (type) {
    case VariantType.FLOAT:
      return typeof value === 'number' || variantTypeOf(value) === VariantType.FLOAT;
    case VariantType.INT:
      return (typeof value === 'number' || typeof value === 'bigint') && variantTypeOf(value) === VariantType.INT;
    case VariantType.OBJECT:
      return value === null || variantTypeOf(value) === VariantType.OBJECT;
    default:
      return variantTypeOf(value) === type;
  }
}

/**
 * The value to encode for a declared type: a declared float given as an integral JS number is sent as
 * FLOAT (`2` → `float(2)`), as a Godot peer sends it; everything else as is.
 */
export function asDeclared(type: VariantType | null, value: unknown): Variant {
  if (type === VariantType.FLOAT && typeof value === 'number' && variantTypeOf(value) === VariantType.INT) return float(value);
  return value as Variant;
}

/** `'float'` for VariantType.FLOAT, `'any'` for null: for messages. */
export function describeDeclaredType(type: VariantType | null): string {
  if (type === null) return 'any';
  for (const [name, id] of Object.entries(GODOT_TYPE_NAMES)) if (id === type) return name;
  return variantTypeName(type);
}

/** The type of a received value, in Godot's words, for messages. */
export function describeValueType(value: unknown): string {
  const type = variantTypeOf(value);
  return type === undefined ? typeof value : type === VariantType.NIL ? 'null' : describeDeclaredType(type);
}

/**
 * Checks `args` against declared types: null when they match, else a message saying what differs
 * (the count, or the first argument of another type).
 */
export function checkDeclaredArguments(types: readonly (VariantType | null)[], args: readonly unknown[]): string | null {
  if (args.length !== types.length) return `expects ${types.length} argument(s), got ${args.length}`;
  for (let i = 0; i < types.length; i++) {
    if (!matchesDeclaredType(types[i]!, args[i])) {
      return `argument ${i + 1} must be ${describeDeclaredType(types[i]!)}, got ${describeValueType(args[i])}`;
    }
  }
  return null;
}
