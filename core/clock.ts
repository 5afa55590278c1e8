/** The only source of time in scenenet. Milliseconds, monotonic. */
export interface Clock {
  nowMs(): number;
}

/** Real monotonic time (`performance.now()`), available in Node and browsers. */
export const systemClock: Clock = {
  nowMs: () => performance.now(),
};

/** A clock that moves only when told: for deterministic tests and simulations. */
export class ManualClock implements Clock {
  #now: number;

  constructor(startMs = 0) {
    this.#now = startMs;
  }

  nowMs(): number {
    return this.#now;
  }

  /** Moves time forward by `ms` (must be ≥ 0). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.advance: ms must be >= 0, got ${ms}`);
    this.#now += ms;
  }

  /** Sets the absolute time; it may not go backwards. */
  set(ms: number): void {
    if (!(ms >= this.#now)) throw new RangeError(`ManualClock.set: time may not go backwards (${ms} < ${this.#now})`);
    this.#now = ms;
  }
}
