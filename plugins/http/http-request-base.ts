import {
  ErrorCode,
  MultiplayerError,
  Signal,
  TLSOptions,
  silentLogger,
  systemClock,
  type Clock,
  type Logger,
  logFailure,
} from '../../core/index.js';
import { Node } from '../../scenetree/index.js';
import { Method, Status, contentEncoding, hasHeader, headerValue, type HTTPClientBackend } from './http-client-base.js';
import {
  Result,
  concat,
  deferredLogger,
  type DownloadFile,
  type HTTPRequestOptions,
  type HTTPRequestPlatform,
} from './http-request-platform.js';

type Done = [result: Result, code: number, headers: string[], body: Uint8Array];
const EMPTY = new Uint8Array(0);

/**
 * Godot's HTTPRequest node, shared by the Node and browser builds (which differ in their
 * `HTTPRequestPlatform`). One request at a time; it advances in `_process` (subclasses overriding
 * `_process` must call `super._process(delta)`), and `requestCompleted` fires from there.
 * Godot: HTTPRequest (scene/main/http_request.cpp)
 */
export class HTTPRequestBase extends Node {
  /** Godot signal `request_completed(result, response_code, headers, body)`. */
  readonly requestCompleted = new Signal<[result: Result, responseCode: number, headers: string[], body: Uint8Array]>();
  readonly #platform: HTTPRequestPlatform;
  readonly #options: HTTPRequestOptions;
  readonly #client: HTTPClientBackend;
  #tlsOptions: TLSOptions = TLSOptions.client();
  #downloadFile = '';
  #bodySizeLimit = -1;
  #maxRedirects = 8;
  #timeout = 0;
  #acceptGzip = true;
  #requesting = false;
  #host = '';
  #port = 80;
  #useTls = false;
  #requestString = '/';
  #method: Method = Method.GET;
  #headers: string[] = [];
  #requestData: Uint8Array = EMPTY;
  #requestSent = false;
  #gotResponse = false;
  #responseCode = -1;
  #responseHeaders: string[] = [];
  #bodyLen = -1;
  #body: Uint8Array[] = [];
  #downloaded = 0;
  #redirections = 0;
  #file: DownloadFile | null = null;
  #deadlineMs: number | null = null;
  #pending: Done | null = null;

