import type http from 'node:http';

/** What HTTPClient shows of a response head once `poll()` has seen it. */
export interface ResponseHead {
  readonly code: number;
  /** `'Name: value'` lines, in wire order. */
  readonly headers: readonly string[];
  readonly chunked: boolean;
  /** Content-Length, 0 for HEAD, or -1. */
  readonly bodyLength: number;
  /** False when the server announced it closes after this response. */
  readonly keepAlive: boolean;
  /** No length and no chunking on a closing connection: the body ends when the server closes. */
  readonly readUntilEof: boolean;
}

type Queued =
  | { kind: 'response'; res: http.IncomingMessage }
  | { kind: 'data'; chunk: Buffer }
  | { kind: 'end' }
  | { kind: 'error'; message: string };

/**
 * One request's response as read by Node's HTTP parser. Callbacks only queue; `drain()` (called from
 * HTTPClient.poll) moves the queue into view. Bytes held (queued or unread) stay under about two read
 * chunks: beyond that the response stream is paused, so a server can never grow our memory.
 */
export class ResponseReader {
  response: ResponseHead | null = null;
  error: string | null = null;
  #queue: Queued[] = [];
  #chunks: Buffer[] = [];
  #buffered = 0;
  #received = 0;
  #held = 0;
  #ended = false;
  #paused = false;
  #dead = false;
  #res: http.IncomingMessage | null = null;
  readonly #req: http.ClientRequest;
  readonly #head: boolean;
  readonly #chunkSize: () => number;

  constructor(req: http.ClientRequest, head: boolean, chunkSize: () => number, live: () => boolean) {
    this.#req = req;
    this.#head = head;
    this.#chunkSize = chunkSize;
    const push = (q: Queued): void => {
      if (!this.#dead && live()) this.#queue.push(q);
    };
    req.once('response', (res: http.IncomingMessage) => {
      this.#res = res;
      push({ kind: 'response', res });
      res.on('data', (chunk: Buffer) => {
        push({ kind: 'data', chunk });
        this.#held += chunk.length;
        if (this.#held > 2 * this.#chunkSize() && !this.#paused) {
          this.#paused = true;
          res.pause();
        }
      });
      res.once('end', () => push({ kind: 'end' }));
      res.once('error', (err) => push({ kind: 'error', message: `response broken: ${err.message}` }));
      res.once('close', () => {
        if (!res.complete) push({ kind: 'error', message: 'response ended before its body was complete' });
      });
    });
    req.on('error', (err) => push({ kind: 'error', message: `${err.message}${errorCode(err)}` }));
  }

  /** True once the head says a body follows (Godot's rule: a length, chunking, or read-until-close). */
  get hasBody(): boolean {
    const r = this.response;
    return r !== null && (r.bodyLength !== -1 || r.chunked || r.readUntilEof);
  }

  /** Body bytes visible to `read()`. */
  get buffered(): number {
    return this.#buffered;
  }

  /** The whole body has arrived (some of it may be unread). */
  get ended(): boolean {
    return this.#ended;
  }

  /** The body is complete and every byte has been read. */
  get finished(): boolean {
    return this.#ended && this.#buffered === 0;
  }

  /** Body bytes that arrived so far (read or not). */
  get received(): number {
    return this.#received;
  }

  /** Moves queued events into view, in arrival order. True when anything arrived since the last call. */
  drain(): boolean {
    const queue = this.#queue;
    this.#queue = [];
    for (const q of queue) {
      if (this.error !== null) break;
      switch (q.kind) {
        case 'response':
          this.response = describe(q.res, this.#head);
          break;
        case 'data':
          this.#chunks.push(q.chunk);
          this.#buffered += q.chunk.length;
          this.#received += q.chunk.length;
          break;
        case 'end':
          this.#ended = true;
          break;
        case 'error':
          if (!this.#ended) this.error = q.message;
          else this.error = `connection broken after the response: ${q.message}`;
          break;
      }
    }
    return queue.length > 0;
  }

  /** Takes up to `max` visible body bytes. */
  read(max: number): Uint8Array {
    if (this.#buffered === 0) return new Uint8Array(0);
    const parts: Buffer[] = [];
    let taken = 0;
    while (taken < max && this.#chunks.length > 0) {
      const head = this.#chunks[0]!;
      const want = max - taken;
      if (head.length <= want) {
        parts.push(head);
        this.#chunks.shift();
        taken += head.length;
      } else {
        parts.push(head.subarray(0, want));
        this.#chunks[0] = head.subarray(want);
        taken += want;
      }
    }
    this.#buffered -= taken;
    this.#held -= taken;
    if (this.#paused && this.#held <= this.#chunkSize()) {
      this.#paused = false;
      this.#res?.resume();
    }
    const out = parts.length === 1 ? parts[0]! : Buffer.concat(parts, taken);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }

  /** Stops listening and tears the request down. */
  abort(): void {
    this.#dead = true;
    this.#queue = [];
    this.#chunks = [];
    this.#req.destroy();
    this.#res?.destroy();
  }
}

function describe(res: http.IncomingMessage, head: boolean): ResponseHead {
  const lines: string[] = [];
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
  const encoding = (res.headers['transfer-encoding'] ?? '').toLowerCase();
  const chunked =
    encoding
      .split(',')
      .map((s) => s.trim())
      .at(-1) === 'chunked';
  const connection = (res.headers.connection ?? '').toLowerCase();
  const keepAlive = res.httpVersion === '1.0' ? connection.includes('keep-alive') : !connection.includes('close');
  const declared = res.headers['content-length'];
  let bodyLength = declared !== undefined && !chunked ? Number(declared) : -1;
  if (head) bodyLength = 0;
  return {
    code: res.statusCode ?? 0,
    headers: lines,
    chunked,
    bodyLength,
    keepAlive,
    readUntilEof: bodyLength === -1 && !chunked && !keepAlive,
  };
}

function errorCode(err: Error): string {
  const code = (err as Error & { code?: unknown }).code;
  return typeof code === 'string' ? ` (${code})` : '';
}
