import net from 'node:net';
import tls from 'node:tls';
import { ErrorCode, MultiplayerError, detachStream, type StreamPeer } from '../../core/index.js';
import { HTTPClientCore, type HTTPClientCoreOptions } from './http-client-core.js';
import { SocketTransport } from './socket-transport.js';

/** Options of `new HTTPClient()`; all optional. */
export interface HTTPClientOptions extends HTTPClientCoreOptions {
  /** Largest response head Node's parser accepts (bytes); beyond it, CONNECTION_ERROR. Default 16 KiB. */
  readonly maxHeaderSize?: number;
}

/**
 * Godot's low-level HTTP client on Node sockets, polled: `connectToHost`, then `poll()` until
 * CONNECTED, `request`, `poll()` until BODY or CONNECTED, `readResponseBodyChunk()` while BODY.
 * Several requests may use one connection (keep-alive); HTTPS through core's `TLSOptions`, proxies.
 * Node's own HTTP parser reads the responses (see `HTTPClientCore` for everything else).
 * Godot: HTTPClientTCP (core/io/http_client_tcp.cpp)
 */
export class HTTPClient extends HTTPClientCore {
  readonly #transport: SocketTransport;
  #connection: StreamPeer | null = null;

  constructor(options: HTTPClientOptions = {}) {
    const transport = new SocketTransport(options.maxHeaderSize ?? 16 * 1024);
    super(transport, options);
    this.#transport = transport;
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
    const socket = detached.socket;
    if (detached.head.length > 0) socket.unshift(Buffer.from(detached.head));
    const remote = { host: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    this.adoptConnection(socket instanceof tls.TLSSocket, remote, (target, events, log) =>
      this.#transport.adopt(socket, target, events, log),
    );
    this.#connection = stream;
  }

  /** Drops the connection; status DISCONNECTED. Godot: HTTPClientTCP::close. */
  override close(): void {
    super.close();
    this.#connection = null;
  }
}
