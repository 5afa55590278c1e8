import { Basis, Quaternion, Transform2D, Transform3D, Vector2, Vector3, type Variant } from '../core/index.js';

const TAU = Math.PI * 2;

/** `a + (b - a) · t` (t > 1 extrapolates). */
export function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

/** Godot: lerp_angle: from angle `a` toward `b` the shortest way round (radians). */
export function lerpAngle(a: number, b: number, t: number): number {
  return a + shortestAngle(a, b) * t;
}

/** The signed difference `b - a` wrapped into [-π, π). */
export function shortestAngle(a: number, b: number): number {
  const d = (((b - a) % TAU) + TAU) % TAU;
  return d >= Math.PI ? d - TAU : d;
}

export function lerpVector2(a: Vector2, b: Vector2, t: number): Vector2 {
  return new Vector2(lerp(a.x, b.x, t), lerp(a.y, b.y, t));
}

export function lerpVector3(a: Vector3, b: Vector3, t: number): Vector3 {
  return new Vector3(lerp(a.x, b.x, t), lerp(a.y, b.y, t), lerp(a.z, b.z, t));
}

/**
 * Godot: Transform2D::interpolate_with: origin and scale linearly, rotation the shortest way (skew is
 * taken from `b`, as rotation/scale/origin are what games move).
 */
export function interpolateTransform2D(a: Transform2D, b: Transform2D, t: number): Transform2D {
  const ra = Math.atan2(a.x.y, a.x.x);
  const rb = Math.atan2(b.x.y, b.x.x);
  const rot = lerpAngle(ra, rb, t);
  const sx = lerp(Math.hypot(a.x.x, a.x.y), Math.hypot(b.x.x, b.x.y), t);
  const sy = lerp(Math.hypot(a.y.x, a.y.y), Math.hypot(b.y.x, b.y.y), t);
  // b's skew: the angle of its y axis relative to its x axis.
  const skew = Math.atan2(b.y.y, b.y.x) - rb;
  const c = Math.cos(rot);
  const s = Math.sin(rot);
  return new Transform2D(
    new Vector2(c * sx, s * sx),
    new Vector2(Math.cos(rot + skew) * sy, Math.sin(rot + skew) * sy),
    lerpVector2(a.origin, b.origin, t),
  );
}

/** Godot: Transform3D::interpolate_with: origin and scale linearly, rotation by quaternion slerp. */
export function interpolateTransform3D(a: Transform3D, b: Transform3D, t: number): Transform3D {
  const sa = basisScale(a.basis);
  const sb = basisScale(b.basis);
  const q = slerp(basisRotation(a.basis, sa), basisRotation(b.basis, sb), t);
  return new Transform3D(basisFrom(q, lerpVector3(sa, sb, t)), lerpVector3(a.origin, b.origin, t));
}

/** Godot: Quaternion::slerp, the shorter arc (t outside [0, 1] extrapolates along it). */
export function slerp(a: Quaternion, b: Quaternion, t: number): Quaternion {
  let cos = a.x * b.x + a.y * b.y + a.z * b.z + a.w * b.w;
  let bx = b.x;
  let by = b.y;
  let bz = b.z;
  let bw = b.w;
  if (cos < 0) {
    cos = -cos;
    bx = -bx;
    by = -by;
    bz = -bz;
    bw = -bw;
  }
  let k0 = 1 - t;
  let k1 = t;
  if (1 - cos > 1e-6) {
    const omega = Math.acos(Math.min(1, cos));
    const sin = Math.sin(omega);
    k0 = Math.sin((1 - t) * omega) / sin;
    k1 = Math.sin(t * omega) / sin;
  }
  return new Quaternion(k0 * a.x + k1 * bx, k0 * a.y + k1 * by, k0 * a.z + k1 * bz, k0 * a.w + k1 * bw);
}

function basisScale(b: Basis): Vector3 {
  return new Vector3(len(b.x), len(b.y), len(b.z));
}

function len(v: Vector3): number {
  return Math.hypot(v.x, v.y, v.z);
}

