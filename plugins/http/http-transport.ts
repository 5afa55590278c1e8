import type { ErrorCode, Logger, TLSOptions } from '../../core/index.js';
import type { Method, Status } from './http-client-base.js';

/**
 * The I/O under `HTTPClientCore`: how one platform opens a connection and carries requests over it.
 * Three exist: Node sockets (`HTTPClient`), `fetch` (`FetchHTTPClient`) and none (the browser
 * build's `HTTPClient`). A transport never changes the client's status itself: it reports through
 * the events it is given, which only queue; `HTTPClientCore.poll()` acts on them.
 */
export interface HTTPTransport {
  /** True when the transport already undid `Content-Encoding` (fetch does). */
  readonly decodesContent: boolean;
  /** True when the transport follows redirects itself (a browser's fetch does). */
  readonly followsRedirects: boolean;
  /** Starts connecting to `target`; an ErrorCode (with the reason logged to `log`) when it cannot. */
  connect(target: HTTPTarget, events: ConnectionEvents, log: Logger): HTTPConnection | ErrorCode;
}

/** Where `connectToHost` aims. */
export interface HTTPTarget {
  /** Host name or address, without scheme or brackets. */
  readonly host: string;
  /** The origin's port (80 or 443 filled in). */
  readonly port: number;
  /** TLS options for HTTPS, null for plain HTTP. */
  readonly tls: TLSOptions | null;
  /** The proxy for this scheme (`setHttpProxy` / `setHttpsProxy`), if any. */
  readonly proxy: { readonly host: string; readonly port: number } | null;
}

/** One connection of a transport. */
export interface HTTPConnection {
  /** Where `connectToHost` leaves the status: RESOLVING, CONNECTING or CONNECTED. */
  readonly status: Status;
  /**
   * Sends one request (already validated by the core); the response is reported through `events`.
   * Returns the handle that steers its body, or an ErrorCode (logged) when refused.
   */
  send(method: Method, url: string, headers: readonly string[], body: Uint8Array, events: ResponseEvents): BodyFlow | ErrorCode;
  /** Drops the connection and anything in flight on it; no event follows. */
  close(): void;
}

/** Backpressure on one response body: the core pauses it while about two read chunks are unread. */
export interface BodyFlow {
  pause(): void;
  resume(): void;
}

/** How far a connection got; the core turns it into a status (and a timeout into the matching error). */
export type ConnectStage = 'connecting' | 'handshaking' | 'connected';

/** What a connection reports. Every call only queues (dropped once the client closed). */
export interface ConnectionEvents {
  stage(stage: ConnectStage): void;
  /** The connection could not be made: CANT_RESOLVE, CANT_CONNECT or TLS_HANDSHAKE_ERROR. */
  failed(status: Status, message: string): void;
  /** The server closed the connection. */
  closed(detail: string): void;
  /** Bytes arrived (even a partial response head): progress for the idle timeout. */
  arrived(): void;
}

/** What a response reports, in order: `head`, `data`…, `end`; or `failed` at any point. */
export interface ResponseEvents {
  head(head: ResponseHead): void;
  data(chunk: Uint8Array): void;
  end(): void;
  failed(status: Status, message: string): void;
}

/** A response head as the core shows it. */
export interface ResponseHead {
  readonly code: number;
  /** `'Name: value'` lines, in wire order. */
  readonly headers: readonly string[];
  readonly chunked: boolean;
  /** Content-Length, 0 for HEAD, or -1. */
  readonly bodyLength: number;
  /** False when the server announced it closes after this response. */
  readonly keepAlive: boolean;
  /** No length and no chunking: the body ends when the server closes (the status then DISCONNECTED). */
  readonly readUntilEof: boolean;
}
