import {
  ErrorCode,
  MultiplayerError,
  TLSOptions,
  silentLogger,
  systemClock,
  type Clock,
  type Logger,
  logFailure,
} from '../../core/index.js';
import {
  Method,
  PORT_HTTP,
  PORT_HTTPS,
  READ_CHUNK_SIZE_DEFAULT,
  READ_CHUNK_SIZE_MAX,
  READ_CHUNK_SIZE_MIN,
  Status,
  checkRequestUrl,
  headersToDictionary,
  queryStringFromDict,
  stripScheme,
  verifyHeaders,
  type HTTPClientBackend,
  type QueryValue,
} from './http-client-base.js';
import { BodyBuffer } from './http-body-buffer.js';
import type {
  ConnectStage,
  ConnectionEvents,
  HTTPConnection,
  HTTPTarget,
  HTTPTransport,
  ResponseEvents,
  ResponseHead,
} from './http-transport.js';

/** Options every HTTPClient takes; all optional. */
export interface HTTPClientCoreOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /**
   * Longest silence, on the injected clock, while resolving, connecting, handshaking, requesting or
   * reading a body; then the status becomes the matching error. An idle timeout: every byte that
   * arrives starts it again, so a slow response that keeps sending stays alive. 0 disables it.
   * Default 30 000 ms. Godot has no such timeout (only HTTPRequest.timeout).
   */
  readonly readTimeoutMs?: number;
  /**
   * Most body bytes one response may send; past it the status becomes CONNECTION_ERROR (logged once),
   * so an endless body ends. -1 disables it. Default 1 GiB. Godot has no such limit (only
   * HTTPRequest.body_size_limit).
   */
  readonly maxBodyBytes?: number;
  /**
   * Longest time, on the injected clock, one response may spend in BODY however steadily it sends;
   * then CONNECTION_ERROR (logged once). 0 disables it. Default 600 000 ms (10 min).
   */
  readonly maxBodyMs?: number;
}

const NO_TARGET: HTTPTarget = { host: '', port: -1, tls: null, proxy: null };

/**
 * Godot's low-level HTTP client, polled, on any `HTTPTransport`: `connectToHost`, then `poll()` until
 * CONNECTED, `request`, `poll()` until BODY or CONNECTED, `readResponseBodyChunk()` while BODY.
 * Several requests may use one connection (keep-alive). This class holds everything but the I/O:
 * the status machine, request validation, the response, the body buffer with its backpressure,
 * the idle timeout and the body limits. Transport callbacks only queue; the status moves only in
 * `poll()`, `readResponseBodyChunk()` and the calls that start or end something.
 * Godot: HTTPClient (core/io/http_client.cpp), with the logic of HTTPClientTCP (core/io/http_client_tcp.cpp)
 */
export class HTTPClientCore implements HTTPClientBackend {
  readonly decodesContent: boolean;
  readonly followsRedirects: boolean;
  readonly #transport: HTTPTransport;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #readTimeoutMs: number;
  readonly #maxBodyBytes: number;
  readonly #maxBodyMs: number;
  #status: Status = Status.DISCONNECTED;
  #target: HTTPTarget = NO_TARGET;
  #httpProxy: { host: string; port: number } | null = null;
  #httpsProxy: { host: string; port: number } | null = null;
  #readChunkSize = READ_CHUNK_SIZE_DEFAULT;
  #events: (() => void)[] = [];
  #lastProgressMs = 0;
  // The connection; #connGen changes on close(), which silences every event of the old one.
  #conn: HTTPConnection | null = null;
  #connGen = 0;
  #handshaking = false;
  #arrived = false;
  #closedDetail: string | null = null;
  // The current response; #reqGen changes with every request and on close().
  #reqGen = 0;
  #body: BodyBuffer | null = null;
  #head: ResponseHead | null = null;
  #error: { status: Status; message: string } | null = null;
  #bodyStartMs = 0;

  protected constructor(transport: HTTPTransport, options: HTTPClientCoreOptions = {}) {
    this.#transport = transport;
    this.decodesContent = transport.decodesContent;
    this.followsRedirects = transport.followsRedirects;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger ?? silentLogger;
    this.#readTimeoutMs = options.readTimeoutMs ?? 30_000;
    this.#maxBodyBytes = options.maxBodyBytes ?? 2 ** 30;
    this.#maxBodyMs = options.maxBodyMs ?? 600_000;
  }

  /** Godot: HTTPClient::query_string_from_dict (core/io/http_client.cpp). */
  queryStringFromDict(fields: Readonly<Record<string, QueryValue>> | ReadonlyMap<string, QueryValue>): string {
    return queryStringFromDict(fields);
  }

