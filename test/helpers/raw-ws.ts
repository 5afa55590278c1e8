/** A raw `ws` client that queues what it receives (not a test file): for byte-exact wire tests. */
import { WebSocket } from 'ws';

/** One received message. */
export interface RawMessage {
  readonly data: Uint8Array;
  readonly binary: boolean;
}

/** A raw client: `next()` resolves with the next message; `closed` with the close code and reason. */
export interface RawClient {
  readonly ws: WebSocket;
  next(timeoutMs?: number): Promise<RawMessage>;
  /** Messages received and not yet taken by `next`. */
  readonly queued: RawMessage[];
  readonly closed: Promise<{ code: number; reason: string }>;
  send(bytes: readonly number[] | Uint8Array): void;
}

/** Connects to `url` (no sub-protocol, no extensions: as a stock Godot client does). */
export function rawClient(url: string): RawClient {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const queued: RawMessage[] = [];
  const waiters: Array<(m: RawMessage) => void> = [];
  ws.on('message', (data: Buffer, binary: boolean) => {
    const message = { data: new Uint8Array(data), binary };
    const waiter = waiters.shift();
    if (waiter !== undefined) waiter(message);
    else queued.push(message);
  });
  ws.on('error', () => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  return {
    ws,
    queued,
    closed,
    next(timeoutMs = 10_000) {
      const message = queued.shift();
      if (message !== undefined) return Promise.resolve(message);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no message within ${timeoutMs} ms`)), timeoutMs);
        waiters.push((m) => {
          clearTimeout(timer);
          resolve(m);
        });
      });
    },
    send(bytes) {
      ws.send(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes));
    },
  };
}

/** Hex of bytes, space-separated (for readable assertions). */
export function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Bytes of a hex string with optional spaces. */
export function unhex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  return Uint8Array.from(clean.match(/../g) ?? [], (b) => parseInt(b, 16));
}
