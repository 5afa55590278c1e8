import { Rect2, Vector2, Vector3 } from '../core/index.js';
import { lerp, lerpVector2, lerpVector3 } from './interpolate.js';
import type { NetworkTime } from './network-time.js';

/** A hit shape, in world coordinates. */
export type HitShape =
  | { readonly kind: 'circle'; readonly center: Vector2; readonly radius: number }
  | { readonly kind: 'rect'; readonly rect: Rect2 }
  | { readonly kind: 'sphere'; readonly center: Vector3; readonly radius: number };

/** Options of `new LagCompensation()`. */
export interface LagCompensationOptions {
  /** The server's clock: shapes are recorded after each network tick. */
  readonly time: NetworkTime;
  /** How far back a shot may be rewound. Default 1000 ms (Valve's sv_maxunlag default). */
  readonly maxRewindMs?: number;
}

/** Why a rewind was refused. */
export type RewindRefusal = 'not-a-tick' | 'in-the-future' | 'too-old';

/**
 * Lag compensation (not in Godot; Valve's "Latency Compensating Methods" is the model): the server keeps
 * each registered hit shape for every network tick of the last `maxRewindMs`, and tests a shot against
 * the shapes as they were at the (fractional) tick the shooter saw, interpolated between the recorded
 * ticks exactly as a SnapshotInterpolator rendered them. The shooter reports that tick with its shot
 * (`NetworkTime.preciseTick - delay`); claims outside the window are refused, so a client cannot reach
 * further into the past than the server allows.
 */
export class LagCompensation {
  readonly maxRewindMs: number;
  readonly #time: NetworkTime;
  readonly #providers = new Map<string, () => HitShape | null>();
  /** tick → (id → shape) */
  readonly #history = new Map<number, Map<string, HitShape>>();
  readonly #off: () => void;

  constructor(options: LagCompensationOptions) {
    this.#time = options.time;
    this.maxRewindMs = options.maxRewindMs ?? 1000;
    this.#off = options.time.afterTick.connect((tick) => this.#record(tick));
  }

  /** Records `shape()` for `id` after every tick (null: not hittable this tick, e.g. dead). */
  register(id: string, shape: () => HitShape | null): void {
    this.#providers.set(id, shape);
  }

  unregister(id: string): void {
    this.#providers.delete(id);
  }

  /** Stops recording. */
  dispose(): void {
    this.#off();
    this.#history.clear();
  }

  /** The oldest tick still recorded (NaN before any). */
  get oldestTick(): number {
    return this.#history.size === 0 ? Number.NaN : this.#history.keys().next().value!;
  }

