import { Vector2 } from '../core/index.js';

/** A 2D input direction from the network: a Vector2 with each axis in [-1, 1] (NaN refused). */
export function isAxisInput2(value: unknown): value is Vector2 {
  return value instanceof Vector2 && Math.abs(value.x) <= 1 && Math.abs(value.y) <= 1;
}

/** A 2D state from the network: a Vector2 with finite components. */
export function isFiniteVector2(value: unknown): value is Vector2 {
  return value instanceof Vector2 && Number.isFinite(value.x) && Number.isFinite(value.y);
}
