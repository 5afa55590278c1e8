/** Poll helpers for the WebSocket plugin tests (not a test file): poll anything with a poll(). */

/** Something with a `poll()`. */
export interface Pollable {
  poll(): void;
}

/** Alternates `poll()` on every peer with a turn of the event loop until `done()`; throws after `timeoutMs`. */
export async function pollUntil(peers: readonly Pollable[], done: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const p of peers) p.poll();
    if (done()) return;
    if (Date.now() > deadline) throw new Error(`pollUntil: not satisfied within ${timeoutMs} ms`);
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
  }
}

/** Lets sockets work for a few event-loop turns without polling anything. */
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setTimeout(resolve, 1));
}
