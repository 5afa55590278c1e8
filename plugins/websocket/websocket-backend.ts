import type { ErrorCode, TLSOptions } from '../../core/index.js';

/**
 * What a socket reports. Backends call these from socket callbacks; `WebSocketPeer` only queues
 * them and applies them in `poll()`.
 */
export interface SocketSink {
  /** The opening handshake completed. */
  open(protocol: string, host: string, port: number): void;
  /** One whole message; `isString` for text frames (the bytes are UTF-8). */
  message(data: Uint8Array, isString: boolean): void;
  /** A pong answered our ping (heartbeat). */
  pong(): void;
  /**
   * A protocol failure detected locally (message too big, bad UTF-8, bad frame): the backend has
   * already started closing with `code`. `detail` is for the log.
   */
  failed(code: number, reason: string, detail: string): void;
  /** The connection is gone. `clean` when a close frame was received; `code`/`reason` from it. */
  closed(clean: boolean, code: number, reason: string, detail: string): void;
}

/** One live WebSocket connection, as the backend exposes it. */
export interface SocketHandle {
  /** Queues one message; `onSent` runs once it has been handed to the OS (if the backend knows). */
  send(data: Uint8Array, isString: boolean, onSent?: () => void): void;
  /** Bytes queued but not yet handed to the OS. */
  readonly bufferedAmount: number;
  /** Starts the closing handshake. */
  close(code: number, reason: string): void;
  /** Drops the connection at once. */
  terminate(): void;
  /** Stops reading from the network (back-pressure); false if the backend cannot. */
  pause(): boolean;
  resume(): void;
  setNoDelay(enabled: boolean): void;
  /** Sends a ping; false if the backend cannot (browsers). */
  ping(): boolean;
}

/** Everything a client connection needs. */
export interface ClientConnectOptions {
  readonly url: string;
  readonly protocols: readonly string[];
  /** Godot `handshake_headers` entries, `"Name: value"`. */
  readonly headers: readonly string[];
  /** Largest accepted message (Godot `inbound_buffer_size`). */
  readonly maxPayload: number;
  readonly tls: TLSOptions | null;
}

/** Everything the server side of one accepted stream needs. */
export interface ServerAcceptOptions {
  readonly protocols: readonly string[];
  readonly headers: readonly string[];
  readonly maxPayload: number;
}

/** A listening TCP/TLS server that hands each accepted stream to a callback. */
export interface StreamListener {
  readonly port: number;
  /** Closes a stream this listener produced that no peer took over. */
  drop(stream: unknown): void;
  /** Stops listening (streams already handed out stay open). */
  close(): void;
}

/**
 * A WebSocket upgrade request whose HTTP head another server has already read (in Node, the
 * arguments of an `http.Server` `'upgrade'` event). A server that routes one port to many peers
 * (by URL path, say) reads the request, then hands it to the peer that should own the connection.
 */
export interface HttpUpgrade {
  /** The request (Node `http.IncomingMessage`). */
  readonly request: unknown;
  /** The connection (Node `net.Socket` or `tls.TLSSocket`). */
  readonly socket: unknown;
  /** Bytes that arrived after the request head. */
  readonly head: Uint8Array;
}

/** Options of `WebSocketBackend.listen`. */
export interface ListenOptions {
  readonly port: number;
  /** `'*'` for every interface. */
  readonly bindAddress: string;
  readonly tls: TLSOptions | null;
  /** TLS handshakes slower than this are dropped. */
  readonly handshakeTimeoutMs: number;
}

/**
 * The platform half of the WebSocket plugin: `ws` and `node:net`/`node:tls` in Node
 * (`ws-backend.ts`), the native `WebSocket` in browsers (`native-backend.ts`, client only).
 */
export interface WebSocketBackend {
  readonly name: string;
  /** Opens a client connection, or returns an error code with a reason for the log. */
  connect(options: ClientConnectOptions, sink: SocketSink): SocketHandle | { error: ErrorCode; message: string };
  /**
   * Runs the server handshake on an already accepted stream (Node `net.Socket`/`tls.TLSSocket`), or
   * completes it on an `HttpUpgrade` whose request was read elsewhere.
   */
  accept?(stream: unknown, options: ServerAcceptOptions, sink: SocketSink): SocketHandle | { error: ErrorCode; message: string };
  /** Listens for TCP (or TLS) streams; resolves with an error code when binding fails. */
  listen?(options: ListenOptions, onStream: (stream: unknown) => void): Promise<StreamListener | { error: ErrorCode; message: string }>;
  /** Closes a stream (or `HttpUpgrade`) that no peer took over. */
  drop?(stream: unknown): void;
}
