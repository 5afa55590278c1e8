import { ErrorCode, MultiplayerError, VariantType, float, variantTypeName, variantTypeOf, type Variant } from '../core/index.js';

/** Godot's type names as GDScript writes them (`func f(a: int, b: Vector2)`), `Variant` for any type. */
export type GodotTypeName =
  | 'Variant'
  | 'bool'
  | 'int'
  | 'float'
  | 'String'
  | 'Vector2'
  | 'Vector2i'
  | 'Rect2'
  | 'Rect2i'
  | 'Vector3'
  | 'Vector3i'
  | 'Transform2D'
  | 'Vector4'
  | 'Vector4i'
  | 'Plane'
  | 'Quaternion'
  | 'AABB'
  | 'Basis'
  | 'Transform3D'
  | 'Projection'
  | 'Color'
  | 'StringName'
  | 'NodePath'
  | 'RID'
  | 'Object'
  | 'Callable'
  | 'Signal'
  | 'Dictionary'
  | 'Array'
  | 'PackedByteArray'
  | 'PackedInt32Array'
  | 'PackedInt64Array'
  | 'PackedFloat32Array'
  | 'PackedFloat64Array'
  | 'PackedStringArray'
  | 'PackedVector2Array'
  | 'PackedVector3Array'
  | 'PackedColorArray'
  | 'PackedVector4Array';

/**
 * Godot's spelling of a `VariantType` key: `VECTOR2I` → `Vector2i`, `PACKED_INT32_ARRAY` →
 * `PackedInt32Array`, `TRANSFORM2D` → `Transform2D`; `bool`, `int` and `float` are lower case, `AABB`
 * and `RID` upper case. (Derived rather than tabled: a browser client pays for every byte.)
 */
function godotSpelling(key: string): string {
  if (key === 'BOOL' || key === 'INT' || key === 'FLOAT') return key.toLowerCase();
  if (key === 'AABB' || key === 'RID') return key;
  return key
    .split('_')
    .map((word) => word[0] + word.slice(1).toLowerCase())
    .join('')
    .replace(/(\d)d$/, '$1D');
}

/** Each Godot type name → its `VariantType` (`Variant` → null: any type). */
// Built by a pure IIFE so a bundle that never reads it drops it.
export const GODOT_TYPE_NAMES: Readonly<Record<GodotTypeName, VariantType | null>> = /* @__PURE__ */ (() =>
  Object.freeze(
    Object.fromEntries([
      ['Variant', null],
      ...Object.entries(VariantType)
        .filter(([key]) => key !== 'NIL')
        .map(([key, id]) => [godotSpelling(key), id]),
    ]) as Record<GodotTypeName, VariantType | null>,
  ))();

/**
 * A declared Variant type: a `VariantType` id, a Godot type name (`'int'`, `'float'`, `'Vector2'`, …),
 * or `'Variant'` / `null` for "any type" (an untyped argument).
 */
export type DeclaredType = VariantType | GodotTypeName | null;

/** A declared type resolved to its id (null: any type). Throws `ERR_INVALID_PARAMETER` for an unknown one. */
export function resolveDeclaredType(type: DeclaredType): VariantType | null {
  if (type === null) return null;
  if (typeof type === 'string') {
    if (type === 'Variant') return null;
    // Spelled out per type rather than looked up in GODOT_TYPE_NAMES, so that a client which never
    // describes a type (that is the server policy's and replication's job) does not build the table.
    for (const [key, id] of Object.entries(VariantType)) if (key !== 'NIL' && godotSpelling(key) === type) return id;
    throw new MultiplayerError(
      ErrorCode.ERR_INVALID_PARAMETER,
      `Unknown Variant type name '${type}' (use Godot's spelling: int, float, String, Vector2, …, or Variant).`,
    );
  }
  if (!Number.isInteger(type) || type <= VariantType.NIL || type > VariantType.PACKED_VECTOR4_ARRAY) {
    throw new MultiplayerError(
      ErrorCode.ERR_INVALID_PARAMETER,
      `Invalid Variant type ${String(type)} (NIL cannot be declared; use null for any type).`,
    );
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
