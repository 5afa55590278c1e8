import {
  ErrorCode,
  MultiplayerError,
  silentLogger,
  systemClock,
  type Clock,
  type Logger,
  type TLSOptions,
  logFailure,
} from '../../core/index.js';
import {
  METHOD_NAMES,
  Method,
  PORT_HTTP,
  PORT_HTTPS,
  READ_CHUNK_SIZE_DEFAULT,
  READ_CHUNK_SIZE_MAX,
  READ_CHUNK_SIZE_MIN,
  Status,
  checkRequestUrl,
  stripScheme,
  verifyHeaders,
  type HTTPClientBackend,
} from './http-client-base.js';

/** Options of the fetch client; all optional. */
export interface FetchClientOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** As `HTTPClientOptions.readTimeoutMs` (default 30 000 ms; 0 disables). */
  readonly readTimeoutMs?: number;
  /** As `HTTPClientOptions.maxBodyBytes` (default 1 GiB; -1 disables). */
  readonly maxBodyBytes?: number;
  /** As `HTTPClientOptions.maxBodyMs` (default 600 000 ms; 0 disables). */
  readonly maxBodyMs?: number;
  /** The `fetch` to use; defaults to `globalThis.fetch`. */
  readonly fetch?: typeof fetch;
}

type Event =
  | { kind: 'response'; res: Response }
  | { kind: 'data'; chunk: Uint8Array }
  | { kind: 'end' }
  | { kind: 'error'; status: Status; message: string };

// Headers a browser sets itself (fetch drops or refuses them).
const FORBIDDEN = new Set(['host', 'content-length', 'connection', 'accept-encoding', 'keep-alive', 'transfer-encoding']);

/**
 * The client HTTPRequest uses in the browser build: the HTTPClient surface on `fetch`, as Godot's
 * HTTPClientWeb. The browser connects, follows redirects, verifies TLS against its own trust store
 * (TLS options are ignored) and inflates gzip itself. `connectToHost` only records the target; the
 * body is read with backpressure (one read in flight, at most ~2 read chunks held). Promise callbacks
 * only queue; the status moves in `poll()` and `readResponseBodyChunk()`.
 * Godot: HTTPClientWeb (platform/web/http_client_web.cpp)
 */
export class FetchHTTPClient implements HTTPClientBackend {
  readonly decodesContent = true;
  readonly followsRedirects = true;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #readTimeoutMs: number;
  readonly #maxBodyBytes: number;
  readonly #maxBodyMs: number;
  #bodyStartMs = 0;
  #received = 0;
  readonly #fetch: typeof fetch | undefined;
  #status: Status = Status.DISCONNECTED;
  #origin = '';
  #gen = 0;
  #events: Event[] = [];
  #abort: AbortController | null = null;
  #reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  #reading = false;
  #ended = false;
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #code = 0;
  #headers: string[] | null = null;
  #bodyLength = -1;
  #readChunkSize = READ_CHUNK_SIZE_DEFAULT;
  #lastProgressMs = 0;

  constructor(options: FetchClientOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger ?? silentLogger;
    this.#readTimeoutMs = options.readTimeoutMs ?? 30_000;
    this.#maxBodyBytes = options.maxBodyBytes ?? 2 ** 30;
    this.#maxBodyMs = options.maxBodyMs ?? 600_000;
    this.#fetch = options.fetch ?? (typeof fetch === 'function' ? fetch.bind(globalThis) : undefined);
  }

