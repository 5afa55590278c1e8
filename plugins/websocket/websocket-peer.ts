import {
  ErrorCode,
  MultiplayerError,
  PacketPeerBase,
  PacketQueue,
  silentLogger,
  systemClock,
  logFailure,
  type Clock,
  type Logger,
  type TLSOptions,
} from '../../core/index.js';
import { webSocketHeartbeatFactory, type WebSocketHeartbeat } from './heartbeat-hook.js';
import { nativeBackend } from './native-backend.js';
import { SocketConnection, type SocketEvent } from './socket-connection.js';
import { encoder } from './text.js';
import { webSocketStreamAcceptor } from './server-hook.js';
import type { SocketHandle, SocketSink, WebSocketBackend } from './websocket-backend.js';

/** Godot: WebSocketPeer::State. */
export const State = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 } as const;
export type State = (typeof State)[keyof typeof State];

/** Godot: WebSocketPeer::WriteMode. */
export const WriteMode = { TEXT: 0, BINARY: 1 } as const;
export type WriteMode = (typeof WriteMode)[keyof typeof WriteMode];

/** Godot's default `inbound_buffer_size` / `outbound_buffer_size` (bytes). */
export const DEFAULT_BUFFER_SIZE = 65535;
/** Godot's default `max_queued_packets` of a WebSocketPeer. */
export const DEFAULT_MAX_QUEUED_PACKETS = 4096;
/** RFC 6455 §5.5: a close frame body is at most 125 bytes, 2 of them the code. */
export const MAX_CLOSE_REASON_BYTES = 123;

/** Dependencies of a WebSocketPeer; all optional. */
export interface WebSocketPeerOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** The socket implementation; the entry point you imported picks the default. */
  readonly backend?: WebSocketBackend;
}

/**
 * Godot: WebSocketPeer (modules/websocket/websocket_peer.h, wsl_peer.cpp): one WebSocket connection,
 * polled. Socket callbacks only queue; `poll()` applies what happened (state changes, received
 * messages). Limits are enforced: a message larger than `inboundBufferSize` closes the connection with
 * 1009; while `maxQueuedPackets` packets (or `inboundBufferSize` bytes) wait unread, reading from the
 * network pauses, as Godot stops reading its socket; a send that would overflow `outboundBufferSize`
 * or `maxQueuedPackets` returns ERR_OUT_OF_MEMORY and queues nothing.
 */
export class WebSocketPeer extends PacketPeerBase {
  #clock: Clock;
  #log: Logger;
  #backend: WebSocketBackend;

  #handshakeHeaders: string[] = [];
  #supportedProtocols: string[] = [];
  #inboundBufferSize = DEFAULT_BUFFER_SIZE;
  #outboundBufferSize = DEFAULT_BUFFER_SIZE;
  #maxQueuedPackets = DEFAULT_MAX_QUEUED_PACKETS;
  #heartbeatInterval = 0;

  #state: State = State.CLOSED;
  #conn: SocketConnection | null = null;
  #closeDeferred = false;
  /** Received messages; the tag is 1 for text, 0 for binary. */
  #inbound = new PacketQueue();
  #wasString = false;
  #closeCode = -1;
  #closeReason = '';
  #failure: { code: number; reason: string } | null = null;
  #requestedUrl = '';
  #selectedProtocol = '';
  #host = '';
  #port = 0;
  /** Pings, RTT and heartbeat (heartbeat-hook.ts); null in a browser build, whose WebSocket cannot ping. */
  #heartbeat: WebSocketHeartbeat | null;

  constructor(options: WebSocketPeerOptions = {}) {
    super();
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger ?? silentLogger;
    this.#backend = options.backend ?? nativeBackend;
    this.#heartbeat = webSocketHeartbeatFactory?.(this.#clock, this.#log) ?? null;
  }

