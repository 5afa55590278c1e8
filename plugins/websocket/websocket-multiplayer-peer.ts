import {
  ConnectionStatus,
  ErrorCode,
  MultiplayerError,
  MultiplayerPeer,
  PacketQueue,
  Signal,
  TransferMode,
  silentLogger,
  systemClock,
  logFailure,
  type Clock,
  type Logger,
  type MultiplayerPeerOptions,
  type TLSOptions,
} from '../../core/index.js';
import { nativeBackend } from './native-backend.js';
import { webSocketServerFactory, type WebSocketServerHalf } from './server-hook.js';
import type { WebSocketBackend } from './websocket-backend.js';
import { State, WebSocketPeer } from './websocket-peer.js';

/** Godot's legacy 3.x header size, still subtracted in `get_max_packet_size`. */
const PROTO_SIZE = 9;

/** Dependencies of a WebSocketMultiplayerPeer; all optional. */
export interface WebSocketMultiplayerPeerOptions extends MultiplayerPeerOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** The socket implementation; the entry point you imported picks the default. */
  readonly backend?: WebSocketBackend;
}

/**
 * Godot: WebSocketMultiplayerPeer (modules/websocket/websocket_multiplayer_peer.cpp). The server
 * assigns each client's id and sends it as the first message (4 bytes, little-endian int32); a client
 * stays CONNECTING until it arrives. Every later message is one packet, reliable and ordered
 * (channel 0). The server relays for SceneMultiplayer. Signals fire only in `poll()`,
 * `close()` and `disconnectPeer()`.
 */
export class WebSocketMultiplayerPeer extends MultiplayerPeer {
  #clock: Clock;
  #log: Logger;
  #backend: WebSocketBackend;
  #config: WebSocketPeer;
  #handshakeTimeoutMs = 3000;

  #status: ConnectionStatus = ConnectionStatus.DISCONNECTED;
  #uniqueId = 0;
  #targetPeer = 0;
  #server = false;
  #generation = 0;
  /** The server half (server-hook.ts), made by the first server call; never in a browser build. */
  #half: WebSocketServerHalf | null = null;
  #clientStart = 0;
  #peers = new Map<number, WebSocketPeer>();
  /** Received packets, tagged with their source peer. */
  #incoming = new PacketQueue();

  /**
   * Godot 3 signal `peer_packet(peer_source)`: emitted in `poll()` for each packet received from a peer.
   * @deprecated Godot 4 removed it; poll and read `getAvailablePacketCount()` / `getPacketPeer()` instead.
   */
  readonly peerPacket = new Signal<[peerSource: number]>();

  constructor(options: WebSocketMultiplayerPeerOptions = {}) {
    super(options);
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger ?? silentLogger;
    this.#backend = options.backend ?? nativeBackend;
    this.#config = new WebSocketPeer({ backend: this.#backend });
    this.#config.maxQueuedPackets = 2048;
  }

  /** Godot property `supported_protocols`, copied to every connection. */
  get supportedProtocols(): string[] {
    return this.#config.supportedProtocols;
  }
  set supportedProtocols(protocols: string[]) {
    this.#config.supportedProtocols = protocols;
  }

  /** Godot property `handshake_headers`, copied to every connection. */
  get handshakeHeaders(): string[] {
    return this.#config.handshakeHeaders;
  }
  set handshakeHeaders(headers: string[]) {
    this.#config.handshakeHeaders = headers;
  }

  /** Godot property `inbound_buffer_size` (bytes, default 65535). */
  get inboundBufferSize(): number {
    return this.#config.inboundBufferSize;
  }
  set inboundBufferSize(size: number) {
    this.#config.inboundBufferSize = size;
  }

  /** Godot property `outbound_buffer_size` (bytes, default 65535). */
  get outboundBufferSize(): number {
    return this.#config.outboundBufferSize;
  }
  set outboundBufferSize(size: number) {
    this.#config.outboundBufferSize = size;
  }

  /** Godot property `max_queued_packets` (default 2048). */
  get maxQueuedPackets(): number {
    return this.#config.maxQueuedPackets;
  }
  set maxQueuedPackets(count: number) {
    this.#config.maxQueuedPackets = count;
  }

