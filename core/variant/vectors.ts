/**
 * Godot's vector types as small immutable value classes. Float vectors store `real_t` components,
 * which are 32-bit floats in a standard Godot build, so the constructors round every component with
 * `Math.fround`: what you build is exactly what Godot holds and what goes on the wire. Integer
 * vectors store int32 components (`x | 0`, as a C++ int32 assignment would).
 */

/** Prints a float component as Godot does: shortest form that reads back as the same f32, `1.0` for integers. */
export function formatReal(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v)) return Object.is(v, -0) ? '-0.0' : `${v}.0`;
  for (let p = 1; p < 17; p++) {
    const s = Number(v.toPrecision(p));
    if (Math.fround(s) === v || s === v) return String(s);
  }
  return String(v);
}

/** NaN-tolerant exact equality for components (Godot compares Variants in dictionaries the same way). */
export function sameNumber(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}

/** Godot: Vector2 (core/math/vector2.h). */
export class Vector2 {
  static readonly ZERO = new Vector2(0, 0);
  readonly x: number;
  readonly y: number;

  constructor(x = 0, y = 0) {
    this.x = Math.fround(x);
    this.y = Math.fround(y);
  }

  /** Component-wise exact equality (NaN equals NaN). */
  equals(o: Vector2): boolean {
    return sameNumber(this.x, o.x) && sameNumber(this.y, o.y);
  }

  /** `(1.0, 2.0)`, as Godot prints it. */
  toString(): string {
    return `(${formatReal(this.x)}, ${formatReal(this.y)})`;
  }
}

/** Godot: Vector2i (core/math/vector2i.h). */
export class Vector2i {
  static readonly ZERO = new Vector2i(0, 0);
  readonly x: number;
  readonly y: number;

  constructor(x = 0, y = 0) {
    this.x = x | 0;
    this.y = y | 0;
  }

  /** Component-wise equality. */
  equals(o: Vector2i): boolean {
    return this.x === o.x && this.y === o.y;
  }

  /** `(3, -4)`, as Godot prints it. */
  toString(): string {
    return `(${this.x}, ${this.y})`;
  }
}

/** Godot: Vector3 (core/math/vector3.h). */
export class Vector3 {
  static readonly ZERO = new Vector3(0, 0, 0);
  readonly x: number;
  readonly y: number;
  readonly z: number;

  constructor(x = 0, y = 0, z = 0) {
    this.x = Math.fround(x);
    this.y = Math.fround(y);
    this.z = Math.fround(z);
  }

  /** Component-wise exact equality (NaN equals NaN). */
  equals(o: Vector3): boolean {
    return sameNumber(this.x, o.x) && sameNumber(this.y, o.y) && sameNumber(this.z, o.z);
  }

  /** `(1.0, 2.0, 3.0)`, as Godot prints it. */
  toString(): string {
    return `(${formatReal(this.x)}, ${formatReal(this.y)}, ${formatReal(this.z)})`;
  }
}

/** Godot: Vector3i (core/math/vector3i.h). */
export class Vector3i {
  static readonly ZERO = new Vector3i(0, 0, 0);
  readonly x: number;
  readonly y: number;
  readonly z: number;

  constructor(x = 0, y = 0, z = 0) {
    this.x = x | 0;
    this.y = y | 0;
    this.z = z | 0;
  }

  /** Component-wise equality. */
  equals(o: Vector3i): boolean {
    return this.x === o.x && this.y === o.y && this.z === o.z;
  }

  /** `(1, 2, 3)`, as Godot prints it. */
  toString(): string {
    return `(${this.x}, ${this.y}, ${this.z})`;
  }
}

/** Godot: Vector4 (core/math/vector4.h). */
export class Vector4 {
  static readonly ZERO = new Vector4(0, 0, 0, 0);
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly w: number;

  constructor(x = 0, y = 0, z = 0, w = 0) {
    this.x = Math.fround(x);
    this.y = Math.fround(y);
    this.z = Math.fround(z);
    this.w = Math.fround(w);
  }

  /** Component-wise exact equality (NaN equals NaN). */
  equals(o: Vector4): boolean {
    return sameNumber(this.x, o.x) && sameNumber(this.y, o.y) && sameNumber(this.z, o.z) && sameNumber(this.w, o.w);
  }

  /** `(1.0, 2.0, 3.0, 4.0)`, as Godot prints it. */
  toString(): string {
    return `(${formatReal(this.x)}, ${formatReal(this.y)}, ${formatReal(this.z)}, ${formatReal(this.w)})`;
  }
}

/** Godot: Vector4i (core/math/vector4i.h). */
export class Vector4i {
  static readonly ZERO = new Vector4i(0, 0, 0, 0);
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly w: number;

  constructor(x = 0, y = 0, z = 0, w = 0) {
    this.x = x | 0;
    this.y = y | 0;
    this.z = z | 0;
    this.w = w | 0;
  }

  /** Component-wise equality. */
  equals(o: Vector4i): boolean {
    return this.x === o.x && this.y === o.y && this.z === o.z && this.w === o.w;
  }

  /** `(1, 2, 3, 4)`, as Godot prints it. */
  toString(): string {
    return `(${this.x}, ${this.y}, ${this.z}, ${this.w})`;
  }
}