  /** Godot property `handshake_headers`: extra `"Name: value"` lines sent in the opening handshake. */
  get handshakeHeaders(): string[] {
    return [...this.#handshakeHeaders];
  }
  set handshakeHeaders(headers: string[]) {
    for (const h of headers) {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+:/.test(h)) {
        throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, `Invalid handshake header: '${h}'.`);
      }
    }
    this.#handshakeHeaders = [...headers];
  }

  /** Godot property `supported_protocols`: sub-protocols offered (client) or accepted (server). */
  get supportedProtocols(): string[] {
    return [...this.#supportedProtocols];
  }
  set supportedProtocols(protocols: string[]) {
    this.#supportedProtocols = protocols.map((p) => p.trim()); // Godot strips the edges
  }

  /** Godot property `inbound_buffer_size` (bytes): the largest message, and the unread-bytes limit. */
  get inboundBufferSize(): number {
    return this.#inboundBufferSize;
  }
  set inboundBufferSize(size: number) {
    this.#inboundBufferSize = positiveInt(size, 'inbound_buffer_size');
  }

  /** Godot property `outbound_buffer_size` (bytes): the most that may wait unsent. */
  get outboundBufferSize(): number {
    return this.#outboundBufferSize;
  }
  set outboundBufferSize(size: number) {
    this.#outboundBufferSize = positiveInt(size, 'outbound_buffer_size');
  }

  /** Godot property `max_queued_packets`: unread packets kept, and unsent packets allowed. */
  get maxQueuedPackets(): number {
    return this.#maxQueuedPackets;
  }
  set maxQueuedPackets(count: number) {
    this.#maxQueuedPackets = positiveInt(count, 'max_queued_packets');
  }

  /** Godot property `heartbeat_interval` (seconds, 0 = off): ping period; no pong by the next ping closes. */
  get heartbeatInterval(): number {
    return this.#heartbeatInterval;
  }
  set heartbeatInterval(seconds: number) {
    if (!(seconds >= 0)) throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, 'heartbeat_interval must be >= 0.');
    this.#heartbeatInterval = seconds;
  }

  /**
   * Sends a WebSocket ping frame now; the pong's arrival (seen by `poll`) gives a round-trip sample.
   * False when the connection is not OPEN or the backend cannot ping (a browser's WebSocket).
   */
  // Divergence from Godot: not in Godot (its WebSocketPeer pings only for heartbeat_interval and measures nothing).
  ping(): boolean {
    const conn = this.#conn;
    return this.#state === State.OPEN && conn !== null && this.#heartbeat?.ping(conn.handle) === true;
  }

  /**
   * The smoothed round-trip time in ms, from pings (`ping()`, and the heartbeat's) answered by pongs
   * (1/8 of each new sample, as ENet smooths), or -1 before the first pong.
   */
  getRoundTripTime(): number {
    return this.#heartbeat?.rttMs ?? -1;
  }

  /**
   * Starts connecting to a `ws://` or `wss://` URL; the state is CONNECTING until `poll()` sees the
   * handshake finish. Godot: WSLPeer::connect_to_url (modules/websocket/wsl_peer.cpp)
   */
  connectToUrl(url: string, tlsClientOptions: TLSOptions | null = null): ErrorCode {
    if (url === '') return logFailure(this.#log, 'WebSocketPeer', ErrorCode.ERR_INVALID_PARAMETER, 'The URL is empty.');
    if (tlsClientOptions?.isServer())
      return logFailure(this.#log, 'WebSocketPeer', ErrorCode.ERR_INVALID_PARAMETER, 'TLS options must be client options.');
    if (this.#state !== State.CLOSED && this.#state !== State.CLOSING)
      return logFailure(this.#log, 'WebSocketPeer', ErrorCode.ERR_ALREADY_IN_USE, 'The peer is already in use.');
    const full = url.includes('://') ? url : `ws://${url}`;
    let parsed: URL;
    try {
      parsed = new URL(full);
    } catch {
      return logFailure(this.#log, 'WebSocketPeer', ErrorCode.ERR_INVALID_PARAMETER, `Invalid URL: ${url}`);
    }
    if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
      return logFailure(
        this.#log,
        'WebSocketPeer',
        ErrorCode.ERR_INVALID_PARAMETER,
        `Invalid protocol: "${parsed.protocol}//" (must be either "ws://" or "wss://").`,
      );
    }
    const options = {
      url: full,
      protocols: this.#supportedProtocols,
      headers: this.#handshakeHeaders,
      maxPayload: this.#inboundBufferSize,
      tls: tlsClientOptions,
    };
    const err = this.#open((sink) => this.#backend.connect(options, sink));
    if (err === ErrorCode.OK) this.#requestedUrl = url;
    return err;
  }

  /**
   * Runs the server side of the handshake on a stream a server accepted itself: a StreamPeerTCP from
   * `TCPServer.takeConnection()`, or a StreamPeerTLS after its `acceptStream` (scenenet/plugins/net),
   * which hands its socket over (it reads NONE/DISCONNECTED afterwards). A Node `net.Socket` or
   * `tls.TLSSocket` is accepted too. Godot: WSLPeer::accept_stream (modules/websocket/wsl_peer.cpp)
   */
  // The server side is Node's (server-hook.ts): a browser's WebSocket cannot accept, so its build omits it.
  acceptStream(stream: unknown): ErrorCode {
    const accept = webSocketStreamAcceptor;
    if (accept === null)
      return logFailure(this.#log, 'WebSocketPeer', ErrorCode.ERR_UNAVAILABLE, `The ${this.#backend.name} backend cannot accept streams.`);
    return accept(stream, this, this.#log, this.#backend, (start) => this.#open(start));
  }

  /** Applies what the socket reported since the last call. Godot: WSLPeer::poll (modules/websocket/wsl_peer.cpp) */
  poll(): void {
    if (this.#state === State.CLOSED) return;
    const conn = this.#conn;
    if (conn === null || (this.#state === State.OPEN && this.#heartbeat?.beat(this.#heartbeatInterval, conn.handle, this) === false))
      return;
    const events = conn.events;
    let i = 0;
    for (; i < events.length && !this.#isClosed(); i++) {
      const e = events[i]!;
      if (e instanceof Uint8Array) {
        if (!this.#store(e, false)) break;
        continue;
      }
      if (e.kind === 'text') {
        if (!this.#store(e.data, true)) break;
        continue;
      }
      if (e.kind === 'closed' && this.#closeDeferred === false && this.#inbound.size > 0) {
        // Divergence from Godot: WSLPeer drops messages that arrive in the same poll as the close;
        // we apply the close one poll later so they can still be read.
        this.#closeDeferred = true;
        break;
      }
      this.#apply(e);
    }
    if (this.#isClosed()) return;
    if (i === events.length)
      events.length = 0; // the queue is reused: nothing else holds it
    else if (i > 0) events.splice(0, i);
    conn.backpressure(events.length > 0 && isMessage(events[0]!));
  }

  /** Godot: WebSocketPeer::get_ready_state. */
  getReadyState(): State {
    return this.#state;
  }

  /** Sends one message as text or binary. Godot: WSLPeer::send (modules/websocket/wsl_peer.cpp) */
  send(message: Uint8Array, writeMode: WriteMode = WriteMode.BINARY): ErrorCode {
    return this.#send(message, writeMode === WriteMode.TEXT);
  }

  /** Sends `text` as a text message. Godot: WebSocketPeer::send_text */
  sendText(text: string): ErrorCode {
    return this.#send(encoder.encode(text), true);
  }

  /** Sends one binary message. Godot: WSLPeer::put_packet (modules/websocket/wsl_peer.cpp) */
  putPacket(packet: Uint8Array): ErrorCode {
    return this.#send(packet, false);
  }

  /** The next received message (text arrives as UTF-8 bytes). Godot: WSLPeer::get_packet */
  getPacket(): Uint8Array | ErrorCode {
    if (this.#state !== State.OPEN) return ErrorCode.FAILED;
    const isString = this.#inbound.peekFrom(0) === 1;
    const data = this.#inbound.shift();
    if (data === undefined) return ErrorCode.ERR_UNAVAILABLE;
    this.#wasString = isString;
    return data;
  }

  /** Godot: WSLPeer::get_available_packet_count. 0 unless OPEN. */
  getAvailablePacketCount(): number {
    return this.#state === State.OPEN ? this.#inbound.size : 0;
  }

  /** Godot: PacketPeer::get_max_packet_size: the inbound buffer size. */
  getMaxPacketSize(): number {
    return this.#inboundBufferSize;
  }

  /** Whether the last packet returned by `getPacket()` was a text message. */
  wasStringPacket(): boolean {
    return this.#wasString;
  }

  /**
   * Starts the closing handshake with `code` and `reason` (≤ 123 UTF-8 bytes); a negative code drops the
   * connection at once. Godot: WSLPeer::close (modules/websocket/wsl_peer.cpp)
   */
  close(code = 1000, reason = ''): void {
    if (code >= 0) checkClose(code, reason);
    const conn = this.#conn;
    if (code < 0 || this.#state === State.CONNECTING) {
      this.#state = State.CLOSED;
      this.#detach();
      conn?.handle.terminate();
    } else if (this.#state === State.OPEN && conn !== null) {
      conn.handle.close(code, reason);
      this.#state = State.CLOSING;
    }
    this.#heartbeat?.closed();
    this.#clearInbound();
  }

  /** Godot: get_close_code. The code of a clean close, else -1. */
  getCloseCode(): number {
    return this.#closeCode;
  }

  /** Godot: get_close_reason. */
  getCloseReason(): string {
    return this.#closeReason;
  }

  /** Godot: get_connected_host. The remote address once OPEN, else ''. */
  getConnectedHost(): string {
    return this.#host;
  }

  /** Godot: get_connected_port. The remote port once OPEN, else 0. */
  getConnectedPort(): number {
    return this.#port;
  }

  /** Godot: get_requested_url. The URL given to `connectToUrl` ('' for accepted streams). */
  getRequestedUrl(): string {
    return this.#requestedUrl;
  }

  /** Godot: get_selected_protocol. The negotiated sub-protocol, or ''. */
  getSelectedProtocol(): string {
    return this.#selectedProtocol;
  }

  /** Godot: get_current_outbound_buffered_amount. Bytes sent but not yet handed to the OS. */
  getCurrentOutboundBufferedAmount(): number {
    return this.#state === State.OPEN && this.#conn !== null ? this.#conn.handle.bufferedAmount : 0;
  }

  /** Godot: set_no_delay. Disables Nagle's algorithm (Node only; a no-op in browsers). */
  setNoDelay(enabled: boolean): void {
    if (this.#conn === null) throw new MultiplayerError(ErrorCode.ERR_UNCONFIGURED, 'The peer is not connected.');
    this.#conn.handle.setNoDelay(enabled);
  }

  #isClosed(): boolean {
    return this.#state === State.CLOSED;
  }

  #send(data: Uint8Array, isString: boolean): ErrorCode {
    const conn = this.#conn;
    if (this.#state !== State.OPEN || conn === null)
      return logFailure(this.#log, 'WebSocketPeer', ErrorCode.FAILED, 'The WebSocket is not open.');
    if (conn.unsent >= this.#maxQueuedPackets)
      return logFailure(this.#log, 'WebSocketPeer', ErrorCode.ERR_OUT_OF_MEMORY, 'Too many packets queued for sending.');
    if (conn.handle.bufferedAmount + data.byteLength > this.#outboundBufferSize) {
      return logFailure(this.#log, 'WebSocketPeer', ErrorCode.ERR_OUT_OF_MEMORY, 'The outbound buffer is full.');
    }
    conn.send(data, isString);
    return ErrorCode.OK;
  }

  #store(data: Uint8Array, isString: boolean): boolean {
    if (this.#state !== State.OPEN) return true; // closing: data after our close is discarded
    const queued = this.#inbound.size;
    if (queued > 0 && (queued >= this.#maxQueuedPackets || this.#inbound.bytes + data.byteLength > this.#inboundBufferSize)) {
      return false;
    }
    this.#inbound.push(data, isString ? 1 : 0);
    return true;
  }

  #apply(e: Exclude<SocketEvent, Uint8Array>): void {
    switch (e.kind) {
      case 'open':
        if (this.#state !== State.CONNECTING) return;
        this.#state = State.OPEN;
        this.#selectedProtocol = e.protocol;
        this.#host = e.host;
        this.#port = e.port;
        this.#heartbeat?.opened();
        return;
      case 'pong':
        this.#heartbeat?.pong();
        return;
      case 'failed':
        this.#failure = { code: e.code, reason: e.reason };
        return;
      case 'closed':
        if (e.clean) {
          this.#closeCode = e.code;
          this.#closeReason = e.reason;
        } else if (this.#failure !== null) {
          this.#closeCode = this.#failure.code;
          this.#closeReason = this.#failure.reason;
        }
        this.#state = State.CLOSED;
        this.#detach();
        this.#clearInbound();
        return;
      case 'text':
        return;
    }
  }

  /** Drops any previous connection and starts a new one through `start` (a backend's connect or accept). */
  #open(start: (sink: SocketSink) => SocketHandle | { error: ErrorCode; message: string }): ErrorCode {
    this.#reset();
    const result = SocketConnection.open(this.#log, start);
    if ('error' in result) return logFailure(this.#log, 'WebSocketPeer', result.error, result.message);
    this.#attach(result);
    return ErrorCode.OK;
  }

  #attach(conn: SocketConnection): void {
    this.#conn = conn;
    this.#state = State.CONNECTING;
  }

  #detach(): void {
    this.#conn?.dispose();
    this.#conn = null;
    this.#closeDeferred = false;
  }

  #clearInbound(): void {
    this.#inbound.clear();
  }

  #reset(): void {
    this.#conn?.handle.terminate();
    this.#detach();
    this.#clearInbound();
    this.#state = State.CLOSED;
    this.#wasString = false;
    this.#closeCode = -1;
    this.#closeReason = '';
    this.#failure = null;
    this.#requestedUrl = '';
    this.#selectedProtocol = '';
    this.#host = '';
    this.#port = 0;
    this.#heartbeat?.reset();
  }
}

/** Whether a queued socket event is a received message (binary, or text). */
function isMessage(e: SocketEvent): boolean {
  return e instanceof Uint8Array || e.kind === 'text';
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, `${name} must be a positive integer, got ${value}.`);
  }
  return value;
}

/** Throws for a close code a peer may not send (RFC 6455 §7.4) or a reason over 123 bytes. */
function checkClose(code: number, reason: string): void {
  const valid =
    Number.isInteger(code) &&
    ((code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999));
  if (!valid) throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, `Invalid WebSocket close code: ${code}.`);
  if (encoder.encode(reason).byteLength > MAX_CLOSE_REASON_BYTES) {
    throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, `The close reason must be at most ${MAX_CLOSE_REASON_BYTES} bytes.`);
  }
}
