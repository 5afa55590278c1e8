/**
 * The Variant types that stand for engine things rather than plain data: StringName, RID, object
 * references, Callable and Signal markers, plus the `Float` wrapper that forces the FLOAT type.
 */
import type { Variant } from './variant.js';

/** Godot: StringName (core/string/string_name.h). Same bytes as a String on the wire, another type id. */
export class StringName {
  readonly value: string;

  constructor(value: string) {
    this.value = value;
  }

  /** Equal when the names are equal. */
  equals(o: StringName): boolean {
    return this.value === o.value;
  }

  /** The name itself, as Godot prints it. */
  toString(): string {
    return this.value;
  }
}

/** Godot: RID (core/templates/rid.h). A server resource handle; only meaningful on the machine that made it. */
export class RID {
  /** The unsigned 64-bit id (0 = invalid). */
  readonly id: bigint;

  constructor(id: bigint | number = 0n) {
    this.id = BigInt.asUintN(64, BigInt(id));
  }

  /** Godot: RID::is_valid. */
  isValid(): boolean {
    return this.id !== 0n;
  }

  /** Equal when the ids are equal. */
  equals(o: RID): boolean {
    return this.id === o.id;
  }

  /** `RID(42)`, as Godot prints it. */
  toString(): string {
    return `RID(${this.id})`;
  }
}

/**
 * Godot: EncodedObjectAsID (core/io/marshalls.h). What an Object becomes when it is sent as a bare
 * instance id (the multiplayer default): a handle that is meaningless on another machine.
 */
export class EncodedObjectAsID {
  /** The sender's unsigned 64-bit instance id (never 0: id 0 decodes to `null`). */
  readonly objectId: bigint;

  constructor(objectId: bigint | number) {
    this.objectId = BigInt.asUintN(64, BigInt(objectId));
  }

  /** Godot: EncodedObjectAsID::get_object_id. */
  getObjectId(): bigint {
    return this.objectId;
  }

  /** Equal when the ids are equal. */
  equals(o: EncodedObjectAsID): boolean {
    return this.objectId === o.objectId;
  }

  /** `<EncodedObjectAsID#42>`, as Godot prints an object. */
  toString(): string {
    return `<EncodedObjectAsID#${this.objectId}>`;
  }
}

/**
 * An Object sent in full (Godot's `full_objects` / `allow_object_decoding` mode): its class name and
 * stored properties, in order. scenenet never instantiates engine classes, so a decoded full object
 * stays this inert record. `objectId` is what is sent when full objects are off (0 sends a null object).
 */
export class EncodedObject {
  readonly className: string;
  readonly properties: ReadonlyMap<string, Variant>;
  readonly objectId: bigint;

  constructor(className: string, properties: ReadonlyMap<string, Variant> | Record<string, Variant> = {}, objectId: bigint = 0n) {
    this.className = className;
    this.properties = properties instanceof Map ? properties : new Map(Object.entries(properties));
    this.objectId = BigInt.asUintN(64, objectId);
  }

  /** Godot: Object::get. */
  get(property: string): Variant | undefined {
    return this.properties.get(property);
  }

  /** `<Node2D#0>`, as Godot prints an object. */
  toString(): string {
    return `<${this.className}#${this.objectId}>`;
  }
}

/**
 * Godot: Callable (core/variant/callable.h), as a non-transferable marker. A Callable is sent as a bare
 * header and always decodes as an empty Callable; JavaScript functions are not Variants.
 */
export class Callable {
  /** The empty Callable, the only one the wire can carry. */
  static readonly EMPTY = new Callable();

  /** Godot: Callable::is_null. Always true here. */
  isNull(): boolean {
    return true;
  }

  /** Every marker is equal to every other. */
  equals(o: Callable): boolean {
    return o instanceof Callable;
  }

  /** `null::null`, as Godot prints an empty Callable. */
  toString(): string {
    return 'null::null';
  }
}

/**
 * Godot: Signal (core/variant/callable.h) as a Variant value: an object id and a signal name. Named
 * SignalRef so it does not clash with scenenet's own `Signal` class. Meaningless on another machine.
 */
export class SignalRef {
  readonly objectId: bigint;
  readonly name: string;

  constructor(objectId: bigint | number, name: string) {
    this.objectId = BigInt.asUintN(64, BigInt(objectId));
    this.name = name;
  }

  /** Equal when id and name are equal. */
  equals(o: SignalRef): boolean {
    return this.objectId === o.objectId && this.name === o.name;
  }

  /** `null::name`, as Godot prints a Signal whose object is not local. */
  toString(): string {
    return `null::${this.name}`;
  }
}

/**
 * A number that must travel as FLOAT even though it is integral (`float(1)` sends `1.0`). Plain numbers
 * are sent as INT when they are safe integers and as FLOAT otherwise. Decoded FLOATs are plain numbers.
 */
export class Float {
  readonly value: number;

  constructor(value: number) {
    this.value = value;
  }

  /** The number, so `Float` works in arithmetic. */
  valueOf(): number {
    return this.value;
  }

  /** Equal when the numbers are equal (NaN equals NaN). */
  equals(o: Float): boolean {
    return this.value === o.value || (this.value !== this.value && o.value !== o.value);
  }

  /** The number as Godot prints a float (`1.0`). */
  toString(): string {
    return Number.isInteger(this.value) ? `${this.value}.0` : String(this.value);
  }
}

/** Wraps a number so it is encoded as FLOAT: `rpc('setSpeed', float(2))`. */
export function float(value: number): Float {
  return new Float(value);
}
