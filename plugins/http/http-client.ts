import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import {
  ErrorCode,
  MultiplayerError,
  TLSOptions,
  detachStream,
  silentLogger,
  systemClock,
  type Clock,
  type Logger,
  type StreamPeer,
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
  headersToDictionary,
  queryStringFromDict,
  requestHeaderPairs,
  stripScheme,
  verifyHeaders,
  type HTTPClientBackend,
  type QueryValue,
} from './http-client-base.js';
import { OwnSocketAgent, openTcp, openTunnel, resolveHost, startTls, type HttpStream } from './node-socket.js';
import { ResponseReader } from './response-reader.js';

/** Options of `new HTTPClient()`; all optional. */
export interface HTTPClientOptions {
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
  /** Largest response head Node's parser accepts (bytes); beyond it, CONNECTION_ERROR. Default 16 KiB. */
  readonly maxHeaderSize?: number;
}

type Event =
  | { kind: 'resolved'; addresses: string[] | null }
  | { kind: 'tcp'; ok: boolean; detail: string }
  | { kind: 'tunnel'; ok: boolean; detail: string }
  | { kind: 'tls'; ok: boolean; detail: string }
  | { kind: 'closed'; detail: string };

/**
 * Godot's low-level HTTP client, polled: `connectToHost`, then `poll()` until CONNECTED, `request`,
 * `poll()` until BODY or CONNECTED, `readResponseBodyChunk()` while BODY. Several requests may use one
 * connection (keep-alive). Node's own HTTP parser reads the responses; socket callbacks only queue,
 * and the status moves only in `poll()` and `readResponseBodyChunk()`.
 * Godot: HTTPClientTCP (core/io/http_client_tcp.cpp)
 */
export class HTTPClient implements HTTPClientBackend {
  readonly decodesContent = false;
  readonly followsRedirects = false;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #readTimeoutMs: number;
  readonly #maxHeaderSize: number;
  readonly #maxBodyBytes: number;
  readonly #maxBodyMs: number;
  #bodyStartMs = 0;
  #status: Status = Status.DISCONNECTED;
  #events: Event[] = [];
  #gen = 0;
  #connHost = '';
  #connPort = -1;
  #serverPort = -1;
  #tls: TLSOptions | null = null;
  #candidates: string[] = [];
  #tcp: net.Socket | null = null;
  #stream: HttpStream | null = null;
  #agent: OwnSocketAgent | null = null;
  #reader: ResponseReader | null = null;
  #httpProxy: { host: string; port: number } | null = null;
  #httpsProxy: { host: string; port: number } | null = null;
  #readChunkSize = READ_CHUNK_SIZE_DEFAULT;
  #lastProgressMs = 0;
  #closedDetail: string | null = null;
  #connection: StreamPeer | null = null;
  #watched: net.Socket | null = null;
  #arrived = false;

