import type { MultiplayerPeer } from '../core/index.js';

/** Options of `pollUntil` and `pollRounds`. */
export interface PollOptions {
  /** Wall-clock bound in ms (real transports need real time). Default 5000. */
  readonly timeoutMs?: number;
  /** Runs after each turn of the event loop, before the next poll round (advance a ManualClock here). */
  readonly tick?: () => void;
  /** Optional bound on the number of poll rounds, for virtual transports. Default: unbounded. */
  readonly maxRounds?: number;
  /** Named in the timeout error. */
  readonly what?: string;
}

/** One turn of the event loop: lets sockets do their work. */
export function settleIo(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Alternates `poll()` on every peer (in the given order) with a turn of the event loop and `tick`,
 * until `done()` holds. Throws if the deadline or `maxRounds` passes first. `done` is checked before
 * the first poll and after every round.
 */
export async function pollUntil(peers: readonly MultiplayerPeer[], done: () => boolean, options: PollOptions = {}): Promise<void> {
  const { timeoutMs = 5000, tick, maxRounds = Infinity, what = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  for (let round = 0; !done(); round++) {
    if (Date.now() > deadline) throw new Error(`pollUntil: ${what} not satisfied within ${timeoutMs} ms`);
    if (round >= maxRounds) throw new Error(`pollUntil: ${what} not satisfied within ${maxRounds} rounds`);
    for (const peer of peers) peer.poll();
    if (done()) return;
    await settleIo();
    tick?.();
  }
}

/** Exactly `rounds` rounds of poll + event-loop turn + tick: for checking that something does NOT happen. */
export async function pollRounds(
  peers: readonly MultiplayerPeer[],
  rounds: number,
  options: Pick<PollOptions, 'tick'> = {},
): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    for (const peer of peers) peer.poll();
    await settleIo();
    options.tick?.();
  }
}