  /**
   * Starts connecting. `host` may start with `http://` or `https://`; `https://` without options
   * uses `TLSOptions.client()`. Port -1 means 80 or 443.
   * Godot: HTTPClientTCP::connect_to_host (core/io/http_client_tcp.cpp)
   */
  connectToHost(host: string, port = -1, tlsOptions: TLSOptions | null = null): ErrorCode {
    this.close();
    const { host: bare, scheme } = stripScheme(String(host));
    let tls = tlsOptions;
    if (scheme === 'http') tls = null;
    else if (scheme === 'https' && tls === null) tls = TLSOptions.client();
    if (tls?.isServer()) return logFailure(this.#log, '', ErrorCode.ERR_INVALID_PARAMETER, 'TLS options must be client options.');
    if (bare.length < 1) return logFailure(this.#log, '', ErrorCode.ERR_INVALID_PARAMETER, 'Host name is empty.');
    if (!Number.isInteger(port) || port < -1 || port > 65535)
      return logFailure(this.#log, '', ErrorCode.ERR_INVALID_PARAMETER, `Invalid port ${port}.`);
    this.#target = {
      host: bare,
      port: port < 0 ? (tls !== null ? PORT_HTTPS : PORT_HTTP) : port,
      tls,
      proxy: tls !== null ? this.#httpsProxy : this.#httpProxy,
    };
    const conn = this.#transport.connect(this.#target, this.#connectionEvents(), this.#log);
    if (typeof conn === 'number') return conn;
    this.#conn = conn;
    this.#status = conn.status;
    this.#touch();
    return ErrorCode.OK;
  }

  /**
   * Takes over a connection the program opened (see the Node client's `connection`): CONNECTED at
   * once. The target of the last `connectToHost` is kept (for the Host header), else `remote`'s.
   * @internal
   */
  protected adoptConnection(
    secure: boolean,
    remote: { host: string; port: number },
    open: (target: HTTPTarget, events: ConnectionEvents, log: Logger) => HTTPConnection,
  ): void {
    this.close();
    const named = this.#target.host !== '' ? this.#target : { ...remote, tls: null, proxy: null };
    const tls = secure ? (this.#target.tls ?? TLSOptions.client()) : null;
    this.#target = { ...named, tls, proxy: tls !== null ? this.#httpsProxy : this.#httpProxy };
    this.#conn = open(this.#target, this.#connectionEvents(), this.#log);
    this.#status = Status.CONNECTED;
    this.#touch();
  }

  /** Godot: HTTPClient::get_status. */
  getStatus(): Status {
    return this.#status;
  }

  /**
   * Moves queued transport events into view and advances the status. Returns Godot's codes:
   * ERR_UNCONFIGURED when disconnected, the matching error in an error status, else OK.
   * Godot: HTTPClientTCP::poll (core/io/http_client_tcp.cpp)
   */
  poll(): ErrorCode {
    const events = this.#events;
    this.#events = [];
    if (events.length > 0 || this.#arrived) this.#touch();
    this.#arrived = false;
    for (const apply of events) apply();
    if (this.#body !== null) this.#followResponse(false);
    if (this.#closedDetail !== null) this.#onClosed(this.#closedDetail);
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

  /** Sends a request with a UTF-8 body. Godot: HTTPClient::request (core/io/http_client.cpp). */
  request(method: Method, url: string, headers: readonly string[] = [], body = ''): ErrorCode {
    return this.requestRaw(method, url, headers, new TextEncoder().encode(body));
  }

  /**
   * Sends a request; only valid while CONNECTED. Over sockets, Host, Content-Length (for a body),
   * User-Agent and Accept are added unless given; fetch leaves them to the browser.
   * Godot: HTTPClientTCP::request (core/io/http_client_tcp.cpp)
   */
  requestRaw(method: Method, url: string, headers: readonly string[] = [], body: Uint8Array = new Uint8Array(0)): ErrorCode {
    if (!Number.isInteger(method) || method < 0 || method >= Method.MAX)
      return logFailure(this.#log, '', ErrorCode.ERR_INVALID_PARAMETER, `Invalid method ${method}.`);
    if (!checkRequestUrl(method, url)) return logFailure(this.#log, '', ErrorCode.ERR_INVALID_PARAMETER, `Invalid request URL '${url}'.`);
    if (this.#status !== Status.CONNECTED || this.#conn === null)
      return logFailure(this.#log, '', ErrorCode.ERR_INVALID_PARAMETER, 'HTTPClient is not connected.');
    // Divergence from Godot: a CONNECT request turns the connection into a raw tunnel, which this
    // client cannot hand out (Godot's get_connection); HTTPS proxies use it internally (setHttpsProxy).
    if (method === Method.CONNECT)
      return logFailure(this.#log, '', ErrorCode.ERR_UNAVAILABLE, 'CONNECT requests are not supported; use setHttpsProxy.');
    const bad = verifyHeaders(headers, this.#log);
    if (bad !== ErrorCode.OK) return bad;
    const gen = this.#reqGen + 1;
    const flow = this.#conn.send(method, url, headers, body, this.#responseEvents(gen));
    if (typeof flow === 'number') return flow;
    this.#reqGen = gen;
    this.#body = new BodyBuffer(flow);
    this.#head = null;
    this.#error = null;
    this.#status = Status.REQUESTING;
    this.#touch();
    return ErrorCode.OK;
  }

  /** Godot: HTTPClient::has_response. */
  hasResponse(): boolean {
    return this.#head !== null;
  }

  /** Godot: HTTPClient::get_response_code. 0 before a response. */
  getResponseCode(): number {
    return this.#head?.code ?? 0;
  }

  // Divergence from Godot: get_response_headers empties Godot's list (a second call returns nothing);
  // ours returns the same lines until the next request.
  /** Header lines of the last response (`'Name: value'`). Godot: HTTPClient::get_response_headers. */
  getResponseHeaders(): string[] {
    return [...(this.#head?.headers ?? [])];
  }

  /** Godot: HTTPClient::get_response_headers_as_dictionary. */
  getResponseHeadersAsDictionary(): Record<string, string> {
    return headersToDictionary(this.getResponseHeaders());
  }

  /** Godot: HTTPClient::is_response_chunked. */
  isResponseChunked(): boolean {
    return this.#head?.chunked ?? false;
  }

  /** Content-Length of the response, or -1 (chunked, or read until the server closes). */
  getResponseBodyLength(): number {
    return this.#head?.bodyLength ?? -1;
  }

  /**
   * Up to `readChunkSize` bytes of the body (possibly none yet); only valid in BODY. When the body
   * is complete the status becomes CONNECTED (with the response code kept, even if the server has
   * closed since: the next `poll()` reports that), or DISCONNECTED for a body read until the server closed.
   * Godot: HTTPClientTCP::read_response_body_chunk (core/io/http_client_tcp.cpp)
   */
  readResponseBodyChunk(): Uint8Array {
    if (this.#status !== Status.BODY) {
      this.#log.debug('read_response_body_chunk: HTTPClient is not in STATUS_BODY.');
      return new Uint8Array(0);
    }
    const chunk = this.#body!.take(this.#readChunkSize);
    if (chunk.length > 0) this.#touch();
    this.#followResponse(true);
    return chunk;
  }

  /** Godot property `read_chunk_size` (256 B … 16 MiB, default 64 KiB). */
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

  /** Proxy for plain HTTP (an empty host or port -1 clears it). Godot: HTTPClient::set_http_proxy. */
  setHttpProxy(host: string, port: number): void {
    this.#httpProxy = host === '' || port === -1 ? null : { host, port };
  }

  /** Proxy for HTTPS, reached with CONNECT (empty host or -1 clears it). Godot: HTTPClient::set_https_proxy. */
  setHttpsProxy(host: string, port: number): void {
    this.#httpsProxy = host === '' || port === -1 ? null : { host, port };
  }

  /** Drops the connection; status DISCONNECTED. Godot: HTTPClientTCP::close. */
  close(): void {
    this.#connGen++;
    this.#reqGen++;
    this.#events = [];
    this.#conn?.close();
    this.#conn = null;
    this.#body = null;
    this.#head = null;
    this.#error = null;
    this.#handshaking = false;
    this.#arrived = false;
    this.#closedDetail = null;
    this.#status = Status.DISCONNECTED;
  }

  /** The events one connection reports through; silent once the client closed. */
  #connectionEvents(): ConnectionEvents {
    const gen = this.#connGen;
    const later = (apply: () => void): void => {
      if (gen === this.#connGen) this.#events.push(() => gen === this.#connGen && apply());
    };
    return {
      stage: (stage) => later(() => this.#onStage(stage)),
      failed: (status, message) => later(() => this.#connecting() && this.#fail(status, message)),
      closed: (detail) => later(() => (this.#closedDetail = detail)),
      arrived: () => {
        if (gen === this.#connGen) this.#arrived = true;
      },
    };
  }

  /** The events one response reports through; silent once another request started or it failed. */
  #responseEvents(gen: number): ResponseEvents {
    const live = (): boolean => gen === this.#reqGen && this.#error === null;
    const later = (apply: () => void): void => {
      if (live()) this.#events.push(() => live() && apply());
    };
    return {
      head: (head) => later(() => (this.#head = head)),
      data: (chunk) => {
        if (!live()) return;
        this.#body!.arrive(chunk.length, this.#readChunkSize);
        later(() => this.#body!.show(chunk));
      },
      end: () => later(() => (this.#body!.ended = true)),
      failed: (status, message) =>
        later(() => (this.#error = { status, message: this.#body!.ended ? `connection broken after the response: ${message}` : message })),
    };
  }

  #connecting(): boolean {
    return this.#status === Status.RESOLVING || this.#status === Status.CONNECTING;
  }

  #onStage(stage: ConnectStage): void {
    if (!this.#connecting()) return;
    this.#status = stage === 'connected' ? Status.CONNECTED : Status.CONNECTING;
    this.#handshaking = stage === 'handshaking';
  }

  #onClosed(detail: string): void {
    // A close during a request reaches the response as a failure or as the end of the body.
    if (this.#status !== Status.CONNECTED) return;
    const expected = this.#head?.keepAlive === false;
    this.close();
    // Divergence from Godot: a close the server announced (`Connection: close`) ends in DISCONNECTED;
    // Godot reports CONNECTION_ERROR for every close while connected.
    if (expected) return;
    this.#status = Status.CONNECTION_ERROR;
    this.#log.debug(`HTTPClient: connection lost: ${detail}.`);
  }

  /**
   * Mirrors the response's progress into the status. As in Godot, the end of a body is only noticed
   * by `readResponseBodyChunk()` (`fromRead`), and a broken connection only once the bytes that
   * arrived before the break have been read.
   */
  #followResponse(fromRead: boolean): void {
    const body = this.#body!;
    if (this.#error !== null && (this.#status !== Status.BODY || body.buffered === 0)) {
      return this.#fail(this.#error.status, this.#error.message);
    }
    const head = this.#head;
    if (this.#status === Status.REQUESTING && head !== null) {
      // Godot's rule: a body follows a length, chunking, or a connection read until it closes.
      this.#status = head.bodyLength !== -1 || head.chunked || head.readUntilEof ? Status.BODY : Status.CONNECTED;
      this.#bodyStartMs = this.#clock.nowMs();
    }
    if (this.#status !== Status.BODY) return;
    if (this.#maxBodyBytes >= 0 && body.received > this.#maxBodyBytes) {
      return this.#fail(Status.CONNECTION_ERROR, `response body longer than maxBodyBytes (${this.#maxBodyBytes} bytes).`);
    }
    if (fromRead && body.ended && body.buffered === 0) {
      if (head!.readUntilEof) return this.close();
      // As Godot: CONNECTED with the response code kept, even when the server already closed; the
      // next poll() notices the close (Python's http.server closes after every response).
      this.#status = Status.CONNECTED;
    }
  }

  #checkTimeout(): void {
    const now = this.#clock.nowMs();
    const inBody = this.#status === Status.BODY && !this.#body!.ended;
    if (inBody && this.#maxBodyMs > 0 && now - this.#bodyStartMs > this.#maxBodyMs) {
      return this.#fail(Status.CONNECTION_ERROR, `response body still going after maxBodyMs (${this.#maxBodyMs} ms).`);
    }
    if (this.#readTimeoutMs <= 0 || now - this.#lastProgressMs <= this.#readTimeoutMs) return;
    if (this.#status === Status.RESOLVING) return this.#timeOut(Status.CANT_RESOLVE);
    if (this.#status === Status.CONNECTING) return this.#timeOut(this.#handshaking ? Status.TLS_HANDSHAKE_ERROR : Status.CANT_CONNECT);
    if (this.#status === Status.REQUESTING || (inBody && this.#body!.buffered === 0)) this.#timeOut(Status.CONNECTION_ERROR);
  }

  #timeOut(status: Status): void {
    this.#fail(status, `no progress for ${this.#readTimeoutMs} ms (read timeout).`);
  }

  #fail(status: Status, message: string): void {
    this.close();
    this.#status = status;
    this.#log.warn(`HTTPClient: ${message}`);
  }

  #touch(): void {
    this.#lastProgressMs = this.#clock.nowMs();
  }
}
