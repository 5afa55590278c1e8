/**
 * Godot's compound math types as small immutable value classes, built from the vector classes.
 * Float components are `real_t` (f32 in a standard build; see vectors.ts); Color is always f32.
 */
import { Vector2, Vector2i, Vector3, Vector4, formatReal, sameNumber } from './vectors.js';

/** Godot: Rect2 (core/math/rect2.h). */
export class Rect2 {
  readonly position: Vector2;
  readonly size: Vector2;

  /** `new Rect2(x, y, width, height)`, or `Rect2.from(position, size)`. */
  constructor(x = 0, y = 0, width = 0, height = 0) {
    this.position = new Vector2(x, y);
    this.size = new Vector2(width, height);
  }

  /** Builds a rectangle from its position and size vectors. */
  static from(position: Vector2, size: Vector2): Rect2 {
    return new Rect2(position.x, position.y, size.x, size.y);
  }

  /** Exact equality of position and size. */
  equals(o: Rect2): boolean {
    return this.position.equals(o.position) && this.size.equals(o.size);
  }

  /** `[P: (0.0, 0.0), S: (640.0, 480.0)]`, as Godot prints it. */
  toString(): string {
    return `[P: ${this.position}, S: ${this.size}]`;
  }
}

/** Godot: Rect2i (core/math/rect2i.h). */
export class Rect2i {
  readonly position: Vector2i;
  readonly size: Vector2i;

  /** `new Rect2i(x, y, width, height)`. */
  constructor(x = 0, y = 0, width = 0, height = 0) {
    this.position = new Vector2i(x, y);
    this.size = new Vector2i(width, height);
  }

  /** Exact equality of position and size. */
  equals(o: Rect2i): boolean {
    return this.position.equals(o.position) && this.size.equals(o.size);
  }

  /** `[P: (0, 0), S: (640, 480)]`, as Godot prints it. */
  toString(): string {
    return `[P: ${this.position}, S: ${this.size}]`;
  }
}

/** Godot: Transform2D (core/math/transform_2d.h). Three columns: x axis, y axis, origin. */
export class Transform2D {
  static readonly IDENTITY = new Transform2D(new Vector2(1, 0), new Vector2(0, 1), Vector2.ZERO);
  readonly x: Vector2;
  readonly y: Vector2;
  readonly origin: Vector2;

  constructor(x: Vector2, y: Vector2, origin: Vector2) {
    this.x = x;
    this.y = y;
    this.origin = origin;
  }

  /** Exact equality of the three columns. */
  equals(o: Transform2D): boolean {
    return this.x.equals(o.x) && this.y.equals(o.y) && this.origin.equals(o.origin);
  }

  /** `[X: (1.0, 0.0), Y: (0.0, 1.0), O: (0.0, 0.0)]`, as Godot prints it. */
  toString(): string {
    return `[X: ${this.x}, Y: ${this.y}, O: ${this.origin}]`;
  }
}

/** Godot: Plane (core/math/plane.h): normal and distance from the origin. */
export class Plane {
  readonly normal: Vector3;
  readonly d: number;

  constructor(normal: Vector3, d = 0) {
    this.normal = normal;
    this.d = Math.fround(d);
  }

  /** Exact equality of normal and distance. */
  equals(o: Plane): boolean {
    return this.normal.equals(o.normal) && sameNumber(this.d, o.d);
  }

  /** `[N: (0.0, 1.0, 0.0), D: 0.0]`, as Godot prints it. */
  toString(): string {
    return `[N: ${this.normal}, D: ${formatReal(this.d)}]`;
  }
}

/** Godot: Quaternion (core/math/quaternion.h). */
export class Quaternion {
  static readonly IDENTITY = new Quaternion(0, 0, 0, 1);
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly w: number;

  constructor(x = 0, y = 0, z = 0, w = 1) {
    this.x = Math.fround(x);
    this.y = Math.fround(y);
    this.z = Math.fround(z);
    this.w = Math.fround(w);
  }

  /** Component-wise exact equality (NaN equals NaN). */
  equals(o: Quaternion): boolean {
    return sameNumber(this.x, o.x) && sameNumber(this.y, o.y) && sameNumber(this.z, o.z) && sameNumber(this.w, o.w);
  }

  /** `(0.0, 0.0, 0.0, 1.0)`, as Godot prints it. */
  toString(): string {
    return `(${formatReal(this.x)}, ${formatReal(this.y)}, ${formatReal(this.z)}, ${formatReal(this.w)})`;
  }
}

/** Godot: AABB (core/math/aabb.h): an axis-aligned box. */
export class AABB {
  readonly position: Vector3;
  readonly size: Vector3;

  constructor(position: Vector3, size: Vector3) {
    this.position = position;
    this.size = size;
  }

  /** Exact equality of position and size. */
  equals(o: AABB): boolean {
    return this.position.equals(o.position) && this.size.equals(o.size);
  }