  /**
   * Godot 3: WebSocketMultiplayerPeer::set_buffers(input_buffer_size_kb, input_max_packets,
   * output_buffer_size_kb, output_max_packets). Sizes in KiB, each rounded up to a power of two, as
   * Godot 3 did; only before the peer is active (else FAILED). ERR_INVALID_PARAMETER for a value < 1.
   * @deprecated Godot 4 names: set `inboundBufferSize`, `outboundBufferSize` and `maxQueuedPackets`.
   */
  // Divergence from Godot: Godot 4 (and we) keep one packet limit for both directions, so
  // `maxQueuedPackets` becomes the larger of the two rounded packet counts.
  setBuffers(inputBufferSizeKb: number, inputMaxPackets: number, outputBufferSizeKb: number, outputMaxPackets: number): ErrorCode {
    const values = [inputBufferSizeKb, inputMaxPackets, outputBufferSizeKb, outputMaxPackets];
    if (!values.every((v) => Number.isInteger(v) && v >= 1)) {
      this.#log.error('WebSocketMultiplayerPeer.setBuffers: every size and count must be an integer >= 1.');
      return ErrorCode.ERR_INVALID_PARAMETER;
    }
    if (this.#status !== ConnectionStatus.DISCONNECTED) {
      this.#log.error('WebSocketMultiplayerPeer.setBuffers: buffers can only be set before listening or connecting.');
      return ErrorCode.FAILED;
    }
    const [inKb, inPackets, outKb, outPackets] = values.map(nextPowerOfTwo) as [number, number, number, number];
    this.inboundBufferSize = inKb * 1024;
    this.outboundBufferSize = outKb * 1024;
    this.maxQueuedPackets = Math.max(inPackets, outPackets);
    return ErrorCode.OK;
  }

