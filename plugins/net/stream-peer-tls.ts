import net from 'node:net';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import { ErrorCode, TLSOptions, detachStream, type StreamPeer, logFailure } from '../../core/index.js';
import { DEFAULT_HANDSHAKE_TIMEOUT_MS, TLSStatus } from './status.js';
import { SocketStreamPeer, type SocketEvent, type SocketStreamOptions } from './socket-stream-peer.js';

/** Options of `new StreamPeerTLS()`; all optional. */
export interface StreamPeerTLSOptions extends SocketStreamOptions {
  /** Default 10 000. Divergence from Godot: Godot has no handshake timeout (a stalled peer stays HANDSHAKING). */
  readonly handshakeTimeoutMs?: number;
}

const HOSTNAME_ERRORS = new Set(['ERR_TLS_CERT_ALTNAME_INVALID']);

/**
 * Godot: StreamPeerTLS (modules/mbedtls/stream_peer_mbedtls.cpp) on Node's `tls`: TLS over a
 * connected StreamPeerTCP, as a client (`connectToStream`, certificates checked unless the options
 * are `TLSOptions.clientUnsafe()`) or a server (`acceptStream`). Polled: HANDSHAKING until a `poll()`
 * sees the handshake end in CONNECTED, ERROR (bad certificate, garbage, timeout) or
 * ERROR_HOSTNAME_MISMATCH. The StreamPeerTCP hands its socket over and reads NONE afterwards.
 */
export class StreamPeerTLS extends SocketStreamPeer {
  #status: TLSStatus = TLSStatus.DISCONNECTED;
  #base: StreamPeer | null = null;
  readonly #handshakeTimeoutMs: number;
  #deadline = 0;
  #remoteEnded = false;

