import net from 'node:net';
import { ErrorCode, MultiplayerError, logFailure } from '../../core/index.js';
import { localAddressProblem, normalizeAddress } from './net-address.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, TCPStatus } from './status.js';
import { SocketStreamPeer, type SocketEvent, type SocketStreamOptions } from './socket-stream-peer.js';

/** Options of `new StreamPeerTCP()`; all optional. */
export interface StreamPeerTCPOptions extends SocketStreamOptions {
  /** A connection still CONNECTING after this long (on the clock) becomes ERROR. Default 30 000. */
  readonly connectTimeoutMs?: number;
}

/**
 * Godot: StreamPeerTCP (core/io/stream_peer_tcp.cpp): a TCP connection, polled. `connectToHost`
 * starts connecting; each `poll()` applies what the socket reported since the last one (connected,
 * data, the remote's FIN, errors) and checks the connect timeout. A remote that closes cleanly ends
 * in NONE once its data was read; a failure ends in ERROR.
 */
export class StreamPeerTCP extends SocketStreamPeer {
  #status: TCPStatus = TCPStatus.NONE;
  readonly #connectTimeoutMs: number;
  #deadline = 0;
  #host = '';
  #port = 0;
  #bind: { port: number; host: string } | null = null;
  #remoteEnded = false;

