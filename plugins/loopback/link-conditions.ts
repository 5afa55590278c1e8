import { ErrorCode, MultiplayerError, TransferMode, randomFloat, type Rng } from '../../core/index.js';

/**
 * The seeded conditions of one directed link. Probabilities are in [0, 1]; times in ms;
 * `bandwidthBytesPerSec` 0 means unlimited.
 */
export interface LinkConditions {
  /** One-way base delay. */
  readonly latencyMs: number;
  /** Each packet's delay is `latencyMs ± jitterMs` (uniform, never below 0). Jitter reorders unreliable packets. */
  readonly jitterMs: number;
  /** Chance that one transmission is lost (reliable packets are then retransmitted). */
  readonly loss: number;
  /** Chance that an unreliable packet arrives twice. */
  readonly duplicate: number;
  /** Chance that an unreliable packet is held back by `reorderDelayMs(conditions)` so later ones overtake it. */
  readonly reorder: number;
  /** Serialisation rate of the link: packets queue behind each other. 0 = unlimited. */
  readonly bandwidthBytesPerSec: number;
}

/** A perfect link: instant, lossless, unlimited. */
export const PERFECT_LINK: LinkConditions = Object.freeze({
  latencyMs: 0,
  jitterMs: 0,
  loss: 0,
  duplicate: 0,
  reorder: 0,
  bandwidthBytesPerSec: 0,
});

const { RELIABLE } = TransferMode;
const PROBABILITIES = ['loss', 'duplicate', 'reorder'] as const;
const NON_NEGATIVE = ['latencyMs', 'jitterMs', 'bandwidthBytesPerSec'] as const;

/** `base` with `changes` applied; throws `MultiplayerError(ERR_INVALID_PARAMETER)` on an out-of-range value. */
export function mergeConditions(base: LinkConditions, changes: Partial<LinkConditions>): LinkConditions {
  const merged = { ...base, ...changes };
  for (const key of PROBABILITIES) {
    const v = merged[key];
    if (!(v >= 0 && v <= 1)) {
      throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, `Link condition ${key} must be in [0, 1], got ${v}.`);
    }
  }
  for (const key of NON_NEGATIVE) {
    const v = merged[key];
    if (!(v >= 0 && Number.isFinite(v))) {
      throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, `Link condition ${key} must be finite and >= 0, got ${v}.`);
    }
  }
  return Object.freeze(merged);
}

/** How long a reordered packet is held back: long enough for the next packets to overtake it. */
export function reorderDelayMs(c: LinkConditions): number {
  return Math.max(c.latencyMs, 2 * c.jitterMs, 10);
}

/** Base retransmission delay of a reliable packet on a link (doubled per failed attempt, capped). */
export function retransmitDelayMs(c: LinkConditions, attempt: number): number {
  // Like ENet's rtt + 4 · variance, from what the link is configured to do rather than measured.
  const base = Math.max(10, 2 * c.latencyMs + 4 * c.jitterMs);
  return Math.min(base * 2 ** attempt, Math.max(base, 1000));
}

/** Mutable per-link state the shaper needs: when the link's serialiser is free again. */
export interface LinkState {
  busyUntilMs: number;
}

/** The fate of one transmission over a link. */
export interface Transmission {
  /** True if the transmission was lost on the way. */
  readonly lost: boolean;
  /** Arrival times of the copies that arrive: one normally, two when duplicated, none when lost. */
  readonly arrivals: readonly number[];
}

/**
 * Decides the fate of one transmission sent at `nowMs`: bandwidth queueing, loss, delay with jitter,
 * and (for unreliable modes) duplication and reordering. Draws from `rng` only for conditions that
 * are non-zero, so a perfect link consumes no randomness.
 */
export function transmit(c: LinkConditions, rng: Rng, state: LinkState, nowMs: number, size: number, mode: TransferMode): Transmission {
  let departMs = nowMs;
  if (c.bandwidthBytesPerSec > 0) {
    departMs = Math.max(nowMs, state.busyUntilMs) + (size * 1000) / c.bandwidthBytesPerSec;
    state.busyUntilMs = departMs;
  }
  if (c.loss > 0 && randomFloat(rng) < c.loss) return { lost: true, arrivals: [] };
  const unreliable = mode !== RELIABLE;
  let first = departMs + delayMs(c, rng);
  if (unreliable && c.reorder > 0 && randomFloat(rng) < c.reorder) first += reorderDelayMs(c);
  if (unreliable && c.duplicate > 0 && randomFloat(rng) < c.duplicate) {
    return { lost: false, arrivals: [first, departMs + delayMs(c, rng)] };
  }
  return { lost: false, arrivals: [first] };
}

function delayMs(c: LinkConditions, rng: Rng): number {
  if (c.jitterMs === 0) return c.latencyMs;
  return Math.max(0, c.latencyMs + (2 * randomFloat(rng) - 1) * c.jitterMs);
}