  constructor(options: StreamPeerTLSOptions = {}) {
    super(options);
    this.#handshakeTimeoutMs = options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  }

  /**
   * Starts a client handshake over `stream` (a connected or connecting StreamPeerTCP). The server must
   * present a certificate for `commonName` (or the options' override) signed by the options' trusted
   * chain, or by the system CAs; `clientOptions` default to `TLSOptions.client()`.
   * Godot: StreamPeerMbedTLS::connect_to_stream
   */
  connectToStream(stream: StreamPeer, commonName: string, clientOptions: TLSOptions | null = null): ErrorCode {
    const options = clientOptions ?? TLSOptions.client();
    if (options.isServer())
      return logFailure(this.log, 'StreamPeerTLS', ErrorCode.ERR_INVALID_PARAMETER, 'TLS options must be client options.');
    if (this.#status !== TLSStatus.DISCONNECTED)
      return logFailure(this.log, 'StreamPeerTLS', ErrorCode.ERR_ALREADY_IN_USE, 'The stream is already in use.');
    const name = options.getCommonNameOverride() || commonName;
    const unsafe = options.isUnsafeClient();
    if (name === '' && !unsafe)
      return logFailure(this.log, 'StreamPeerTLS', ErrorCode.ERR_INVALID_PARAMETER, 'A common name is needed to verify the server.');
    const detached = detachStream(stream);
    if (typeof detached === 'number')
      return logFailure(this.log, 'StreamPeerTLS', detached, 'The stream must be a connected StreamPeerTCP.');
    const chain = options.getTrustedCaChain();
    const socket = tls.connect({
      socket: withHead(detached.socket as net.Socket, detached.head),
      // RFC 6066 forbids an IP address as SNI name; the certificate check below still covers IP SANs.
      ...(name !== '' && net.isIP(name) === 0 ? { servername: name } : {}),
      ...(chain !== null ? { ca: chain } : {}),
      rejectUnauthorized: !unsafe,
      checkServerIdentity: (_host, cert) => (unsafe ? undefined : tls.checkServerIdentity(name, cert)),
    });
    socket.once('secureConnect', () => this.queue({ kind: 'open' }));
    this.#start(socket, stream);
    return ErrorCode.OK;
  }

  /**
   * Starts the server side of a handshake over `stream` (a StreamPeerTCP from
   * `TCPServer.takeConnection()`), presenting the key and certificate of `serverOptions`.
   * Godot: StreamPeerMbedTLS::accept_stream
   */
  acceptStream(stream: StreamPeer, serverOptions: TLSOptions): ErrorCode {
    if (!(serverOptions instanceof TLSOptions) || !serverOptions.isServer())
      return logFailure(this.log, 'StreamPeerTLS', ErrorCode.ERR_INVALID_PARAMETER, 'TLS options must be server options.');
    if (this.#status !== TLSStatus.DISCONNECTED)
      return logFailure(this.log, 'StreamPeerTLS', ErrorCode.ERR_ALREADY_IN_USE, 'The stream is already in use.');
    let context: tls.SecureContext;
    try {
      context = tls.createSecureContext({ key: serverOptions.getPrivateKey() ?? '', cert: serverOptions.getOwnCertificate() ?? '' });
    } catch (err) {
      return logFailure(
        this.log,
        'StreamPeerTLS',
        ErrorCode.ERR_INVALID_PARAMETER,
        `The key or certificate is not usable: ${(err as Error).message}`,
      );
    }
    const detached = detachStream(stream);
    if (typeof detached === 'number')
      return logFailure(this.log, 'StreamPeerTLS', detached, 'The stream must be a connected StreamPeerTCP.');
    const socket = new tls.TLSSocket(withHead(detached.socket as net.Socket, detached.head), { isServer: true, secureContext: context });
    socket.once('secure', () => this.queue({ kind: 'open' }));
    this.#start(socket, stream);
    return ErrorCode.OK;
  }

  /**
   * Applies what the TLS socket reported: the handshake's end (CONNECTED or an error status, also on
   * the handshake timeout), received data, the remote closing (DISCONNECTED once its data was read).
   * Godot: StreamPeerMbedTLS::poll
   */
  poll(): void {
    if (this.#status !== TLSStatus.HANDSHAKING && this.#status !== TLSStatus.CONNECTED) return;
    for (const event of this.takeEvents()) {
      this.#apply(event);
      if (this.#status !== TLSStatus.HANDSHAKING && this.#status !== TLSStatus.CONNECTED) return;
    }
    if (this.#status === TLSStatus.HANDSHAKING) {
      if (this.clock.nowMs() <= this.#deadline) return;
      this.logOnce('StreamPeerTLS: the handshake timed out.');
      this.#error(TLSStatus.ERROR);
      return;
    }
    this.moveIntoView();
    if (this.#remoteEnded && this.getAvailableBytes() === 0) this.disconnectFromStream();
  }

  /** Godot: StreamPeerTLS::get_status. */
  getStatus(): TLSStatus {
    return this.#status;
  }

  /** Godot: StreamPeerTLS::get_stream. The StreamPeerTCP this runs over (it reads NONE: its socket is ours). */
  getStream(): StreamPeer | null {
    return this.#base;
  }

  /** Closes the connection (sending TLS close_notify) and returns to DISCONNECTED. Godot: disconnect_from_stream */
  disconnectFromStream(): void {
    this.release();
  }

  protected isOpen(): boolean {
    return this.#status === TLSStatus.CONNECTED;
  }

  protected canHandOver(): boolean {
    return this.#status === TLSStatus.CONNECTED;
  }

  protected afterRelease(): void {
    this.#status = TLSStatus.DISCONNECTED;
    this.#deadline = 0;
    this.#remoteEnded = false;
  }

  #start(socket: tls.TLSSocket, base: StreamPeer): void {
    this.attach(socket);
    this.#base = base;
    this.#status = TLSStatus.HANDSHAKING;
    this.#deadline = this.clock.nowMs() + this.#handshakeTimeoutMs;
  }

  #apply(event: SocketEvent): void {
    switch (event.kind) {
      case 'open':
        if (this.#status === TLSStatus.HANDSHAKING) this.#status = TLSStatus.CONNECTED;
        return;
      case 'end':
      case 'close':
        if (this.#status === TLSStatus.HANDSHAKING) {
          this.logOnce('StreamPeerTLS: the connection closed during the handshake.');
          this.#error(TLSStatus.ERROR);
        } else {
          this.#remoteEnded = true;
        }
        return;
      case 'error':
        this.logOnce(`StreamPeerTLS: ${event.error.message}`);
        this.#error(HOSTNAME_ERRORS.has(event.error.code ?? '') ? TLSStatus.ERROR_HOSTNAME_MISMATCH : TLSStatus.ERROR);
        return;
    }
  }

  #error(status: TLSStatus): void {
    this.release();
    this.#status = status;
  }
}

/**
 * `socket`, or (when bytes were already read from it) a duplex that yields those bytes first. Node's
 * TLS wraps a plain socket's handle directly, which would skip bytes buffered in JavaScript.
 */
function withHead(socket: net.Socket, head: Uint8Array): Duplex {
  if (head.length === 0 && socket.readableLength === 0) return socket;
  const duplex = new Duplex({
    read: () => void socket.resume(),
    write: (chunk: Buffer, _encoding, done) => void socket.write(chunk, (err) => done(err ?? null)),
    final: (done) => void socket.end(done),
    destroy: (err, done) => {
      socket.destroy(err ?? undefined);
      done(err);
    },
  });
  if (head.length > 0) duplex.push(Buffer.from(head));
  socket.on('data', (chunk: Buffer) => {
    if (!duplex.push(chunk)) socket.pause();
  });
  socket.once('end', () => duplex.push(null));
  socket.once('error', (err) => duplex.destroy(err));
  socket.once('close', () => duplex.destroy());
  socket.resume();
  return duplex;
}