  constructor(platform: HTTPRequestPlatform, name?: string, options: HTTPRequestOptions = {}) {
    super(name);
    this.#platform = platform;
    this.#options = options;
    const clock: Clock = { nowMs: () => this.#clock().nowMs() };
    const logger = deferredLogger(() => this.#logger());
    this.#client = platform.createClient({ ...options, clock, logger });
  }

  /** Sends a request with a UTF-8 body. Godot: HTTPRequest::request. */
  request(url: string, customHeaders: readonly string[] = [], method: Method = Method.GET, requestData = ''): ErrorCode {
    return this.requestRaw(url, customHeaders, method, new TextEncoder().encode(requestData));
  }

  /**
   * Starts a request; the outcome arrives through `requestCompleted`. ERR_UNCONFIGURED outside a
   * tree, ERR_BUSY while another request runs, ERR_INVALID_PARAMETER for a bad URL.
   * Godot: HTTPRequest::request_raw (scene/main/http_request.cpp)
   */
  requestRaw(
    url: string,
    customHeaders: readonly string[] = [],
    method: Method = Method.GET,
    requestDataRaw: Uint8Array = EMPTY,
  ): ErrorCode {
    if (!this.isInsideTree())
      return logFailure(this.#logger(), '', ErrorCode.ERR_UNCONFIGURED, 'HTTPRequest must be inside the scene tree.');
    if (this.#requesting) {
      return logFailure(
        this.#logger(),
        '',
        ErrorCode.ERR_BUSY,
        'HTTPRequest is processing a request. Wait for completion or cancel it before attempting a new one.',
      );
    }
    const err = this.#parseUrl(url);
    if (err !== ErrorCode.OK) return err;
    // Divergence from Godot: a deadline on the injected clock instead of a Timer child node, so
    // tests move time with a ManualClock and the node has no hidden child.
    this.#deadlineMs = this.#timeout > 0 ? this.#clock().nowMs() + this.#timeout * 1000 : null;
    this.#method = method;
    this.#headers = [...customHeaders];
    if (this.#acceptGzip && !this.#client.decodesContent && !hasHeader(this.#headers, 'Accept-Encoding')) {
      this.#headers.push('Accept-Encoding: gzip, deflate');
    }
    this.#requestData = requestDataRaw;
    this.#requesting = true;
    if (this.#connect() !== ErrorCode.OK) {
      this.#pending = [Result.CANT_CONNECT, 0, [], EMPTY];
      return ErrorCode.ERR_CANT_CONNECT;
    }
    return ErrorCode.OK;
  }

  /** Stops the running request, if any; no signal fires for it. Godot: HTTPRequest::cancel_request. */
  cancelRequest(): void {
    this.#pending = null;
    this.#cancel();
  }

  /** Godot: HTTPRequest::get_http_client_status. */
  getHttpClientStatus(): Status {
    return this.#client.getStatus();
  }

  /** Godot: HTTPRequest::set_tls_options. Client options only. */
  setTlsOptions(options: TLSOptions): void {
    if (options === null || options === undefined || options.isServer()) {
      throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, 'HTTPRequest needs client TLS options.');
    }
    this.#tlsOptions = options;
  }

  /** Godot: HTTPRequest::set_http_proxy. */
  setHttpProxy(host: string, port: number): void {
    this.#client.setHttpProxy(host, port);
  }

  /** Godot: HTTPRequest::set_https_proxy. */
  setHttpsProxy(host: string, port: number): void {
    this.#client.setHttpsProxy(host, port);
  }

  /** Godot property `download_file`: write the body to this path instead of the signal ('' = off). */
  get downloadFile(): string {
    return this.#downloadFile;
  }
  set downloadFile(path: string) {
    this.#guardIdle('download_file');
    this.#downloadFile = path;
  }

  /** Godot property `download_chunk_size` (bytes per read, 256 … 16 MiB). */
  get downloadChunkSize(): number {
    return this.#client.readChunkSize;
  }
  set downloadChunkSize(size: number) {
    this.#guardIdle('download_chunk_size');
    this.#client.readChunkSize = size;
  }

  /** Godot property `body_size_limit` (bytes, -1 = none). */
  get bodySizeLimit(): number {
    return this.#bodySizeLimit;
  }
  set bodySizeLimit(bytes: number) {
    this.#guardIdle('body_size_limit');
    this.#bodySizeLimit = bytes;
  }

  /** Godot property `max_redirects` (-1 = unlimited; default 8). */
  get maxRedirects(): number {
    return this.#maxRedirects;
  }
  set maxRedirects(amount: number) {
    this.#maxRedirects = amount;
  }

  /** Godot property `timeout`, in seconds of the injected clock (0 = none). */
  get timeout(): number {
    return this.#timeout;
  }
  set timeout(seconds: number) {
    if (!(seconds >= 0)) throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, 'timeout must be >= 0.');
    this.#timeout = seconds;
  }

  /** Godot property `accept_gzip`: ask for gzip/deflate and inflate the body (default true). */
  get acceptGzip(): boolean {
    return this.#acceptGzip;
  }
  set acceptGzip(enable: boolean) {
    this.#acceptGzip = enable;
  }

  /** Godot: HTTPRequest::get_downloaded_bytes (bytes received, before decompression). */
  getDownloadedBytes(): number {
    return this.#downloaded;
  }

  /** Godot: HTTPRequest::get_body_size (Content-Length, or -1). */
  getBodySize(): number {
    return this.#bodyLen;
  }

  /** Advances the request; emits `requestCompleted` when it ends. Godot: NOTIFICATION_INTERNAL_PROCESS. */
  override _process(_delta: number): void {
    if (this.#pending !== null) return this.#emitPending();
    if (!this.#requesting) return;
    if (this.#deadlineMs !== null && this.#clock().nowMs() >= this.#deadlineMs) {
      this.#cancel();
      this.#pending = [Result.TIMEOUT, 0, [], EMPTY];
    } else {
      this.#update();
    }
    if (this.#pending !== null) this.#emitPending();
  }

  /** Godot: NOTIFICATION_EXIT_TREE cancels a running request. */
  override _exitTree(): void {
    if (this.#requesting) this.cancelRequest();
  }

  #clock(): Clock {
    return this.#options.clock ?? (this.isInsideTree() ? this.getTree().clock : systemClock);
  }

  #logger(): Logger {
    return this.#options.logger ?? (this.isInsideTree() ? this.getTree().logger : silentLogger);
  }

  #guardIdle(property: string): void {
    if (this.#client.getStatus() !== Status.DISCONNECTED) {
      throw new MultiplayerError(ErrorCode.ERR_BUSY, `Can't set ${property} while a request is in progress.`);
    }
  }

  /** Godot: HTTPRequest::_parse_url. */
  #parseUrl(url: string): ErrorCode {
    this.#resetTransfer();
    this.#redirections = 0;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return logFailure(this.#logger(), '', ErrorCode.ERR_INVALID_PARAMETER, `Error parsing URL: '${url}'.`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      return logFailure(this.#logger(), '', ErrorCode.ERR_INVALID_PARAMETER, `Invalid URL scheme: '${parsed.protocol}//'.`);
    }
    this.#useTls = parsed.protocol === 'https:';
    this.#host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
    this.#port = parsed.port !== '' ? Number(parsed.port) : this.#useTls ? 443 : 80;
    this.#requestString = `${parsed.pathname || '/'}${parsed.search}`;
    return ErrorCode.OK;
  }