  /** `[P: (0.0, 0.0, 0.0), S: (1.0, 1.0, 1.0)]`, as Godot prints it. */
  toString(): string {
    return `[P: ${this.position}, S: ${this.size}]`;
  }
}

/**
 * Godot: Basis (core/math/basis.h). Built from its three column vectors (the x, y and z axes), as
 * Godot's `Basis(x_axis, y_axis, z_axis)`; Godot stores and sends it row by row (`row(i)`).
 */
export class Basis {
  static readonly IDENTITY = new Basis(new Vector3(1, 0, 0), new Vector3(0, 1, 0), new Vector3(0, 0, 1));
  readonly x: Vector3;
  readonly y: Vector3;
  readonly z: Vector3;

  constructor(x: Vector3, y: Vector3, z: Vector3) {
    this.x = x;
    this.y = y;
    this.z = z;
  }

  /** Builds a basis from its three rows (the wire order). */
  static fromRows(r0: Vector3, r1: Vector3, r2: Vector3): Basis {
    return new Basis(new Vector3(r0.x, r1.x, r2.x), new Vector3(r0.y, r1.y, r2.y), new Vector3(r0.z, r1.z, r2.z));
  }

  /** Row `i` (0–2): the i-th component of each column. */
  row(i: 0 | 1 | 2): Vector3 {
    const k = (['x', 'y', 'z'] as const)[i];
    return new Vector3(this.x[k], this.y[k], this.z[k]);
  }

  /** Exact equality of the three columns. */
  equals(o: Basis): boolean {
    return this.x.equals(o.x) && this.y.equals(o.y) && this.z.equals(o.z);
  }

  /** `[X: (1.0, 0.0, 0.0), Y: (0.0, 1.0, 0.0), Z: (0.0, 0.0, 1.0)]`, as Godot prints it. */
  toString(): string {
    return `[X: ${this.x}, Y: ${this.y}, Z: ${this.z}]`;
  }
}

/** Godot: Transform3D (core/math/transform_3d.h): a basis and an origin. */
export class Transform3D {
  static readonly IDENTITY = new Transform3D(Basis.IDENTITY, Vector3.ZERO);
  readonly basis: Basis;
  readonly origin: Vector3;

  constructor(basis: Basis, origin: Vector3) {
    this.basis = basis;
    this.origin = origin;
  }

  /** Exact equality of basis and origin. */
  equals(o: Transform3D): boolean {
    return this.basis.equals(o.basis) && this.origin.equals(o.origin);
  }

  /** `[X: (1.0, 0.0, 0.0), Y: (0.0, 1.0, 0.0), Z: (0.0, 0.0, 1.0), O: (0.0, 0.0, 0.0)]`, as Godot prints it. */
  toString(): string {
    return `[X: ${this.basis.x}, Y: ${this.basis.y}, Z: ${this.basis.z}, O: ${this.origin}]`;
  }
}

/** Godot: Projection (core/math/projection.h): a 4×4 matrix given by its four columns. */
export class Projection {
  static readonly IDENTITY = new Projection(
    new Vector4(1, 0, 0, 0),
    new Vector4(0, 1, 0, 0),
    new Vector4(0, 0, 1, 0),
    new Vector4(0, 0, 0, 1),
  );
  readonly x: Vector4;
  readonly y: Vector4;
  readonly z: Vector4;
  readonly w: Vector4;

  constructor(x: Vector4, y: Vector4, z: Vector4, w: Vector4) {
    this.x = x;
    this.y = y;
    this.z = z;
    this.w = w;
  }

  /** Exact equality of the four columns. */
  equals(o: Projection): boolean {
    return this.x.equals(o.x) && this.y.equals(o.y) && this.z.equals(o.z) && this.w.equals(o.w);
  }

  /** `[X: (1.0, 0.0, 0.0, 0.0), Y: …, Z: …, W: …]`. */
  toString(): string {
    return `[X: ${this.x}, Y: ${this.y}, Z: ${this.z}, W: ${this.w}]`;
  }
}

/** Godot: Color (core/math/color.h). Always 32-bit float components, in every Godot build. */
export class Color {
  readonly r: number;
  readonly g: number;
  readonly b: number;
  readonly a: number;

  constructor(r = 0, g = 0, b = 0, a = 1) {
    this.r = Math.fround(r);
    this.g = Math.fround(g);
    this.b = Math.fround(b);
    this.a = Math.fround(a);
  }

  /** Component-wise exact equality (NaN equals NaN). */
  equals(o: Color): boolean {
    return sameNumber(this.r, o.r) && sameNumber(this.g, o.g) && sameNumber(this.b, o.b) && sameNumber(this.a, o.a);
  }

  /** `(1.0, 0.0, 0.0, 1.0)`, as Godot prints it. */
  toString(): string {
    return `(${formatReal(this.r)}, ${formatReal(this.g)}, ${formatReal(this.b)}, ${formatReal(this.a)})`;
  }
}
