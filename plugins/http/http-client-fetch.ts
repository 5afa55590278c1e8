import { ErrorCode, type Logger, logFailure } from '../../core/index.js';
import { METHOD_NAMES, Method, Status } from './http-client-base.js';
import { HTTPClientCore, type HTTPClientCoreOptions } from './http-client-core.js';
import type {
  BodyFlow,
  ConnectionEvents,
  HTTPConnection,
  HTTPTarget,
  HTTPTransport,
  ResponseEvents,
  ResponseHead,
} from './http-transport.js';

/** Options of the fetch client; all optional (see `HTTPClientCoreOptions` for the limits). */
export interface FetchClientOptions extends HTTPClientCoreOptions {
  /** The `fetch` to use; defaults to `globalThis.fetch`. */
  readonly fetch?: typeof fetch;
}

/**
 * The client HTTPRequest uses in the browser build: the HTTPClient surface on `fetch`, as Godot's
 * HTTPClientWeb. The browser connects, follows redirects, verifies TLS against its own trust store
 * (TLS options are ignored), chooses proxies and inflates gzip itself. `connectToHost` only records
 * the target (CONNECTED at once); the body is read with backpressure (see `HTTPClientCore`).
 * Godot: HTTPClientWeb (platform/web/http_client_web.cpp)
 */
export class FetchHTTPClient extends HTTPClientCore {
  constructor(options: FetchClientOptions = {}) {
    super(new FetchTransport(options.fetch ?? (typeof fetch === 'function' ? fetch.bind(globalThis) : undefined)), options);
  }
}

// Headers a browser sets itself (fetch drops or refuses them).
const FORBIDDEN = new Set(['host', 'content-length', 'connection', 'accept-encoding', 'keep-alive', 'transfer-encoding']);

class FetchTransport implements HTTPTransport {
  readonly decodesContent = true;
  readonly followsRedirects = true;

  constructor(readonly fetch: typeof globalThis.fetch | undefined) {}

  connect(target: HTTPTarget, _events: ConnectionEvents, log: Logger): HTTPConnection | ErrorCode {
    if (this.fetch === undefined) return logFailure(log, '', ErrorCode.ERR_UNAVAILABLE, 'fetch is not available in this runtime.');
    if (target.proxy !== null) log.debug('HTTPClient (fetch): proxies are set by the browser; the proxy is ignored.');
    const host = target.host.includes(':') ? `[${target.host}]` : target.host;
    return new FetchConnection(this.fetch, `${target.tls !== null ? 'https' : 'http'}://${host}:${target.port}`, log);
  }
}

/** A fetch per request; the "connection" is only the origin. */
class FetchConnection implements HTTPConnection {
  readonly status = Status.CONNECTED;
  #current: { abort: AbortController; body: FetchBody } | null = null;

  constructor(
    readonly fetch: typeof globalThis.fetch,
    readonly origin: string,
    readonly log: Logger,
  ) {}

  send(method: Method, url: string, headers: readonly string[], body: Uint8Array, events: ResponseEvents): BodyFlow | ErrorCode {
    const init = new Headers();
    try {
      for (const line of headers) {
        const i = line.indexOf(':');
        const name = line.slice(0, i).trim();
        if (!FORBIDDEN.has(name.toLowerCase())) init.append(name, line.slice(i + 1).trim());
      }
    } catch (err) {
      return logFailure(this.log, '', ErrorCode.ERR_INVALID_PARAMETER, `Invalid header: ${(err as Error).message}`);
    }
    this.#current?.body.cancel();
    const current = { abort: new AbortController(), body: new FetchBody(events) };
    this.#current = current;
    const sendBody = body.length > 0 && method !== Method.GET && method !== Method.HEAD;
    this.fetch(url.startsWith('/') ? `${this.origin}${url}` : url, {
      method: METHOD_NAMES[method]!,
      headers: init,
      redirect: 'follow',
      signal: current.abort.signal,
      ...(sendBody ? { body: body.slice() } : {}),
    }).then(
      (res) => current.body.start(res),
      (err: unknown) => events.failed(...classify(err)),
    );
    return current.body;
  }

  close(): void {
    this.#current?.abort.abort();
    this.#current?.body.cancel();
    this.#current = null;
  }
}

/** One response body, read one chunk at a time while not paused. */
class FetchBody implements BodyFlow {
  readonly #events: ResponseEvents;
  #reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  #reading = false;
  #paused = false;
  #over = false;

  constructor(events: ResponseEvents) {
    this.#events = events;
  }

  start(res: Response): void {
    if (this.#over) return void res.body?.cancel().catch(() => {});
    this.#events.head(describe(res));
    if (res.body === null || res.status === 204 || res.status === 304) {
      this.#over = true;
      return this.#events.end();
    }
    this.#reader = res.body.getReader();
    this.#pump();
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#pump();
  }

  cancel(): void {
    this.#over = true;
    this.#reader?.cancel().catch(() => {});
  }

  #pump(): void {
    if (this.#reader === null || this.#reading || this.#paused || this.#over) return;
    this.#reading = true;
    this.#reader.read().then(
      ({ done, value }) => {
        this.#reading = false;
        if (this.#over) return;
        if (done) {
          this.#over = true;
          return this.#events.end();
        }
        this.#events.data(value);
        this.#pump();
      },
      (err: unknown) => {
        this.#over = true;
        this.#events.failed(Status.CONNECTION_ERROR, `body broken: ${String(err)}`);
      },
    );
  }
}

/** fetch hides the transfer coding; a body inflated by the browser or without a length is read to its end. */
function describe(res: Response): ResponseHead {
  const headers: string[] = [];
  res.headers.forEach((value, name) => headers.push(`${name}: ${value}`));
  const length = res.headers.get('content-length');
  let bodyLength = length !== null && !res.headers.has('content-encoding') && /^\d+$/.test(length) ? Number(length) : -1;
  if (bodyLength < 0 && (res.body === null || res.status === 204 || res.status === 304)) bodyLength = 0;
  return { code: res.status, headers, chunked: false, bodyLength, keepAlive: true, readUntilEof: bodyLength < 0 };
}

/** Maps a fetch rejection to a status; Node's fetch says why in `cause.code`, a browser never does. */
function classify(err: unknown): [Status, string] {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : '';
  const message = `${String((err as Error).message ?? err)}${code !== '' ? ` (${code})` : ''}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return [Status.CANT_RESOLVE, message];
  if (code === 'ECONNREFUSED') return [Status.CANT_CONNECT, message];
  if (/CERT|SELF_SIGNED|ERR_TLS|ERR_SSL/.test(code)) return [Status.TLS_HANDSHAKE_ERROR, message];
  return [Status.CONNECTION_ERROR, message];
}
