import net from 'node:net';
import { ErrorCode, silentLogger, type Logger, logFailure } from '../../core/index.js';
import { localAddressProblem, whenListening } from './net-address.js';
import { MAX_PENDING_CONNECTIONS } from './status.js';
import { StreamPeerTCP, type StreamPeerTCPOptions } from './stream-peer-tcp.js';

function noop(): void {}

/**
 * Godot: TCPServer (core/io/tcp_server.cpp): listens for TCP connections; `takeConnection()` hands
 * out each accepted one as a CONNECTED StreamPeerTCP whose socket has not been read yet (so a
 * WebSocketPeer or StreamPeerTLS can take it over as it is). At most MAX_PENDING_CONNECTIONS
 * connections wait to be taken; more are closed at once (the kernel's backlog does this in Godot).
 * The options are passed to every StreamPeerTCP it makes.
 */
export class TCPServer {
  readonly #options: StreamPeerTCPOptions;
  readonly #log: Logger;
  #server: net.Server | null = null;
  #port = 0;
  #pending: net.Socket[] = [];

  constructor(options: StreamPeerTCPOptions = {}) {
    this.#options = options;
    this.#log = options.logger ?? silentLogger;
  }

  /**
   * Listens on `port` (0 picks a free one) at `bindAddress` ('*' for every interface). Resolves OK
   * once listening, ERR_ALREADY_IN_USE when the address cannot be bound.
   * Divergence from Godot: asynchronous (Node binds asynchronously), like every createServer here.
   * Godot: TCPServer::listen (core/io/tcp_server.cpp)
   */
  async listen(port: number, bindAddress = '*'): Promise<ErrorCode> {
    if (this.#server !== null) return logFailure(this.#log, 'TCPServer', ErrorCode.ERR_ALREADY_IN_USE, 'The server is already listening.');
    const problem = localAddressProblem(port, bindAddress);
    if (problem !== null) return logFailure(this.#log, 'TCPServer', ErrorCode.ERR_INVALID_PARAMETER, problem);
    const server = net.createServer({ pauseOnConnect: true, noDelay: true }, (socket) => this.#accepted(socket));
    this.#server = server;
    const host = bindAddress === '*' ? undefined : bindAddress;
    const error = await whenListening(server, (done) => server.listen({ port, host, backlog: MAX_PENDING_CONNECTIONS }, done));
    if (this.#server !== server) return ErrorCode.ERR_UNCONFIGURED; // stopped while binding
    if (error !== null) {
      this.#server = null;
      server.close();
      return logFailure(this.#log, 'TCPServer', ErrorCode.ERR_ALREADY_IN_USE, `Cannot listen on ${bindAddress}:${port}: ${error.message}`);
    }
    server.on('error', (err) => this.#log.warn(`TCPServer: ${err.message}`));
    this.#port = (server.address() as net.AddressInfo).port;
    return ErrorCode.OK;
  }

  /** Godot: TCPServer::is_listening. */
  isListening(): boolean {
    return this.#server !== null && this.#port !== 0;
  }

  /** Godot: TCPServer::is_connection_available. */
  isConnectionAvailable(): boolean {
    this.#pending = this.#pending.filter((s) => !s.destroyed);
    return this.#pending.length > 0;
  }

  /** The next accepted connection, CONNECTED, or null. Godot: TCPServer::take_connection */
  takeConnection(): StreamPeerTCP | null {
    if (!this.isConnectionAvailable()) return null;
    const socket = this.#pending.shift()!;
    socket.removeListener('error', noop);
    return StreamPeerTCP.fromAccepted(socket, this.#options);
  }

  /** Godot: TCPServer::get_local_port. 0 when not listening. */
  getLocalPort(): number {
    return this.#port;
  }

  /** Stops listening and closes connections nobody took. Godot: TCPServer::stop */
  stop(): void {
    this.#server?.close();
    this.#server = null;
    this.#port = 0;
    for (const socket of this.#pending) socket.destroy();
    this.#pending = [];
  }

  #accepted(socket: net.Socket): void {
    socket.on('error', noop); // until taken: a reset of a waiting connection is not an error here
    if (this.#pending.length >= MAX_PENDING_CONNECTIONS) {
      this.#log.warn(`TCPServer: ${MAX_PENDING_CONNECTIONS} connections already wait to be taken; closing a new one.`);
      socket.destroy();
      return;
    }
    this.#pending.push(socket);
  }
}
