/**
 * Variant containers that have no natural JavaScript form: the packed arrays of strings, vectors and
 * colours, and Godot 4.3+/4.4+ typed Arrays and Dictionaries. (Byte, int and float packed arrays are the
 * JS typed arrays; untyped Arrays and Dictionaries are JS arrays, Maps and plain objects.)
 */
import type { Color } from './math-types.js';
import type { Vector2, Vector3, Vector4 } from './vectors.js';
import { VariantType } from './variant-type.js';
import type { Variant } from './variant.js';

/** Shared read-only behaviour of the packed-array wrappers. */
abstract class PackedArray<T> implements Iterable<T> {
  /** The elements. Not copied from the constructor argument when it is an array: do not mutate it. */
  readonly values: readonly T[];

  constructor(values: Iterable<T> = []) {
    this.values = Array.isArray(values) ? values : Array.from(values);
  }

  /** Number of elements (Godot: size()). */
  get length(): number {
    return this.values.length;
  }

  /** Element `i`, or undefined when out of range (negative indexes count from the end). */
  at(i: number): T | undefined {
    return this.values.at(i);
  }

  [Symbol.iterator](): Iterator<T> {
    return this.values[Symbol.iterator]();
  }

  /** Same class, same length, equal elements. */
  equals(o: PackedArray<T>): boolean {
    if (o.constructor !== this.constructor || o.values.length !== this.values.length) return false;
    return this.values.every((v, i) => this.elementEquals(v, o.values[i]!));
  }

  protected abstract elementEquals(a: T, b: T): boolean;

  /** `["a", "b"]` / `[(1.0, 2.0)]`, as Godot prints it. */
  toString(): string {
    return `[${this.values.map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v))).join(', ')}]`;
  }
}

/** Godot: PackedStringArray. The tag that sends a `string[]` as PACKED_STRING_ARRAY instead of ARRAY. */
export class PackedStringArray extends PackedArray<string> {
  protected elementEquals(a: string, b: string): boolean {
    return a === b;
  }
}

/** Godot: PackedVector2Array. */
export class PackedVector2Array extends PackedArray<Vector2> {
  protected elementEquals(a: Vector2, b: Vector2): boolean {
    return a.equals(b);
  }
}

/** Godot: PackedVector3Array. */
export class PackedVector3Array extends PackedArray<Vector3> {
  protected elementEquals(a: Vector3, b: Vector3): boolean {
    return a.equals(b);
  }
}

/** Godot: PackedColorArray. */
export class PackedColorArray extends PackedArray<Color> {
  protected elementEquals(a: Color, b: Color): boolean {
    return a.equals(b);
  }
}

/** Godot: PackedVector4Array (4.3+). */
export class PackedVector4Array extends PackedArray<Vector4> {
  protected elementEquals(a: Vector4, b: Vector4): boolean {
    return a.equals(b);
  }
}

/** The class name Godot substitutes for object element types when full objects are off. */
export const ENCODED_OBJECT_AS_ID_CLASS = 'EncodedObjectAsID';

/**
 * Godot: ContainerType (core/variant/container_type_validate.h). The element type of a typed Array, or
 * the key or value type of a typed Dictionary: a built-in type, an Object class, or a script.
 */
export class ContainerType {
  /** Untyped (any Variant). */
  static readonly NONE = new ContainerType(VariantType.NIL);

  /** Built-in type; `VariantType.NIL` means untyped. */
  readonly builtinType: VariantType;
  /** Object class name, for object-typed containers ('' otherwise). */
  readonly className: string;
  /** `res://` script path, for script-typed containers ('' otherwise). */
  readonly script: string;

  constructor(builtinType: VariantType, className = '', script = '') {
    this.builtinType = builtinType;
    this.className = className;
    this.script = script;
  }

  /** A container of one built-in type: `ContainerType.builtin(VariantType.INT)` is `Array[int]`. */
  static builtin(type: VariantType): ContainerType {
    return type === VariantType.NIL ? ContainerType.NONE : new ContainerType(type);
  }

  /** A container of objects of one class: `Array[Node]`. */
  static ofClass(className: string): ContainerType {
    return new ContainerType(VariantType.OBJECT, className);
  }

  /** A container of objects with one script: `Array[MyScript]`. */
  static ofScript(path: string, className = ''): ContainerType {
    return new ContainerType(VariantType.OBJECT, className, path);
  }

  /** True for `NONE`. */
  isUntyped(): boolean {
    return this.builtinType === VariantType.NIL;
  }

  /** Same built-in type, class and script. */
  equals(o: ContainerType): boolean {
    return this.builtinType === o.builtinType && this.className === o.className && this.script === o.script;
  }
}

function asContainerType(t: ContainerType | VariantType): ContainerType {
  return t instanceof ContainerType ? t : ContainerType.builtin(t);
}

/**
 * Godot: a typed Array (`Array[int]`, 4.3+ on the wire). Decoded typed arrays keep their type here so
 * they re-encode byte for byte. Elements are not validated against the type.
 */
export class TypedArray<T extends Variant = Variant> implements Iterable<T> {
  readonly elementType: ContainerType;
  /** The elements. Not copied from the constructor argument when it is an array: do not mutate it. */
  readonly values: readonly T[];

  constructor(elementType: ContainerType | VariantType, values: Iterable<T> = []) {
    this.elementType = asContainerType(elementType);
    this.values = Array.isArray(values) ? values : Array.from(values);
  }

  /** Number of elements. */
  get length(): number {
    return this.values.length;
  }

  [Symbol.iterator](): Iterator<T> {
    return this.values[Symbol.iterator]();
  }
}

/** Godot: a typed Dictionary (`Dictionary[String, int]`, 4.4+ on the wire). Entries keep insertion order. */
export class TypedDictionary<K extends Variant = Variant, V extends Variant = Variant> {
  readonly keyType: ContainerType;
  readonly valueType: ContainerType;
  readonly entries: ReadonlyMap<K, V>;

  constructor(
    keyType: ContainerType | VariantType,
    valueType: ContainerType | VariantType,
    entries: ReadonlyMap<K, V> | Iterable<readonly [K, V]> = [],
  ) {
    this.keyType = asContainerType(keyType);
    this.valueType = asContainerType(valueType);
    this.entries = entries instanceof Map ? entries : new Map(entries);
  }

  /** Number of entries. */
  get size(): number {
    return this.entries.size;
  }

  /** The value stored under `key` (Map identity semantics for object keys). */
  get(key: K): V | undefined {
    return this.entries.get(key);
  }
}