  /** The shapes as they were at `tick` (fractional: between the two recorded ticks), or why not. */
  rewind(tick: number): Map<string, HitShape> | RewindRefusal {
    if (!Number.isFinite(tick)) return 'not-a-tick';
    if (tick > this.#time.tick) return 'in-the-future';
    const lo = Math.floor(tick);
    const a = this.#history.get(lo);
    if (a === undefined || this.#time.tick - tick > this.maxRewindMs / this.#time.tickMs) return 'too-old';
    const b = this.#history.get(lo + 1);
    const t = tick - lo;
    if (b === undefined || t === 0) return new Map(a);
    const out = new Map<string, HitShape>();
    for (const [id, sa] of a) {
      const sb = b.get(id);
      out.set(id, sb === undefined ? sa : blend(sa, sb, t));
    }
    return out;
  }

  /** Ids of the shapes containing `point` at `tick`, or why the rewind was refused. */
  hitTest(tick: number, point: Vector2 | Vector3): string[] | RewindRefusal {
    const shapes = this.rewind(tick);
    if (typeof shapes === 'string') return shapes;
    return [...shapes].filter(([, s]) => contains(s, point)).map(([id]) => id);
  }

  /** The nearest shape a ray from `origin` along `direction` hits within `maxDistance` at `tick`. */
  raycast(
    tick: number,
    origin: Vector2 | Vector3,
    direction: Vector2 | Vector3,
    maxDistance = Number.POSITIVE_INFINITY,
  ): { id: string; distance: number } | null | RewindRefusal {
    const shapes = this.rewind(tick);
    if (typeof shapes === 'string') return shapes;
    let best: { id: string; distance: number } | null = null;
    for (const [id, s] of shapes) {
      const d = rayDistance(s, origin, direction);
      if (d !== null && d <= maxDistance && (best === null || d < best.distance)) best = { id, distance: d };
    }
    return best;
  }

  #record(tick: number): void {
    const shapes = new Map<string, HitShape>();
    for (const [id, provider] of this.#providers) {
      const s = provider();
      if (s !== null) shapes.set(id, s);
    }
    this.#history.set(tick, shapes);
    const keep = Math.ceil(this.maxRewindMs / this.#time.tickMs) + 1;
    for (const old of this.#history.keys()) {
      if (old > tick - keep) break;
      this.#history.delete(old);
    }
  }
}

function blend(a: HitShape, b: HitShape, t: number): HitShape {
  if (a.kind === 'circle' && b.kind === 'circle')
    return { kind: 'circle', center: lerpVector2(a.center, b.center, t), radius: lerp(a.radius, b.radius, t) };
  if (a.kind === 'sphere' && b.kind === 'sphere')
    return { kind: 'sphere', center: lerpVector3(a.center, b.center, t), radius: lerp(a.radius, b.radius, t) };
  if (a.kind === 'rect' && b.kind === 'rect') {
    const p = lerpVector2(a.rect.position, b.rect.position, t);
    const size = lerpVector2(a.rect.size, b.rect.size, t);
    return { kind: 'rect', rect: new Rect2(p.x, p.y, size.x, size.y) };
  }
  return t < 0.5 ? a : b;
}

function contains(s: HitShape, p: Vector2 | Vector3): boolean {
  if (s.kind === 'sphere') return p instanceof Vector3 && Math.hypot(p.x - s.center.x, p.y - s.center.y, p.z - s.center.z) <= s.radius;
  if (!(p instanceof Vector2)) return false;
  if (s.kind === 'circle') return Math.hypot(p.x - s.center.x, p.y - s.center.y) <= s.radius;
  const r = s.rect;
  return p.x >= r.position.x && p.y >= r.position.y && p.x <= r.position.x + r.size.x && p.y <= r.position.y + r.size.y;
}

/** Distance along the (normalised) ray to the shape, or null if it misses. */
function rayDistance(s: HitShape, origin: Vector2 | Vector3, direction: Vector2 | Vector3): number | null {
  if ((s.kind === 'sphere') !== origin instanceof Vector3 || origin instanceof Vector3 !== direction instanceof Vector3) return null;
  const o = [origin.x, origin.y, origin instanceof Vector3 ? origin.z : 0];
  const len = Math.hypot(direction.x, direction.y, direction instanceof Vector3 ? direction.z : 0);
  if (len === 0) return null;
  const d = [direction.x / len, direction.y / len, direction instanceof Vector3 ? direction.z / len : 0];
  if (s.kind === 'rect') {
    // Slab test in 2D.
    const min = [s.rect.position.x, s.rect.position.y];
    const max = [s.rect.position.x + s.rect.size.x, s.rect.position.y + s.rect.size.y];
    let near = 0;
    let far = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 2; i++) {
      if (d[i] === 0) {
        if (o[i]! < min[i]! || o[i]! > max[i]!) return null;
        continue;
      }
      const t1 = (min[i]! - o[i]!) / d[i]!;
      const t2 = (max[i]! - o[i]!) / d[i]!;
      near = Math.max(near, Math.min(t1, t2));
      far = Math.min(far, Math.max(t1, t2));
    }
    return near <= far ? near : null;
  }
  const c = [s.center.x, s.center.y, s.kind === 'sphere' ? s.center.z : 0];
  const oc = [o[0]! - c[0]!, o[1]! - c[1]!, o[2]! - c[2]!];
  const b = oc[0]! * d[0]! + oc[1]! * d[1]! + oc[2]! * d[2]!;
  const q = oc[0]! ** 2 + oc[1]! ** 2 + oc[2]! ** 2 - s.radius ** 2;
  const disc = b * b - q;
  if (disc < 0) return null;
  const t = -b - Math.sqrt(disc);
  if (t >= 0) return t;
  return q <= 0 ? 0 : null; // inside the shape: hit at the origin
}
