import { ConnectionStatus, ErrorCode, logFailure, type Logger, type TLSOptions } from '../../core/index.js';
import { PendingPeers } from './pending-peers.js';
import type { OpenConnection, WebSocketServerHalf, WebSocketServerHost } from './server-hook.js';
import type { StreamListener, WebSocketBackend } from './websocket-backend.js';
import { State, WebSocketPeer } from './websocket-peer.js';

/**
 * The server half of WebSocketMultiplayerPeer (Node only; installed by websocket-node.ts through
 * server-hook.ts). Godot: WebSocketMultiplayerPeer::create_server and _poll_server
 * (modules/websocket/websocket_multiplayer_peer.cpp).
 */
export class WebSocketServer implements WebSocketServerHalf {
  readonly #host: WebSocketServerHost;
  #binding = false;
  #listener: StreamListener | null = null;
  #accepted: unknown[] = [];
  readonly #pending: PendingPeers;
  /** Bumped by every `clear()` (the peer's _clear): work started before it is stale. */
  #generation = 0;

  constructor(host: WebSocketServerHost) {
    this.#host = host;
    this.#pending = new PendingPeers({
      clock: host.clock,
      logger: host.log,
      createPeer: () => this.#createPeer(),
      drop: (stream) => this.#dropStream(stream),
    });
  }

  get binding(): boolean {
    return this.#binding;
  }

  // Divergence from Godot: async, because Node binds sockets asynchronously.
  async createServer(
    port: number,
    bindAddress: string,
    tlsServerOptions: TLSOptions | null,
    handshakeTimeoutMs: number,
  ): Promise<ErrorCode> {
    const host = this.#host;
    const log = host.log;
    if (host.peer.getConnectionStatus() !== ConnectionStatus.DISCONNECTED || this.#binding) {
      return logFailure(log, 'WebSocketMultiplayerPeer', ErrorCode.ERR_ALREADY_IN_USE, 'The multiplayer instance is already active.');
    }
    if (tlsServerOptions !== null && !tlsServerOptions.isServer())
      return logFailure(log, 'WebSocketMultiplayerPeer', ErrorCode.ERR_INVALID_PARAMETER, 'TLS options must be server options.');
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      return logFailure(
        log,
        'WebSocketMultiplayerPeer',
        ErrorCode.ERR_INVALID_PARAMETER,
        'The local port number must be between 0 and 65535 (inclusive).',
      );
    }
    const backend = host.backend;
    if (backend.listen === undefined)
      return logFailure(log, 'WebSocketMultiplayerPeer', ErrorCode.ERR_UNAVAILABLE, `The ${backend.name} backend cannot listen.`);
    host.peer.close();
    this.#binding = true;
    const generation = this.#generation;
    const options = { port, bindAddress, tls: tlsServerOptions, handshakeTimeoutMs };
    let listener: StreamListener | null = null;
    const result = await backend.listen(options, (stream) => {
      if (this.#generation === generation) this.#accepted.push(stream);
      else listener?.drop(stream);
    });
    this.#binding = false;
    if ('error' in result) return logFailure(log, 'WebSocketMultiplayerPeer', result.error, result.message);
    listener = result;
    if (this.#generation !== generation) {
      listener.close();
      return logFailure(log, 'WebSocketMultiplayerPeer', ErrorCode.ERR_CANT_CREATE, 'The peer was closed while binding.');
    }
    this.#listener = listener;
    host.becomeServer();
    return ErrorCode.OK;
  }

  // Divergence from Godot: Godot's WebSocketMultiplayerPeer always owns its TCPServer.
  createStreamServer(): ErrorCode {
    const host = this.#host;
    if (host.peer.getConnectionStatus() !== ConnectionStatus.DISCONNECTED || this.#binding) {
      return logFailure(host.log, 'WebSocketMultiplayerPeer', ErrorCode.ERR_ALREADY_IN_USE, 'The multiplayer instance is already active.');
    }
    if (host.backend.accept === undefined)
      return logFailure(
        host.log,
        'WebSocketMultiplayerPeer',
        ErrorCode.ERR_UNAVAILABLE,
        `The ${host.backend.name} backend cannot accept streams.`,
      );
    host.peer.close();
    host.becomeServer();
    return ErrorCode.OK;
  }

  acceptStream(stream: unknown): ErrorCode {
    const peer = this.#host.peer;
    if (!peer.isServer() || peer.getConnectionStatus() !== ConnectionStatus.CONNECTED) {
      return logFailure(this.#host.log, 'WebSocketMultiplayerPeer', ErrorCode.ERR_UNCONFIGURED, 'acceptStream needs a server.');
    }
    if (stream === null || typeof stream !== 'object')
      return logFailure(this.#host.log, 'WebSocketMultiplayerPeer', ErrorCode.ERR_INVALID_PARAMETER, 'The stream is not an object.');
    this.#accepted.push(stream);
    return ErrorCode.OK;
  }

  getLocalPort(): number {
    return this.#listener?.port ?? 0;
  }

  /** Godot: WebSocketMultiplayerPeer::_poll_server. */
  poll(handshakeTimeoutMs: number): void {
    const host = this.#host;
    const generation = this.#generation;
    this.#acceptStreams();
    for (const [id, ws] of this.#pending.poll(handshakeTimeoutMs, host.peer.refuseNewConnections)) {
      host.peers.set(id, ws);
      host.peer.peerConnected.emit(id);
      if (generation !== this.#generation) return;
    }
    let gone: number[] | null = null;
    for (const [id, ws] of host.peers) {
      ws.poll();
      if (ws.getReadyState() !== State.OPEN) (gone ??= []).push(id);
      else host.drain(ws, id);
    }
    for (const id of gone ?? []) {
      host.peers.delete(id);
      host.peer.peerDisconnected.emit(id);
      if (generation !== this.#generation) return;
    }
  }

  /** Godot: WebSocketMultiplayerPeer::put_packet, on a server. */
  putPacket(packet: Uint8Array, target: number): ErrorCode {
    const peers = this.#host.peers;
    if (target > 0) {
      const ws = peers.get(target);
      if (ws === undefined)
        return logFailure(this.#host.log, 'WebSocketMultiplayerPeer', ErrorCode.ERR_INVALID_PARAMETER, `Peer not found: ${target}`);
      // Divergence from Godot: the per-peer error (e.g. ERR_OUT_OF_MEMORY) is returned, not dropped.
      return ws.putPacket(packet);
    }
    for (const [id, ws] of peers) {
      if (target !== 0 && -target === id) continue;
      ws.putPacket(packet);
    }
    return ErrorCode.OK;
  }

  clear(): void {
    this.#generation++;
    this.#pending.clear();
    for (const stream of this.#accepted.splice(0)) this.#dropStream(stream);
    this.#listener?.close();
    this.#listener = null;
  }

  #acceptStreams(): void {
    if (this.#accepted.length === 0) return;
    const host = this.#host;
    for (const stream of this.#accepted.splice(0)) {
      if (host.peer.refuseNewConnections) {
        // Divergence from Godot: refused TCP connections are closed at once instead of left in the backlog.
        this.#dropStream(stream);
        continue;
      }
      let id = host.peer.generateUniqueId();
      while (host.peers.has(id) || this.#pending.has(id)) id = host.peer.generateUniqueId();
      this.#pending.add(id, stream);
    }
  }

  /** A connection with the peer's settings (as the peer makes its client connection). */
  #createPeer(): WebSocketPeer {
    const host = this.#host;
    const peer = host.peer;
    const ws = new WebSocketPeer({ clock: host.clock, logger: host.log, backend: host.backend });
    ws.supportedProtocols = peer.supportedProtocols;
    ws.handshakeHeaders = peer.handshakeHeaders;
    ws.inboundBufferSize = peer.inboundBufferSize;
    ws.outboundBufferSize = peer.outboundBufferSize;
    ws.maxQueuedPackets = peer.maxQueuedPackets;
    return ws;
  }

  #dropStream(stream: unknown): void {
    const backend = this.#host.backend;
    if (backend.drop !== undefined) backend.drop(stream);
    else this.#listener?.drop(stream);
  }
}

/**
 * Runs the server side of the handshake on a stream a server accepted itself (WebSocketPeer.acceptStream;
 * Node only, installed by websocket-node.ts). Godot: WSLPeer::accept_stream (modules/websocket/wsl_peer.cpp)
 */
export function acceptWebSocketStream(
  stream: unknown,
  peer: WebSocketPeer,
  log: Logger,
  backend: WebSocketBackend,
  open: OpenConnection,
): ErrorCode {
  if (stream === null || stream === undefined)
    return logFailure(log, 'WebSocketPeer', ErrorCode.ERR_INVALID_PARAMETER, 'The stream is null.');
  const state = peer.getReadyState();
  if (state !== State.CLOSED && state !== State.CLOSING)
    return logFailure(log, 'WebSocketPeer', ErrorCode.ERR_ALREADY_IN_USE, 'The peer is already in use.');
  if (backend.accept === undefined)
    return logFailure(log, 'WebSocketPeer', ErrorCode.ERR_UNAVAILABLE, `The ${backend.name} backend cannot accept streams.`);
  const accept = backend.accept.bind(backend);
  const options = { protocols: peer.supportedProtocols, headers: peer.handshakeHeaders, maxPayload: peer.inboundBufferSize };
  return open((sink) => accept(stream, options, sink));
}
