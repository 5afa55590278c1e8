/** One round trip: when the request left (local ms), when the reply came back, and the server's time in it. */
export interface ClockSample {
  readonly rttMs: number;
  /** Server time minus local time, assuming the reply took half the round trip. */
  readonly offsetMs: number;
}

/** Options of `ClockSync`. */
export interface ClockSyncOptions {
  /** How many recent samples the estimate is chosen from. Default 16. */
  readonly window?: number;
  /** Max rate at which the applied offset drifts toward the estimate, as a fraction of elapsed time. Default 0.05. */
  readonly slewRate?: number;
  /** A difference larger than this is applied at once instead of slewed. Default 250 ms. */
  readonly snapMs?: number;
}

/**
 * NTP-style estimate of a server's clock from request/reply pairs. Of the last `window` samples, the one
 * with the smallest round trip wins (its queueing delay and path asymmetry are the least, so its offset
 * is the most trustworthy); jittery and lost samples simply never win. The offset the game sees moves
 * toward that estimate at a bounded rate, so the estimated server time never jumps or runs backwards
 * once settled (like adjtime), except for a large error, which snaps.
 */
export class ClockSync {
  readonly #window: number;
  readonly #slewRate: number;
  readonly #snapMs: number;
  readonly #samples: ClockSample[] = [];
  #best: ClockSample | null = null;
  #appliedMs = 0;
  #synced = false;

  constructor(options: ClockSyncOptions = {}) {
    this.#window = options.window ?? 16;
    this.#slewRate = options.slewRate ?? 0.05;
    this.#snapMs = options.snapMs ?? 250;
  }

  /** True once a sample arrived. */
  get synced(): boolean {
    return this.#synced;
  }

  /** The offset in use (server time = local time + offset). */
  get offsetMs(): number {
    return this.#appliedMs;
  }

  /** The best current estimate (the min-RTT sample's offset), which `offsetMs` slews toward. */
  get targetOffsetMs(): number {
    return this.#best?.offsetMs ?? 0;
  }

  /** Round-trip time of the min-RTT sample in the window (0 before any). */
  get rttMs(): number {
    return this.#best?.rttMs ?? 0;
  }

  /** Records a reply: `sentMs` and `receivedMs` are local times, `serverMs` the server's time in the reply. */
  addSample(sentMs: number, serverMs: number, receivedMs: number): void {
    const rttMs = receivedMs - sentMs;
    if (!(rttMs >= 0)) return;
    this.#samples.push({ rttMs, offsetMs: serverMs + rttMs / 2 - receivedMs });
    if (this.#samples.length > this.#window) this.#samples.shift();
    this.#best = this.#samples.reduce((a, b) => (b.rttMs < a.rttMs ? b : a));
    if (!this.#synced) {
      this.#synced = true;
      this.#appliedMs = this.#best.offsetMs;
    }
  }

  /** Moves the applied offset toward the estimate for `elapsedMs` of local time. */
  advance(elapsedMs: number): void {
    if (this.#best === null) return;
    const diff = this.#best.offsetMs - this.#appliedMs;
    if (Math.abs(diff) > this.#snapMs) {
      this.#appliedMs = this.#best.offsetMs;
      return;
    }
    const step = Math.max(0, elapsedMs) * this.#slewRate;
    this.#appliedMs += Math.max(-step, Math.min(step, diff));
  }
}