  constructor(options: StreamPeerTCPOptions = {}) {
    super(options);
    this.#connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  }

  /** Wraps a socket a TCPServer accepted (CONNECTED at once). Godot: StreamPeerTCP::accept_socket */
  static fromAccepted(socket: net.Socket, options: StreamPeerTCPOptions = {}): StreamPeerTCP {
    const peer = new StreamPeerTCP(options);
    peer.attach(socket);
    peer.#status = TCPStatus.CONNECTED;
    peer.#host = normalizeAddress(socket.remoteAddress ?? '');
    peer.#port = socket.remotePort ?? 0;
    return peer;
  }

  /**
   * Sets the local address and port the next `connectToHost` uses. Divergence from Godot: the socket
   * is bound when connecting (Node binds and connects in one call), so an address in use shows as
   * ERROR after `poll()` rather than as this method's return value.
   * Godot: StreamPeerTCP::bind (core/io/stream_peer_tcp.cpp)
   */
  bind(port: number, host = '*'): ErrorCode {
    if (this.#status !== TCPStatus.NONE)
      return logFailure(this.log, 'StreamPeerTCP', ErrorCode.ERR_ALREADY_IN_USE, 'The socket is already in use.');
    const problem = localAddressProblem(port, host);
    if (problem !== null) return logFailure(this.log, 'StreamPeerTCP', ErrorCode.ERR_INVALID_PARAMETER, problem);
    this.#bind = { port, host };
    return ErrorCode.OK;
  }

  /**
   * Starts connecting to `host` (an IP address or a name) on `port`; the status is CONNECTING until a
   * `poll()` sees the outcome. Divergence from Godot: a name that does not resolve ends in ERROR on a
   * later poll (Godot resolves synchronously and returns ERR_CANT_RESOLVE).
   * Godot: StreamPeerTCP::connect_to_host (core/io/stream_peer_tcp.cpp)
   */
  connectToHost(host: string, port: number): ErrorCode {
    if (this.#status !== TCPStatus.NONE)
      return logFailure(this.log, 'StreamPeerTCP', ErrorCode.ERR_ALREADY_IN_USE, 'The socket is already in use.');
    if (typeof host !== 'string' || host === '')
      return logFailure(this.log, 'StreamPeerTCP', ErrorCode.ERR_INVALID_PARAMETER, 'The host is empty.');
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      return logFailure(
        this.log,
        'StreamPeerTCP',
        ErrorCode.ERR_INVALID_PARAMETER,
        'The remote port number must be between 1 and 65535 (inclusive).',
      );
    }
    const bind = this.#bind;
    const options: net.TcpNetConnectOpts = { host, port };
    if (bind !== null && bind.port > 0) options.localPort = bind.port;
    if (bind !== null && bind.host !== '*') options.localAddress = bind.host;
    let socket: net.Socket;
    try {
      socket = net.connect(options);
    } catch (err) {
      return logFailure(this.log, 'StreamPeerTCP', ErrorCode.FAILED, `Connection to remote host failed: ${(err as Error).message}`);
    }
    this.attach(socket);
    socket.once('connect', () => this.queue({ kind: 'open' }));
    this.#status = TCPStatus.CONNECTING;
    this.#deadline = this.clock.nowMs() + this.#connectTimeoutMs;
    this.#host = net.isIP(host) !== 0 ? host : '';
    this.#port = port;
    return ErrorCode.OK;
  }

  /**
   * Applies what the socket reported: CONNECTING → CONNECTED or ERROR (also on the connect timeout),
   * received data becomes readable, the remote's FIN ends in NONE once the data was read, a socket
   * error in ERROR. Returns ERR_CONNECTION_ERROR when the connection failed in this call.
   * Godot: StreamPeerTCP::poll (core/io/stream_peer_tcp.cpp)
   */
  poll(): ErrorCode {
    if (this.#status !== TCPStatus.CONNECTING && this.#status !== TCPStatus.CONNECTED) return ErrorCode.OK;
    for (const event of this.takeEvents()) {
      const result = this.#apply(event);
      if (result !== ErrorCode.OK) return result;
    }
    if (this.#status === TCPStatus.CONNECTING) {
      if (this.clock.nowMs() <= this.#deadline) return ErrorCode.OK;
      this.logOnce(`StreamPeerTCP: connecting to ${this.#host}:${this.#port} timed out.`);
      this.#error();
      return ErrorCode.ERR_CONNECTION_ERROR;
    }
    this.moveIntoView();
    // Godot: a FIN with nothing left to read disconnects (status NONE).
    if (this.#remoteEnded && this.getAvailableBytes() === 0) this.disconnectFromHost();
    return ErrorCode.OK;
  }

  /** Godot: StreamPeerTCP::get_status. */
  getStatus(): TCPStatus {
    return this.#status;
  }

  /** Godot: get_connected_host. The remote IP address ('' before a name resolved). */
  getConnectedHost(): string {
    return this.#host;
  }

  /** Godot: get_connected_port. */
  getConnectedPort(): number {
    return this.#port;
  }

  /** Godot: get_local_port. 0 when there is no socket (yet). */
  getLocalPort(): number {
    return (this.socket as net.Socket | null)?.localPort ?? 0;
  }

  /** Godot: set_no_delay. Throws ERR_UNCONFIGURED when there is no socket. */
  setNoDelay(enabled: boolean): void {
    const socket = this.socket as net.Socket | null;
    if (socket === null) throw new MultiplayerError(ErrorCode.ERR_UNCONFIGURED, 'The socket is not open.');
    socket.setNoDelay(enabled);
  }

  /** Closes the connection (unsent data still leaves) and returns to NONE. Godot: disconnect_from_host */
  disconnectFromHost(): void {
    this.release();
  }

  protected isOpen(): boolean {
    return this.#status === TCPStatus.CONNECTED;
  }

  protected canHandOver(): boolean {
    return this.#status === TCPStatus.CONNECTED || this.#status === TCPStatus.CONNECTING;
  }

  protected afterRelease(): void {
    // Divergence from Godot: a stream handed over (to a WebSocketPeer, StreamPeerTLS or HTTPClient)
    // reads NONE afterwards; in Godot both objects share the socket and still say CONNECTED.
    this.#status = TCPStatus.NONE;
    this.#host = '';
    this.#port = 0;
    this.#deadline = 0;
    this.#remoteEnded = false;
  }

  #apply(event: SocketEvent): ErrorCode {
    switch (event.kind) {
      case 'open': {
        const socket = this.socket as net.Socket;
        this.#status = TCPStatus.CONNECTED;
        this.#host = normalizeAddress(socket.remoteAddress ?? this.#host);
        return ErrorCode.OK;
      }
      case 'end':
        this.#remoteEnded = true;
        return ErrorCode.OK;
      case 'error':
        this.logOnce(`StreamPeerTCP: ${event.error.message}`);
        this.#error();
        return ErrorCode.ERR_CONNECTION_ERROR;
      case 'close':
        if (this.#status === TCPStatus.CONNECTING) {
          this.#error();
          return ErrorCode.ERR_CONNECTION_ERROR;
        }
        this.#remoteEnded = true;
        return ErrorCode.OK;
    }
  }

  #error(): void {
    this.release();
    this.#status = TCPStatus.ERROR;
  }
}
