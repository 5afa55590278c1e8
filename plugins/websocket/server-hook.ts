import type { Clock, ErrorCode, Logger, TLSOptions } from '../../core/index.js';
import type { SocketHandle, SocketSink, WebSocketBackend } from './websocket-backend.js';
import type { WebSocketMultiplayerPeer } from './websocket-multiplayer-peer.js';
import type { WebSocketPeer } from './websocket-peer.js';

/**
 * The server half of a WebSocketMultiplayerPeer (`createServer`, `createStreamServer`, `acceptStream`,
 * the server handshakes and `_poll_server`), reached through this hook so that a browser client, whose
 * native WebSocket can never be a server, does not download it. The Node entry (`index.ts`, through
 * websocket-node.ts) installs it (websocket-server.ts); without it those calls return ERR_UNAVAILABLE.
 */
export interface WebSocketServerHalf {
  /** True while `createServer` awaits its bind. */
  readonly binding: boolean;
  /** `handshakeTimeoutMs`: the peer's `handshake_timeout`, for the TLS handshakes. */
  createServer(port: number, bindAddress: string, tls: TLSOptions | null, handshakeTimeoutMs: number): Promise<ErrorCode>;
  createStreamServer(): ErrorCode;
  /** ERR_UNCONFIGURED unless the peer is a CONNECTED server. */
  acceptStream(stream: unknown): ErrorCode;
  /** The listening port, else 0. */
  getLocalPort(): number;
  /** Godot: WebSocketMultiplayerPeer::_poll_server. */
  poll(handshakeTimeoutMs: number): void;
  /** The server side of `put_packet`: to `target` (> 0), everyone (0) or everyone but `-target`. */
  putPacket(packet: Uint8Array, target: number): ErrorCode;
  /** Drops every pending connection and accepted stream, and the listener. The peer calls it from every _clear. */
  clear(): void;
}

/** What a WebSocketMultiplayerPeer lends its server half. */
export interface WebSocketServerHost {
  /** The peer itself (`getConnectionStatus`, `close` (Godot's _clear), `refuseNewConnections`, `generateUniqueId`, `peerConnected`, `peerDisconnected`). */
  readonly peer: WebSocketMultiplayerPeer;
  readonly clock: Clock;
  readonly log: Logger;
  readonly backend: WebSocketBackend;
  /** The connected peers, by id (shared with the peer). */
  readonly peers: Map<number, WebSocketPeer>;
  /** Becomes peer 1, CONNECTED, a server. */
  becomeServer(): void;
  /** Queues what peer `id` received. */
  drain(ws: WebSocketPeer, id: number): void;
}

/** Makes the server half of one WebSocketMultiplayerPeer. */
export type WebSocketServerFactory = (host: WebSocketServerHost) => WebSocketServerHalf;

/** The installed server half factory; null in a browser build. (A live binding, not a getter: a browser pays for every byte.) */
export let webSocketServerFactory: WebSocketServerFactory | null = null;

/** Called by the Node entry: every WebSocketMultiplayerPeer can be a server from then on. */
export function provideWebSocketServer(factory: WebSocketServerFactory): void {
  webSocketServerFactory = factory;
}

/** Resets a WebSocketPeer and starts its connection through `start`; ERR_* if the backend refused it. */
export type OpenConnection = (start: (sink: SocketSink) => SocketHandle | { error: ErrorCode; message: string }) => ErrorCode;

/**
 * Runs the server side of the handshake on `stream` for `peer` (Godot: WSLPeer::accept_stream), with
 * the peer's logger and backend. (Arguments, not an object: the browser build pays for every byte of the call.)
 */
export type WebSocketStreamAcceptor = (
  stream: unknown,
  peer: WebSocketPeer,
  log: Logger,
  backend: WebSocketBackend,
  open: OpenConnection,
) => ErrorCode;

/** The installed stream acceptor; null in a browser build. */
export let webSocketStreamAcceptor: WebSocketStreamAcceptor | null = null;

/** Called by the Node entry: every WebSocketPeer can accept streams from then on. */
export function provideWebSocketStreamAcceptor(accept: WebSocketStreamAcceptor): void {
  webSocketStreamAcceptor = accept;
}