/** The rotation of a basis whose columns are scaled by `scale`, as a unit quaternion. */
function basisRotation(b: Basis, scale: Vector3): Quaternion {
  // Column-major rotation matrix m[row][col].
  const c = [b.x, b.y, b.z].map((v, i) => {
    const s = [scale.x, scale.y, scale.z][i]! || 1;
    return [v.x / s, v.y / s, v.z / s];
  });
  const m = (r: number, col: number): number => c[col]![r]!;
  const trace = m(0, 0) + m(1, 1) + m(2, 2);
  let q: [number, number, number, number];
  if (trace > 0) {
    const s = Math.sqrt(trace + 1) * 2;
    q = [(m(2, 1) - m(1, 2)) / s, (m(0, 2) - m(2, 0)) / s, (m(1, 0) - m(0, 1)) / s, s / 4];
  } else if (m(0, 0) > m(1, 1) && m(0, 0) > m(2, 2)) {
    const s = Math.sqrt(1 + m(0, 0) - m(1, 1) - m(2, 2)) * 2;
    q = [s / 4, (m(0, 1) + m(1, 0)) / s, (m(0, 2) + m(2, 0)) / s, (m(2, 1) - m(1, 2)) / s];
  } else if (m(1, 1) > m(2, 2)) {
    const s = Math.sqrt(1 + m(1, 1) - m(0, 0) - m(2, 2)) * 2;
    q = [(m(0, 1) + m(1, 0)) / s, s / 4, (m(1, 2) + m(2, 1)) / s, (m(0, 2) - m(2, 0)) / s];
  } else {
    const s = Math.sqrt(1 + m(2, 2) - m(0, 0) - m(1, 1)) * 2;
    q = [(m(0, 2) + m(2, 0)) / s, (m(1, 2) + m(2, 1)) / s, s / 4, (m(1, 0) - m(0, 1)) / s];
  }
  const n = Math.hypot(...q);
  return new Quaternion(q[0] / n, q[1] / n, q[2] / n, q[3] / n);
}

/** A basis rotating by the unit quaternion `q`, its columns scaled by `scale`. */
function basisFrom(q: Quaternion, scale: Vector3): Basis {
  const n = Math.hypot(q.x, q.y, q.z, q.w) || 1;
  const x = q.x / n;
  const y = q.y / n;
  const z = q.z / n;
  const w = q.w / n;
  return new Basis(
    new Vector3((1 - 2 * (y * y + z * z)) * scale.x, 2 * (x * y + w * z) * scale.x, 2 * (x * z - w * y) * scale.x),
    new Vector3(2 * (x * y - w * z) * scale.y, (1 - 2 * (x * x + z * z)) * scale.y, 2 * (y * z + w * x) * scale.y),
    new Vector3(2 * (x * z + w * y) * scale.z, 2 * (y * z - w * x) * scale.z, (1 - 2 * (x * x + y * y)) * scale.z),
  );
}

/**
 * Interpolates two replicated values of the same kind: numbers (as angles when `angle`), Vector2/3,
 * Quaternion, Transform2D/3D. Anything else (strings, booleans, mismatched kinds) steps: `a` until
 * t reaches 1, then `b`.
 */
export function interpolateVariant(a: Variant, b: Variant, t: number, angle = false): Variant {
  if (typeof a === 'number' && typeof b === 'number') return angle ? lerpAngle(a, b, t) : lerp(a, b, t);
  if (a instanceof Vector2 && b instanceof Vector2) return lerpVector2(a, b, t);
  if (a instanceof Vector3 && b instanceof Vector3) return lerpVector3(a, b, t);
  if (a instanceof Quaternion && b instanceof Quaternion) return slerp(a, b, t);
  if (a instanceof Transform2D && b instanceof Transform2D) return interpolateTransform2D(a, b, t);
  if (a instanceof Transform3D && b instanceof Transform3D) return interpolateTransform3D(a, b, t);
  return t < 1 ? a : b;
}

/**
 * `a - b` for states made of numbers, Vector2/3 and arrays of them (what prediction smooths); null for
 * anything else (those states snap).
 */
export function difference(a: Variant, b: Variant): Variant | null {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (a instanceof Vector2 && b instanceof Vector2) return new Vector2(a.x - b.x, a.y - b.y);
  if (a instanceof Vector3 && b instanceof Vector3) return new Vector3(a.x - b.x, a.y - b.y, a.z - b.z);
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    const out: Variant[] = [];
    for (let i = 0; i < a.length; i++) {
      const d = difference(a[i] as Variant, b[i] as Variant);
      if (d === null) return null;
      out.push(d);
    }
    return out;
  }
  return null;
}

/** `s + d · k` for a difference `d` from `difference()`. */
export function addScaled(s: Variant, d: Variant, k: number): Variant {
  if (typeof s === 'number' && typeof d === 'number') return s + d * k;
  if (s instanceof Vector2 && d instanceof Vector2) return new Vector2(s.x + d.x * k, s.y + d.y * k);
  if (s instanceof Vector3 && d instanceof Vector3) return new Vector3(s.x + d.x * k, s.y + d.y * k, s.z + d.z * k);
  if (Array.isArray(s) && Array.isArray(d)) return s.map((v, i) => addScaled(v as Variant, d[i] as Variant, k));
  return s;
}

/** Euclidean size of a difference (all its numbers together). */
export function magnitude(d: Variant): number {
  if (typeof d === 'number') return Math.abs(d);
  if (d instanceof Vector2) return Math.hypot(d.x, d.y);
  if (d instanceof Vector3) return Math.hypot(d.x, d.y, d.z);
  if (Array.isArray(d)) return Math.hypot(...d.map((v) => magnitude(v as Variant)));
  return 0;
}