  /** Records the target; CONNECTED at once (the browser connects per request). Godot: HTTPClientWeb::connect_to_host. */
  connectToHost(host: string, port = -1, tlsOptions: TLSOptions | null = null): ErrorCode {
    this.close();
    const { host: bare, scheme } = stripScheme(String(host));
    const tls = scheme === 'https' || (scheme === null && tlsOptions !== null);
    if (tlsOptions !== null && tlsOptions.isServer())
      return logFailure(this.#log, '', ErrorCode.ERR_INVALID_PARAMETER, 'TLS options must be client options.');
    if (bare.length < 1 || !Number.isInteger(port) || port < -1 || port > 65535)
      return logFailure(this.#log, '', ErrorCode.ERR_INVALID_PARAMETER, 'Invalid host or port.');
    if (this.#fetch === undefined) return logFailure(this.#log, '', ErrorCode.ERR_UNAVAILABLE, 'fetch is not available in this runtime.');
    const p = port < 0 ? (tls ? PORT_HTTPS : PORT_HTTP) : port;
    this.#origin = `${tls ? 'https' : 'http'}://${bare.includes(':') ? `[${bare}]` : bare}:${p}`;
    this.#status = Status.CONNECTED;
    return ErrorCode.OK;
  }

  getStatus(): Status {
    return this.#status;
  }

  /** Moves settled fetch results into view. */
  poll(): ErrorCode {
    const events = this.#events;
    this.#events = [];
    for (const e of events) this.#apply(e);
    this.#pump();
    this.#checkTimeout();
    switch (this.#status) {
      case Status.DISCONNECTED:
        return ErrorCode.ERR_UNCONFIGURED;
      case Status.CONNECTION_ERROR:
      case Status.TLS_HANDSHAKE_ERROR:
        return ErrorCode.ERR_CONNECTION_ERROR;
      case Status.CANT_CONNECT:
        return ErrorCode.ERR_CANT_CONNECT;
      case Status.CANT_RESOLVE:
        return ErrorCode.ERR_CANT_RESOLVE;
      default:
        return ErrorCode.OK;
    }
  }

  /** Starts a fetch of `url` (a path on the recorded origin). */
  requestRaw(method: Method, url: string, headers: readonly string[] = [], body: Uint8Array = new Uint8Array(0)): ErrorCode {
    if (!Number.isInteger(method) || method < 0 || method >= Method.MAX)
      return logFailure(this.#log, '', ErrorCode.ERR_INVALID_PARAMETER, `Invalid method ${method}.`);
    if (!checkRequestUrl(method, url) || method === Method.CONNECT)
      return logFailure(this.#log, '', ErrorCode.ERR_INVALID_PARAMETER, `Invalid request URL '${url}'.`);
    if (this.#status !== Status.CONNECTED)
      return logFailure(this.#log, '', ErrorCode.ERR_INVALID_PARAMETER, 'HTTPClient is not connected.');
    const bad = verifyHeaders(headers, this.#log);
    if (bad !== ErrorCode.OK) return bad;
    const init = new Headers();
    try {
      for (const line of headers) {
        const i = line.indexOf(':');
        const name = line.slice(0, i).trim();
        if (!FORBIDDEN.has(name.toLowerCase())) init.append(name, line.slice(i + 1).trim());
      }
    } catch (err) {
      return logFailure(this.#log, '', ErrorCode.ERR_INVALID_PARAMETER, `Invalid header: ${(err as Error).message}`);
    }
    this.#resetResponse();
    const gen = ++this.#gen;
    const abort = new AbortController();
    this.#abort = abort;
    const target = url.startsWith('/') ? `${this.#origin}${url}` : url;
    const sendBody = body.length > 0 && method !== Method.GET && method !== Method.HEAD;
    this.#fetch!(target, {
      method: METHOD_NAMES[method]!,
      headers: init,
      redirect: 'follow',
      signal: abort.signal,
      ...(sendBody ? { body: body.slice() } : {}),
    }).then(
      (res) => this.#push(gen, { kind: 'response', res }),
      (err: unknown) => this.#push(gen, classify(err)),
    );
    this.#status = Status.REQUESTING;
    this.#lastProgressMs = this.#clock.nowMs();
    return ErrorCode.OK;
  }

  request(method: Method, url: string, headers: readonly string[] = [], body = ''): ErrorCode {
    return this.requestRaw(method, url, headers, new TextEncoder().encode(body));
  }

  hasResponse(): boolean {
    return this.#headers !== null;
  }

  getResponseCode(): number {
    return this.#code;
  }

  getResponseHeaders(): string[] {
    return [...(this.#headers ?? [])];
  }

  /** Always false: fetch hides the transfer coding. */
  isResponseChunked(): boolean {
    return false;
  }

  /** Content-Length, or -1 when unknown or when the browser inflated the body. */
  getResponseBodyLength(): number {
    return this.#bodyLength;
  }

  /** Up to `readChunkSize` bytes; at the end of the body the status becomes CONNECTED (known length) or DISCONNECTED. */
  readResponseBodyChunk(): Uint8Array {
    if (this.#status !== Status.BODY) return new Uint8Array(0);
    const out = take(this.#chunks, Math.min(this.#buffered, this.#readChunkSize));
    this.#buffered -= out.length;
    if (out.length > 0) this.#lastProgressMs = this.#clock.nowMs();
    if (this.#ended && this.#buffered === 0) this.#status = this.#bodyLength >= 0 ? Status.CONNECTED : Status.DISCONNECTED;
    return out;
  }

  get readChunkSize(): number {
    return this.#readChunkSize;
  }
  set readChunkSize(size: number) {
    if (!Number.isInteger(size) || size < READ_CHUNK_SIZE_MIN || size > READ_CHUNK_SIZE_MAX) {
      throw new MultiplayerError(
        ErrorCode.ERR_INVALID_PARAMETER,
        `read_chunk_size must be between ${READ_CHUNK_SIZE_MIN} and ${READ_CHUNK_SIZE_MAX}.`,
      );
    }
    this.#readChunkSize = size;
  }

  /** Ignored: the browser chooses proxies. */
  setHttpProxy(_host: string, _port: number): void {
    this.#log.debug('HTTPClient (fetch): proxies are set by the browser; set_http_proxy is ignored.');
  }

  /** Ignored: the browser chooses proxies. */
  setHttpsProxy(_host: string, _port: number): void {
    this.#log.debug('HTTPClient (fetch): proxies are set by the browser; set_https_proxy is ignored.');
  }

  close(): void {
    this.#gen++;
    this.#abort?.abort();
    this.#abort = null;
    this.#resetResponse();
    this.#status = Status.DISCONNECTED;
  }

  #resetResponse(): void {
    this.#events = [];
    this.#reader?.cancel().catch(() => {});
    this.#reader = null;
    this.#reading = false;
    this.#ended = false;
    this.#chunks = [];
    this.#buffered = 0;
    this.#code = 0;
    this.#headers = null;
    this.#bodyLength = -1;
    this.#received = 0;
  }

  #push(gen: number, e: Event): void {
    if (gen === this.#gen) this.#events.push(e);
  }

  #apply(e: Event): void {
    this.#lastProgressMs = this.#clock.nowMs();
    switch (e.kind) {
      case 'response':
        return this.#onResponse(e.res);
      case 'data':
        this.#reading = false;
        this.#chunks.push(e.chunk);
        this.#buffered += e.chunk.length;
        this.#received += e.chunk.length;
        if (this.#maxBodyBytes >= 0 && this.#received > this.#maxBodyBytes) {
          this.#fail(`response body longer than maxBodyBytes (${this.#maxBodyBytes} bytes).`);
        }
        return;
      case 'end':
        this.#reading = false;
        this.#ended = true;
        return;
      case 'error':
        if (this.#status === Status.BODY && this.#buffered > 0) return void this.#events.unshift(e);
        this.close();
        this.#status = e.status;
        this.#log.warn(`HTTPClient (fetch): ${e.message}`);
    }
  }

  #onResponse(res: Response): void {
    this.#code = res.status;
    this.#headers = [];
    res.headers.forEach((value, name) => this.#headers!.push(`${name}: ${value}`));
    const length = res.headers.get('content-length');
    const inflated = res.headers.has('content-encoding');
    this.#bodyLength = length !== null && !inflated && /^\d+$/.test(length) ? Number(length) : -1;
    if (res.body === null || res.status === 204 || res.status === 304) {
      this.#bodyLength = this.#bodyLength < 0 ? 0 : this.#bodyLength;
      this.#ended = true;
    } else {
      this.#reader = res.body.getReader();
    }
    this.#status = Status.BODY;
    this.#bodyStartMs = this.#clock.nowMs();
  }

  /** Keeps one read in flight while fewer than two read chunks are held. */
  #pump(): void {
    if (this.#reader === null || this.#reading || this.#ended || this.#buffered > 2 * this.#readChunkSize) return;
    const gen = this.#gen;
    this.#reading = true;
    this.#reader.read().then(
      ({ done, value }) => {
        this.#push(gen, done ? { kind: 'end' } : { kind: 'data', chunk: value });
      },
      (err: unknown) => this.#push(gen, { kind: 'error', status: Status.CONNECTION_ERROR, message: `body broken: ${String(err)}` }),
    );
  }

  #checkTimeout(): void {
    if (this.#status === Status.BODY && !this.#ended && this.#maxBodyMs > 0 && this.#clock.nowMs() - this.#bodyStartMs > this.#maxBodyMs) {
      return this.#fail(`response body still going after maxBodyMs (${this.#maxBodyMs} ms).`);
    }
    if (this.#readTimeoutMs <= 0) return;
    const waiting = this.#status === Status.REQUESTING || (this.#status === Status.BODY && this.#buffered === 0 && !this.#ended);
    if (!waiting || this.#clock.nowMs() - this.#lastProgressMs <= this.#readTimeoutMs) return;
    this.#fail(`no progress for ${this.#readTimeoutMs} ms (read timeout).`);
  }

  #fail(message: string): void {
    this.close();
    this.#status = Status.CONNECTION_ERROR;
    this.#log.warn(`HTTPClient (fetch): ${message}`);
  }
}

/** Maps a fetch rejection to a status; Node's fetch says why in `cause.code`, a browser never does. */
function classify(err: unknown): Event {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : '';
  const message = `${String((err as Error).message ?? err)}${code !== '' ? ` (${code})` : ''}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { kind: 'error', status: Status.CANT_RESOLVE, message };
  if (code === 'ECONNREFUSED') return { kind: 'error', status: Status.CANT_CONNECT, message };
  if (/CERT|SELF_SIGNED|ERR_TLS|ERR_SSL/.test(code)) return { kind: 'error', status: Status.TLS_HANDSHAKE_ERROR, message };
  return { kind: 'error', status: Status.CONNECTION_ERROR, message };
}

function take(chunks: Uint8Array[], max: number): Uint8Array {
  if (max === 0) return new Uint8Array(0);
  const first = chunks[0]!;
  if (first.length === max) return chunks.shift()!;
  if (first.length > max) {
    chunks[0] = first.subarray(max);
    return first.subarray(0, max);
  }
  const out = new Uint8Array(max);
  let at = 0;
  while (at < max) {
    const head = chunks[0]!;
    const n = Math.min(head.length, max - at);
    out.set(head.subarray(0, n), at);
    at += n;
    if (n === head.length) chunks.shift();
    else chunks[0] = head.subarray(n);
  }
  return out;
}
