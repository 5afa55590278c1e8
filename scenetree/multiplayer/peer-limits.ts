import { ErrorCode, MultiplayerError } from '../../core/index.js';
import { DROP_REASONS, type DropReason, type PeerStats } from './multiplayer-stats.js';

/**
 * `SceneMultiplayer#limits`: what one peer, and all peers of the API together (one room), may send,
 * and when a misbehaving peer is disconnected. Budgets are token buckets refilled from the API's
 * injected Clock, so a Simulation with a manual clock limits deterministically. Packets from the
 * server (peer 1) are never limited: a client trusts its server. Local policy: no byte on the wire
 * changes, and a Godot peer is limited like any other.
 */
export interface MultiplayerLimits {
  /** RPCs per second one peer may send (relayed RPCs included). `Infinity`: no limit. */
  readonly peerRpcsPerSecond: number;
  /** RPCs one peer may send in a burst (the bucket's size). */
  readonly peerRpcBurst: number;
  /** Bytes per second one peer may send (every SceneMultiplayer packet). `Infinity`: no limit. */
  readonly peerBytesPerSecond: number;
  /** Bytes one peer may send in a burst. A packet passes while the bucket is not empty, so one larger packet is never stuck. */
  readonly peerBytesBurst: number;
  /** RPCs per second all peers together may send (a peer's excess never counts here). */
  readonly totalRpcsPerSecond: number;
  readonly totalRpcBurst: number;
  /** Bytes per second all peers together may send. */
  readonly totalBytesPerSecond: number;
  readonly totalBytesBurst: number;
  /** Packets over budget a peer may send per window and stay connected (sustained abuse disconnects it). `Infinity`: never. */
  readonly rateLimitedPerWindow: number;
  /** Malformed packets a peer may send per window and stay connected; 0: the first one disconnects. `Infinity`: never. */
  readonly malformedPerWindow: number;
  /** Length of the window of both counts above, in milliseconds. */
  readonly windowMs: number;
}

/**
 * Safe defaults: generous for a game (1,000 RPCs and 1 MiB per second per peer, bursts of the same
 * size; 20,000 RPCs and 16 MiB per second per API), tight for a flood: a peer whose packets are over
 * budget more than 1,000 times in 10 s, or that sends more than 10 malformed packets in 10 s, is
 * disconnected.
 */
export const DEFAULT_LIMITS: MultiplayerLimits = Object.freeze({
  peerRpcsPerSecond: 1000,
  peerRpcBurst: 1000,
  peerBytesPerSecond: 1 << 20,
  peerBytesBurst: 1 << 20,
  totalRpcsPerSecond: 20_000,
  totalRpcBurst: 20_000,
  totalBytesPerSecond: 16 << 20,
  totalBytesBurst: 16 << 20,
  rateLimitedPerWindow: 1000,
  malformedPerWindow: 10,
  windowMs: 10_000,
});

/** No budgets and no disconnection for malformed packets (Godot's behaviour). */
export const UNLIMITED: MultiplayerLimits = Object.freeze({
  peerRpcsPerSecond: Infinity,
  peerRpcBurst: Infinity,
  peerBytesPerSecond: Infinity,
  peerBytesBurst: Infinity,
  totalRpcsPerSecond: Infinity,
  totalRpcBurst: Infinity,
  totalBytesPerSecond: Infinity,
  totalBytesBurst: Infinity,
  rateLimitedPerWindow: Infinity,
  malformedPerWindow: Infinity,
  windowMs: 10_000,
});

/** Checks and completes a partial limits object (missing keys from `base`). */
export function normalizeLimits(input: Partial<MultiplayerLimits>, base: MultiplayerLimits = DEFAULT_LIMITS): MultiplayerLimits {
  const out = { ...base, ...input };
  for (const [key, value] of Object.entries(out)) {
    if (!Object.hasOwn(DEFAULT_LIMITS, key))
      throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, `Unknown multiplayer limit '${key}'.`);
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
      throw new MultiplayerError(
        ErrorCode.ERR_INVALID_PARAMETER,
        `Multiplayer limit '${key}' must be a number >= 0 (Infinity for none), got ${String(value)}.`,
      );
    }
  }
  if (!(out.windowMs > 0 && Number.isFinite(out.windowMs)))
    throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, 'Multiplayer limit windowMs must be a finite number > 0.');
  return Object.freeze(out);
}

/** A token bucket. It may go into debt by one packet, so a packet larger than the burst still passes when the bucket is full. */
export class TokenBucket {
  tokens: number;
  #lastMs: number;

  constructor(capacity: number, nowMs: number) {
    this.tokens = capacity;
    this.#lastMs = nowMs;
  }

  /** Refills for the time since the last call, then takes `amount` if the bucket is not empty. */
  take(amount: number, perSecond: number, capacity: number, nowMs: number): boolean {
    if (perSecond === Infinity) return true;
    const elapsed = nowMs - this.#lastMs;
    if (elapsed > 0) {
      this.tokens = Math.min(capacity, this.tokens + (elapsed * perSecond) / 1000);
      this.#lastMs = nowMs;
    }
    if (this.tokens <= 0) return false;
    this.tokens -= amount;
    return true;
  }
}

/** A count of events in a fixed window that starts at the first event. */
export class WindowCounter {
  #count = 0;
  #startMs = 0;

  /** Counts one event; returns the count in the current window. */
  add(nowMs: number, windowMs: number): number {
    if (this.#count === 0 || nowMs - this.#startMs >= windowMs) {
      this.#count = 0;
      this.#startMs = nowMs;
    }
    return ++this.#count;
  }
}

/** What SceneMultiplayer keeps per connected peer: its counters, budgets and misbehaviour counts. */
export class PeerGuard {
  readonly stats: PeerStats;
  readonly rpcs: TokenBucket;
  readonly bytes: TokenBucket;
  readonly rateLimited = new WindowCounter();
  readonly malformed = new WindowCounter();
  /** Bit i: a refusal for DROP_REASONS[i] was already logged for this peer. */
  #logged = 0;

  constructor(stats: PeerStats, limits: MultiplayerLimits, nowMs: number) {
    this.stats = stats;
    this.rpcs = new TokenBucket(limits.peerRpcBurst, nowMs);
    this.bytes = new TokenBucket(limits.peerBytesBurst, nowMs);
  }

  /** True the first time it is asked for `reason`. */
  firstOf(reason: DropReason): boolean {
    const bit = 1 << DROP_REASONS.indexOf(reason);
    if ((this.#logged & bit) !== 0) return false;
    this.#logged |= bit;
    return true;
  }
}