  /** The URL being requested now (for resolving relative redirects). */
  #currentUrl(): string {
    const host = this.#host.includes(':') ? `[${this.#host}]` : this.#host;
    return `${this.#useTls ? 'https' : 'http'}://${host}:${this.#port}${this.#requestString}`;
  }

  #resetTransfer(): void {
    this.#requestSent = false;
    this.#gotResponse = false;
    this.#bodyLen = -1;
    this.#body = [];
    this.#downloaded = 0;
  }

  /** Godot: HTTPRequest::_request. */
  #connect(): ErrorCode {
    return this.#client.connectToHost(this.#host, this.#port, this.#useTls ? this.#tlsOptions : null);
  }

  #cancel(): void {
    this.#deadlineMs = null;
    if (!this.#requesting) return;
    this.#file?.close();
    this.#file = null;
    this.#client.close();
    this.#body = [];
    this.#gotResponse = false;
    this.#responseCode = -1;
    this.#requestSent = false;
    this.#requesting = false;
  }

  #done(result: Result, code: number, headers: string[], body: Uint8Array): true {
    this.#pending = [result, code, headers, body];
    return true;
  }

  // Divergence from Godot: Godot 4 inflates while downloading (StreamPeerGZIP); Node's zlib has no
  // synchronous streaming API, so the body is inflated once complete, capped by bodySizeLimit inside
  // zlib (maxOutputLength), which bounds a "zip bomb" just the same.
  /** Godot: HTTPRequest::_request_done: cancel, inflate if needed, emit. */
  #emitPending(): void {
    let [result, code, headers, body] = this.#pending!;
    this.#pending = null;
    const encoding = this.#acceptGzip && !this.#client.decodesContent ? contentEncoding(headers) : null;
    if (result === Result.SUCCESS && encoding !== null && body.length > 0) {
      const inflated = this.#platform.decompress(body, encoding, this.#bodySizeLimit);
      if (inflated === 'limit') [result, body] = [Result.BODY_SIZE_LIMIT_EXCEEDED, EMPTY];
      else if (inflated === 'corrupt') [result, body] = [Result.BODY_DECOMPRESS_FAILED, EMPTY];
      else if (this.#file === null) body = inflated;
      else [result, body] = [this.#file.write(inflated) ? result : Result.DOWNLOAD_FILE_WRITE_ERROR, EMPTY];
    }
    this.#cancel();
    this.requestCompleted.emit(result, code, headers, body);
  }

  /** One step of the request. Returns true when it is over. Godot: HTTPRequest::_update_connection. */
  #update(): boolean {
    const client = this.#client;
    switch (client.getStatus()) {
      case Status.DISCONNECTED:
        return this.#done(Result.CANT_CONNECT, 0, [], EMPTY);
      case Status.CANT_RESOLVE:
        return this.#done(Result.CANT_RESOLVE, 0, [], EMPTY);
      case Status.CANT_CONNECT:
        return this.#done(Result.CANT_CONNECT, 0, [], EMPTY);
      case Status.CONNECTION_ERROR:
        return this.#done(Result.CONNECTION_ERROR, 0, [], EMPTY);
      case Status.TLS_HANDSHAKE_ERROR:
        return this.#done(Result.TLS_HANDSHAKE_ERROR, 0, [], EMPTY);
      case Status.RESOLVING:
      case Status.CONNECTING:
      case Status.REQUESTING:
        client.poll();
        return false;
      case Status.CONNECTED:
        return this.#onConnected();
      case Status.BODY:
        return this.#onBody();
    }
    return false;
  }

  #onConnected(): boolean {
    if (!this.#requestSent) {
      const err = this.#client.requestRaw(this.#method, this.#requestString, this.#headers, this.#requestData);
      if (err !== ErrorCode.OK) return this.#done(Result.CONNECTION_ERROR, 0, [], EMPTY);
      this.#requestSent = true;
      return false;
    }
    if (!this.#gotResponse) {
      const handled = this.#handleResponse();
      if (handled !== null) return handled;
      return this.#done(Result.SUCCESS, this.#responseCode, this.#responseHeaders, EMPTY);
    }
    if (this.#bodyLen < 0) return this.#done(Result.SUCCESS, this.#responseCode, this.#responseHeaders, this.#takeBody());
    return this.#done(Result.CHUNKED_BODY_SIZE_MISMATCH, this.#responseCode, this.#responseHeaders, EMPTY);
  }

  #onBody(): boolean {
    const client = this.#client;
    if (!this.#gotResponse) {
      const handled = this.#handleResponse();
      if (handled !== null) return handled;
      if (!client.isResponseChunked() && client.getResponseBodyLength() === 0) {
        return this.#done(Result.SUCCESS, this.#responseCode, this.#responseHeaders, EMPTY);
      }
      this.#bodyLen = client.getResponseBodyLength();
      if (this.#bodySizeLimit >= 0 && this.#bodyLen > this.#bodySizeLimit) {
        return this.#done(Result.BODY_SIZE_LIMIT_EXCEEDED, this.#responseCode, this.#responseHeaders, EMPTY);
      }
      if (this.#downloadFile !== '') {
        this.#file = this.#platform.openFile(this.#downloadFile);
        if (this.#file === null) return this.#done(Result.DOWNLOAD_FILE_CANT_OPEN, this.#responseCode, this.#responseHeaders, EMPTY);
      }
    }
    client.poll();
    if (client.getStatus() !== Status.BODY) return false;
    const chunk = client.readResponseBodyChunk();
    this.#downloaded += chunk.length;
    if (this.#bodySizeLimit >= 0 && this.#downloaded > this.#bodySizeLimit) {
      return this.#done(Result.BODY_SIZE_LIMIT_EXCEEDED, this.#responseCode, this.#responseHeaders, EMPTY);
    }
    if (chunk.length > 0) {
      // A compressed download is inflated as a whole at the end, so it is kept until then.
      const compressedToFile =
        this.#file !== null && this.#acceptGzip && !client.decodesContent && contentEncoding(this.#responseHeaders) !== null;
      if (this.#file !== null && !compressedToFile) {
        if (!this.#file.write(chunk)) return this.#done(Result.DOWNLOAD_FILE_WRITE_ERROR, this.#responseCode, this.#responseHeaders, EMPTY);
      } else {
        this.#body.push(chunk);
      }
    }
    if (this.#bodyLen >= 0) {
      if (this.#downloaded === this.#bodyLen)
        return this.#done(Result.SUCCESS, this.#responseCode, this.#responseHeaders, this.#takeBody());
    } else if (client.getStatus() === Status.DISCONNECTED) {
      // Read until the server closed, with no error: the body is complete.
      return this.#done(Result.SUCCESS, this.#responseCode, this.#responseHeaders, this.#takeBody());
    }
    return false;
  }

  /**
   * Takes the response head; follows a 301/302 redirect. Returns null to go on, or the value
   * `#update` must return. Godot: HTTPRequest::_handle_response
   */
  #handleResponse(): boolean | null {
    const client = this.#client;
    if (!client.hasResponse()) return this.#done(Result.NO_RESPONSE, 0, [], EMPTY);
    this.#gotResponse = true;
    this.#responseCode = client.getResponseCode();
    this.#responseHeaders = client.getResponseHeaders();
    this.#downloaded = 0;
    if (this.#responseCode !== 301 && this.#responseCode !== 302) return null;
    if (this.#maxRedirects >= 0 && this.#redirections >= this.#maxRedirects) {
      return this.#done(Result.REDIRECT_LIMIT_REACHED, this.#responseCode, this.#responseHeaders, EMPTY);
    }
    const location = headerValue(this.#responseHeaders, 'Location');
    if (location === '') return null;
    client.close();
    const redirections = this.#redirections + 1;
    // Divergence from Godot: a relative Location is resolved against the current URL (Godot uses it
    // as the new path only when it does not start with "http").
    let target: string;
    try {
      target = new URL(location, this.#currentUrl()).href;
    } catch {
      return null;
    }
    if (this.#parseUrl(target) !== ErrorCode.OK || this.#connect() !== ErrorCode.OK) return null;
    this.#resetTransfer();
    this.#redirections = redirections;
    return false;
  }

  #takeBody(): Uint8Array {
    const body = concat(this.#body);
    this.#body = [];
    return body;
  }
}