  constructor(options: HTTPClientOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger ?? silentLogger;
    this.#readTimeoutMs = options.readTimeoutMs ?? 30_000;
    this.#maxHeaderSize = options.maxHeaderSize ?? 16 * 1024;
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
    let options = tlsOptions;
    if (scheme === 'http') options = null;
    else if (scheme === 'https' && options === null) options = TLSOptions.client();
    if (options !== null && options.isServer())
      return logFailure(this.#log, '', ErrorCode.ERR_INVALID_PARAMETER, 'TLS options must be client options.');
    if (bare.length < 1) return logFailure(this.#log, '', ErrorCode.ERR_INVALID_PARAMETER, 'Host name is empty.');
    if (!Number.isInteger(port) || port < -1 || port > 65535)
      return logFailure(this.#log, '', ErrorCode.ERR_INVALID_PARAMETER, `Invalid port ${port}.`);
    this.#connHost = bare;
    this.#tls = options;
    this.#connPort = port < 0 ? (options !== null ? PORT_HTTPS : PORT_HTTP) : port;
    const proxy = options !== null ? this.#httpsProxy : this.#httpProxy;
    const serverHost = proxy?.host ?? bare;
    this.#serverPort = proxy?.port ?? this.#connPort;
    this.#touch();
    if (net.isIP(serverHost) !== 0) {
      this.#openTcp(serverHost);
      return ErrorCode.OK;
    }
    this.#status = Status.RESOLVING;
    const gen = this.#gen;
    resolveHost(serverHost, (addresses) => this.#push(gen, { kind: 'resolved', addresses }));
    return ErrorCode.OK;
  }

  /**
   * Godot property `connection`: the StreamPeer the client talks over. Set it to a connected
   * StreamPeerTCP or StreamPeerTLS (scenenet/plugins/net): the client takes its socket over and is
   * CONNECTED on it (the Host header comes from the last `connectToHost`, else the peer's address).
   * Divergence from Godot: reading it returns the stream you set, and null for a connection the
   * client opened itself (Node's HTTP parser owns those bytes); a StreamPeer that cannot hand over a
   * socket (a custom one, or one not connected) throws ERR_INVALID_PARAMETER.
   * Godot: HTTPClientTCP::set_connection / get_connection (core/io/http_client_tcp.cpp)
   */
  get connection(): StreamPeer | null {
    return this.#connection;
  }
  set connection(stream: StreamPeer) {
    if (stream === this.#connection) return;
    const detached = detachStream(stream);
    if (typeof detached === 'number' || !(detached.socket instanceof net.Socket)) {
      throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, 'Connection is not a connected StreamPeerTCP or StreamPeerTLS.');
    }
    this.close();
    const socket = detached.socket;
    if (detached.head.length > 0) socket.unshift(Buffer.from(detached.head));
    if (!(socket instanceof tls.TLSSocket)) this.#tls = null;
    else this.#tls ??= TLSOptions.client();
    if (this.#connHost === '') {
      this.#connHost = socket.remoteAddress ?? '';
      this.#connPort = socket.remotePort ?? 0;
    }
    const gen = this.#gen;
    socket.on('error', () => undefined); // the close that follows reports it
    socket.once('close', () => this.#push(gen, { kind: 'closed', detail: 'closed by the server' }));
    this.#stream = socket;
    this.#onConnected();
    this.#connection = stream;
  }

  /** Godot: HTTPClient::get_status. */
  getStatus(): Status {
    return this.#status;
  }

  /**
   * Moves queued socket events into view and advances the status. Returns Godot's codes:
   * ERR_UNCONFIGURED when disconnected, the matching error in an error status, else OK.
   * Godot: HTTPClientTCP::poll (core/io/http_client_tcp.cpp)
   */
  poll(): ErrorCode {
    const events = this.#events;
    this.#events = [];
    for (const e of events) this.#apply(e);
    if (this.#reader?.drain() === true || this.#arrived) this.#touch();
    this.#arrived = false;
    if (this.#reader !== null) this.#followReader(false);
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
   * Sends a request; only valid while CONNECTED. Adds Host, Content-Length (for a body), User-Agent
   * and Accept unless given. Godot: HTTPClientTCP::request (core/io/http_client_tcp.cpp)
   */
  requestRaw(method: Method, url: string, headers: readonly string[] = [], body: Uint8Array = new Uint8Array(0)): ErrorCode {
    if (!Number.isInteger(method) || method < 0 || method >= Method.MAX)
      return logFailure(this.#log, '', ErrorCode.ERR_INVALID_PARAMETER, `Invalid method ${method}.`);
    if (!checkRequestUrl(method, url)) return logFailure(this.#log, '', ErrorCode.ERR_INVALID_PARAMETER, `Invalid request URL '${url}'.`);
    if (this.#status !== Status.CONNECTED)
      return logFailure(this.#log, '', ErrorCode.ERR_INVALID_PARAMETER, 'HTTPClient is not connected.');
    if (this.#agent === null) return logFailure(this.#log, '', ErrorCode.ERR_INVALID_DATA, 'HTTPClient has no connection.');
    // Divergence from Godot: a CONNECT request turns the connection into a raw tunnel, which this
    // client cannot hand out (Godot's get_connection); HTTPS proxies use it internally (setHttpsProxy).
    if (method === Method.CONNECT)
      return logFailure(this.#log, '', ErrorCode.ERR_UNAVAILABLE, 'CONNECT requests are not supported; use setHttpsProxy.');
    const bad = verifyHeaders(headers, this.#log);
    if (bad !== ErrorCode.OK) return bad;
    const uri = this.#tls === null && this.#httpProxy !== null ? `http://${this.#hostPort()}${url}` : url;
    const raw = requestHeaderPairs(headers, body.length, this.#hostHeader());
    const gen = this.#gen;
    let req: http.ClientRequest;
    try {
      req = http.request({
        agent: this.#agent,
        host: this.#connHost,
        port: this.#serverPort,
        method: METHOD_NAMES[method]!,
        path: uri,
        setHost: false,
        headers: raw,
        maxHeaderSize: this.#maxHeaderSize,
      });
    } catch (err) {
      return logFailure(this.#log, '', ErrorCode.ERR_INVALID_PARAMETER, `Invalid request: ${(err as Error).message}`);
    }
    this.#reader = new ResponseReader(
      req,
      method === Method.HEAD,
      () => this.#readChunkSize,
      () => this.#gen === gen,
    );
    // A socket taken over from a StreamPeer arrives paused; reading starts once Node's parser listens.
    req.once('socket', (socket: net.Socket) => {
      this.#watchArrivals(socket, gen);
      socket.resume();
    });
    req.end(body.length > 0 ? body : undefined);
    this.#status = Status.REQUESTING;
    this.#touch();
    return ErrorCode.OK;
  }

  /** Godot: HTTPClient::has_response. */
  hasResponse(): boolean {
    return this.#reader?.response !== null && this.#reader?.response !== undefined;
  }

  /** Godot: HTTPClient::get_response_code. 0 before a response. */
  getResponseCode(): number {
    return this.#reader?.response?.code ?? 0;
  }

  // Divergence from Godot: get_response_headers empties Godot's list (a second call returns nothing);
  // ours returns the same lines until the next request.
  /** Header lines of the last response (`'Name: value'`). Godot: HTTPClient::get_response_headers. */
  getResponseHeaders(): string[] {
    return [...(this.#reader?.response?.headers ?? [])];
  }

  /** Godot: HTTPClient::get_response_headers_as_dictionary. */
  getResponseHeadersAsDictionary(): Record<string, string> {
    return headersToDictionary(this.getResponseHeaders());
  }

  /** Godot: HTTPClient::is_response_chunked. */
  isResponseChunked(): boolean {
    return this.#reader?.response?.chunked ?? false;
  }

  /** Content-Length of the response, or -1 (chunked, or read until the server closes). */
  getResponseBodyLength(): number {
    return this.#reader?.response?.bodyLength ?? -1;
  }

  /**
   * Up to `readChunkSize` bytes of the body (possibly none yet); only valid in BODY. When the body
   * is complete the status becomes CONNECTED (with the response code kept, even if the server has
   * closed since: the next `poll()` reports that), or DISCONNECTED for a body read until the server closed.
   * Godot: HTTPClientTCP::read_response_body_chunk (core/io/http_client_tcp.cpp)
   */
  readResponseBodyChunk(): Uint8Array {
    if (this.#status !== Status.BODY || this.#reader === null) {
      this.#log.debug('read_response_body_chunk: HTTPClient is not in STATUS_BODY.');
      return new Uint8Array(0);
    }
    const chunk = this.#reader.read(this.#readChunkSize);
    if (chunk.length > 0) this.#touch();
    this.#followReader(true);
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
    this.#gen++;
    this.#events = [];
    this.#reader?.abort();
    this.#reader = null;
    this.#agent?.destroy();
    this.#agent = null;
    this.#stream?.destroy();
    this.#tcp?.destroy();
    this.#stream = null;
    this.#tcp = null;
    this.#candidates = [];
    this.#closedDetail = null;
    this.#connection = null;
    this.#watched = null;
    this.#arrived = false;
    this.#status = Status.DISCONNECTED;
  }

  /** Notes every arrival of bytes (head or body) on the connection, for the idle timeout; once per socket. */
  #watchArrivals(socket: net.Socket, gen: number): void {
    if (this.#watched === socket) return;
    this.#watched = socket;
    socket.on('data', () => {
      if (gen === this.#gen) this.#arrived = true;
    });
  }

  #push(gen: number, e: Event): void {
    if (gen === this.#gen) this.#events.push(e);
  }

  #touch(): void {
    this.#lastProgressMs = this.#clock.nowMs();
  }

  #apply(e: Event): void {
    this.#touch();
    switch (e.kind) {
      case 'resolved':
        return this.#onResolved(e.addresses);
      case 'tcp':
        return this.#onTcp(e.ok, e.detail);
      case 'tunnel':
        return e.ok ? this.#startTls() : this.#failConnect(Status.CANT_CONNECT, `HTTPS proxy refused the tunnel: ${e.detail}.`);
      case 'tls':
        return e.ok ? this.#onConnected() : this.#failConnect(Status.TLS_HANDSHAKE_ERROR, `TLS handshake failed: ${e.detail}.`);
      case 'closed':
        this.#closedDetail = e.detail;
        return;
    }
  }

  #onResolved(addresses: string[] | null): void {
    if (this.#status !== Status.RESOLVING) return;
    if (addresses === null) return this.#failConnect(Status.CANT_RESOLVE, `Can't resolve '${this.#connHost}'.`);
    this.#candidates = addresses;
    this.#openTcp(this.#candidates.shift()!);
  }

  #openTcp(ip: string): void {
    const gen = this.#gen;
    this.#status = Status.CONNECTING;
    this.#tcp = openTcp(ip, this.#serverPort, {
      connected: () => this.#push(gen, { kind: 'tcp', ok: true, detail: '' }),
      failed: (err) => this.#push(gen, { kind: 'tcp', ok: false, detail: err.message }),
      closed: (err) => this.#push(gen, { kind: 'closed', detail: err?.message ?? 'closed by the server' }),
    });
  }

  #onTcp(ok: boolean, detail: string): void {
    if (this.#status !== Status.CONNECTING) return;
    if (!ok) {
      const next = this.#candidates.shift();
      if (next !== undefined) return this.#openTcp(next);
      return this.#failConnect(Status.CANT_CONNECT, `Can't connect to ${this.#connHost}:${this.#serverPort}: ${detail}.`);
    }
    this.#candidates = [];
    if (this.#tls === null) return this.#onConnected();
    if (this.#httpsProxy !== null) {
      const gen = this.#gen;
      return openTunnel(this.#tcp!, this.#hostPort(), (tunnelOk, why) => this.#push(gen, { kind: 'tunnel', ok: tunnelOk, detail: why }));
    }
    this.#startTls();
  }

  #startTls(): void {
    const gen = this.#gen;
    this.#stream = startTls(this.#tcp!, this.#connHost, this.#tls!, {
      secured: () => this.#push(gen, { kind: 'tls', ok: true, detail: '' }),
      failed: (err) => this.#push(gen, { kind: 'tls', ok: false, detail: err.message }),
      closed: (err) => this.#push(gen, { kind: 'closed', detail: err?.message ?? 'closed by the server' }),
    });
  }

  #onConnected(): void {
    this.#stream ??= this.#tcp;
    this.#agent = new OwnSocketAgent(this.#stream!);
    this.#status = Status.CONNECTED;
  }

  #onClosed(detail: string): void {
    // A close during a request reaches the ResponseReader as an error or as the end of the body.
    if (this.#status !== Status.CONNECTED) return;
    const expected = this.#reader?.response?.keepAlive === false;
    this.close();
    // Divergence from Godot: a close the server announced (`Connection: close`) ends in DISCONNECTED;
    // Godot reports CONNECTION_ERROR for every close while connected.
    if (expected) return;
    this.#status = Status.CONNECTION_ERROR;
    this.#log.debug(`HTTPClient: connection lost: ${detail}.`);
  }

  /**
   * Mirrors the reader's progress into the status. As in Godot, the end of a body is only noticed by
   * `readResponseBodyChunk()` (`fromRead`), and a broken connection only once the bytes that arrived
   * before the break have been read.
   */
  #followReader(fromRead: boolean): void {
    const reader = this.#reader!;
    if (reader.error !== null && (this.#status !== Status.BODY || reader.buffered === 0)) {
      const why = reader.error;
      this.close();
      this.#status = Status.CONNECTION_ERROR;
      this.#log.warn(`HTTPClient: ${why}`);
      return;
    }
    if (this.#status === Status.REQUESTING && reader.response !== null) {
      this.#status = reader.hasBody ? Status.BODY : Status.CONNECTED;
      this.#bodyStartMs = this.#clock.nowMs();
    }
    if (this.#status === Status.BODY && this.#maxBodyBytes >= 0 && reader.received > this.#maxBodyBytes) {
      this.#failConnect(Status.CONNECTION_ERROR, `response body longer than maxBodyBytes (${this.#maxBodyBytes} bytes).`);
      return;
    }
    if (fromRead && this.#status === Status.BODY && reader.finished) {
      if (reader.response!.readUntilEof) {
        this.close();
        return;
      }
      // As Godot: CONNECTED with the response code kept, even when the server already closed; the
      // next poll() notices the close (Python's http.server closes after every response).
      this.#status = Status.CONNECTED;
    }
  }

  #checkTimeout(): void {
    if (
      this.#status === Status.BODY &&
      this.#reader?.ended === false &&
      this.#maxBodyMs > 0 &&
      this.#clock.nowMs() - this.#bodyStartMs > this.#maxBodyMs
    ) {
      this.#failConnect(Status.CONNECTION_ERROR, `response body still going after maxBodyMs (${this.#maxBodyMs} ms).`);
      return;
    }
    if (this.#readTimeoutMs <= 0) return;
    const waiting =
      this.#status === Status.RESOLVING ||
      this.#status === Status.CONNECTING ||
      this.#status === Status.REQUESTING ||
      (this.#status === Status.BODY && this.#reader !== null && this.#reader.buffered === 0 && !this.#reader.finished);
    if (!waiting || this.#clock.nowMs() - this.#lastProgressMs <= this.#readTimeoutMs) return;
    const status =
      this.#status === Status.RESOLVING
        ? Status.CANT_RESOLVE
        : this.#status !== Status.CONNECTING
          ? Status.CONNECTION_ERROR
          : this.#stream !== null
            ? Status.TLS_HANDSHAKE_ERROR
            : Status.CANT_CONNECT;
    this.#failConnect(status, `no progress for ${this.#readTimeoutMs} ms (read timeout).`);
  }

  #failConnect(status: Status, message: string): void {
    this.close();
    this.#status = status;
    this.#log.warn(`HTTPClient: ${message}`);
  }

  #hostPort(): string {
    return `${this.#connHost}:${this.#connPort}`;
  }

  /** The Host header value: the port is left out when it is the scheme's standard one. */
  #hostHeader(): string {
    const standard = (this.#tls !== null && this.#connPort === PORT_HTTPS) || (this.#tls === null && this.#connPort === PORT_HTTP);
    return standard ? this.#connHost : this.#hostPort();
  }
}