  /** Godot property `handshake_timeout` (seconds, default 3): connections slower than this are dropped. */
  get handshakeTimeout(): number {
    return this.#handshakeTimeoutMs / 1000;
  }
  set handshakeTimeout(seconds: number) {
    if (!(seconds > 0)) throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, 'handshake_timeout must be > 0.');
    this.#handshakeTimeoutMs = seconds * 1000;
  }

  /**
   * Listens on `port` (0 picks a free one: see `getLocalPort()`), as peer 1.
   * Godot: WebSocketMultiplayerPeer::create_server (modules/websocket/websocket_multiplayer_peer.cpp)
   */
  // Divergence from Godot: async, because Node binds sockets asynchronously.
  createServer(port: number, bindAddress = '*', tlsServerOptions: TLSOptions | null = null): Promise<ErrorCode> {
    const half = this.#serverHalf();
    if (half === null) return Promise.resolve(this.#noServer('cannot listen'));
    return half.createServer(port, bindAddress, tlsServerOptions, this.#handshakeTimeoutMs);
  }

  /**
   * Becomes a server (peer 1) that owns no listener: connections arrive through `acceptStream`. For a
   * host that serves many peers behind one port and routes each connection (by URL path, say) to the
   * peer that should own it; everything else behaves as after `createServer`.
   */
  // Divergence from Godot: Godot's WebSocketMultiplayerPeer always owns its TCPServer.
  createStreamServer(): ErrorCode {
    return this.#serverHalf()?.createStreamServer() ?? this.#noServer('cannot accept streams');
  }

  /**
   * Hands a server a connection to take over: a stream its backend accepts (in Node a `net.Socket`,
   * or an `HttpUpgrade` whose request was read by another HTTP server). The handshake runs in
   * `poll()`, exactly as for a connection the server's own listener accepted.
   */
  acceptStream(stream: unknown): ErrorCode {
    // Without a server half (a browser build) the peer is never a server.
    return (
      this.#half?.acceptStream(stream) ??
      logFailure(this.#log, 'WebSocketMultiplayerPeer', ErrorCode.ERR_UNCONFIGURED, 'acceptStream needs a server.')
    );
  }

  /**
   * Connects to a server at `url`; CONNECTING until the server sends this client's id.
   * Godot: WebSocketMultiplayerPeer::create_client (modules/websocket/websocket_multiplayer_peer.cpp)
   */
  createClient(url: string, tlsClientOptions: TLSOptions | null = null): ErrorCode {
    if (this.#status !== ConnectionStatus.DISCONNECTED || this.#half?.binding) {
      return logFailure(this.#log, 'WebSocketMultiplayerPeer', ErrorCode.ERR_ALREADY_IN_USE, 'The multiplayer instance is already active.');
    }
    if (tlsClientOptions?.isServer())
      return logFailure(this.#log, 'WebSocketMultiplayerPeer', ErrorCode.ERR_INVALID_PARAMETER, 'TLS options must be client options.');
    this.#clear();
    const ws = this.#createPeer();
    const err = ws.connectToUrl(url, tlsClientOptions);
    if (err !== ErrorCode.OK) return err;
    this.#clientStart = this.#clock.nowMs();
    this.#peers.set(1, ws);
    this.#status = ConnectionStatus.CONNECTING;
    return ErrorCode.OK;
  }

  /** The port the server listens on (useful after `createServer(0)`), else 0. */
  getLocalPort(): number {
    return this.#half?.getLocalPort() ?? 0;
  }

  /** Godot: WebSocketMultiplayerPeer::get_peer. The connection to peer `id`, or null. */
  getPeer(id: number): WebSocketPeer | null {
    return this.#peers.get(id) ?? null;
  }

  /** Godot: get_peer_address. The remote address of peer `id`, or ''. */
  getPeerAddress(id: number): string {
    return this.#peers.get(id)?.getConnectedHost() ?? '';
  }

  /** Godot: get_peer_port. The remote port of peer `id`, or 0. */
  getPeerPort(id: number): number {
    return this.#peers.get(id)?.getConnectedPort() ?? 0;
  }

  override setTargetPeer(id: number): void {
    this.#targetPeer = id;
  }

  override getPacketPeer(): number {
    return this.#incoming.peekFrom(1);
  }

  override getPacketMode(): TransferMode {
    return TransferMode.RELIABLE;
  }

  override getPacketChannel(): number {
    return 0;
  }

  override getAvailablePacketCount(): number {
    return this.#incoming.size;
  }

  /** Godot: get_max_packet_size = outbound buffer size − 9. */
  override getMaxPacketSize(): number {
    return this.outboundBufferSize - PROTO_SIZE;
  }

  /** Godot: WebSocketMultiplayerPeer::get_packet. */
  override getPacket(): Uint8Array | ErrorCode {
    // Divergence from Godot: ERR_UNAVAILABLE (nothing queued) is checked before the status, which
    // Godot reports as ERR_UNCONFIGURED; the shared conformance suite asks for the former.
    if (this.#incoming.size === 0) return ErrorCode.ERR_UNAVAILABLE;
    if (this.#status !== ConnectionStatus.CONNECTED) return ErrorCode.ERR_UNCONFIGURED;
    return this.#incoming.shift()!;
  }

  /** Godot: WebSocketMultiplayerPeer::put_packet. Always one binary message per packet. */
  override putPacket(packet: Uint8Array): ErrorCode {
    if (this.#status !== ConnectionStatus.CONNECTED)
      return logFailure(this.#log, 'WebSocketMultiplayerPeer', ErrorCode.ERR_UNCONFIGURED, 'The multiplayer peer is not connected.');
    if (this.#server) return this.#half!.putPacket(packet, this.#targetPeer);
    return this.#peers.get(1)?.putPacket(packet) ?? ErrorCode.ERR_UNCONFIGURED;
  }

  /** Godot: WebSocketMultiplayerPeer::disconnect_peer. `force` forgets the peer at once, without a signal. */
  override disconnectPeer(id: number, force = false): void {
    const ws = this.#peers.get(id);
    if (ws === undefined) {
      this.#log.debug(`WebSocketMultiplayerPeer: disconnectPeer: no peer ${id}.`);
      return;
    }
    ws.close();
    if (!force) return;
    this.#peers.delete(id);
    if (!this.#server) this.#clear();
  }

  override isServer(): boolean {
    return this.#server;
  }

  override isServerRelaySupported(): boolean {
    return true;
  }

  override getUniqueId(): number {
    return this.#uniqueId;
  }

  override getConnectionStatus(): ConnectionStatus {
    return this.#status;
  }

  /** Godot: WebSocketMultiplayerPeer::poll. */
  override poll(): void {
    if (this.#status === ConnectionStatus.DISCONNECTED) return;
    if (this.#server) this.#half!.poll(this.#handshakeTimeoutMs);
    else this.#pollClient();
  }

  /** Godot: WebSocketMultiplayerPeer::close. Drops every connection at once; emits nothing. */
  override close(): void {
    this.#clear();
  }

  /** Godot: WebSocketMultiplayerPeer::_poll_client. */
  #pollClient(): void {
    const ws = this.#peers.get(1);
    if (ws === undefined) return;
    ws.poll();
    const state = ws.getReadyState();
    if (state === State.OPEN) {
      if (this.#status === ConnectionStatus.CONNECTING) {
        if (ws.getAvailablePacketCount() === 0) return this.#checkClientTimeout();
        if (!this.#takeId(ws)) return;
        this.#status = ConnectionStatus.CONNECTED;
        const generation = this.#generation;
        this.peerConnected.emit(1);
        if (generation !== this.#generation) return;
      }
      this.#drain(ws, 1);
    } else if (state === State.CLOSED) {
      const wasConnected = this.#status === ConnectionStatus.CONNECTED;
      this.#clear();
      if (wasConnected) this.peerDisconnected.emit(1);
      return;
    }
    if (this.#status === ConnectionStatus.CONNECTING) this.#checkClientTimeout();
  }

  #takeId(ws: WebSocketPeer): boolean {
    const packet = ws.getPacket();
    const id =
      typeof packet !== 'number' && packet.byteLength === 4 ? new DataView(packet.buffer, packet.byteOffset, 4).getInt32(0, true) : 0;
    if (id >= 2) {
      this.#uniqueId = id;
      return true;
    }
    this.#log.warn('WebSocketMultiplayerPeer: Invalid ID received from server.');
    ws.close(); // Godot: causes a connection error on the next poll.
    return false;
  }

  #checkClientTimeout(): void {
    if (this.#clock.nowMs() - this.#clientStart > this.#handshakeTimeoutMs) {
      this.#log.info(`WebSocket handshake timed out after ${this.handshakeTimeout.toFixed(3)} seconds.`);
      this.#clear();
    }
  }

  #drain(ws: WebSocketPeer, source: number): void {
    for (let n = ws.getAvailablePacketCount(); n > 0 && ws.getReadyState() === State.OPEN; n--) {
      const data = ws.getPacket();
      if (typeof data === 'number') break;
      this.#incoming.push(data, source);
      this.peerPacket.emit(source);
    }
  }

  #createPeer(): WebSocketPeer {
    const ws = new WebSocketPeer({ clock: this.#clock, logger: this.#log, backend: this.#backend });
    ws.supportedProtocols = this.#config.supportedProtocols;
    ws.handshakeHeaders = this.#config.handshakeHeaders;
    ws.inboundBufferSize = this.#config.inboundBufferSize;
    ws.outboundBufferSize = this.#config.outboundBufferSize;
    ws.maxQueuedPackets = this.#config.maxQueuedPackets;
    return ws;
  }

  /** Godot: WebSocketMultiplayerPeer::_clear. */
  #clear(): void {
    this.#generation++;
    this.#status = ConnectionStatus.DISCONNECTED;
    this.#uniqueId = 0;
    this.#server = false;
    for (const ws of this.#peers.values()) ws.close(-1);
    this.#peers.clear();
    this.#half?.clear();
    this.#incoming.clear();
  }

  /** The server half, made on first use; null when none is installed (a browser build). */
  #serverHalf(): WebSocketServerHalf | null {
    const factory = webSocketServerFactory;
    if (this.#half === null && factory !== null) {
      this.#half = factory({
        peer: this,
        clock: this.#clock,
        log: this.#log,
        backend: this.#backend,
        peers: this.#peers,
        becomeServer: () => {
          this.#server = true;
          this.#uniqueId = 1;
          this.#status = ConnectionStatus.CONNECTED;
        },
        drain: (ws, id) => this.#drain(ws, id),
      });
    }
    return this.#half;
  }

  /** What a server call returns without a server half: a browser's WebSocket cannot be a server. */
  #noServer(what: string): ErrorCode {
    return logFailure(this.#log, 'WebSocketMultiplayerPeer', ErrorCode.ERR_UNAVAILABLE, `The ${this.#backend.name} backend ${what}.`);
  }
}

function nextPowerOfTwo(n: number): number {
  return 2 ** Math.ceil(Math.log2(n));
}
