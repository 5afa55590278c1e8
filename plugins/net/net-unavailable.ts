import {
  ErrorCode,
  StreamPeer,
  PacketPeerBase,
  silentLogger,
  type Logger,
  type StreamReadResult,
  type StreamWriteResult,
  type TLSOptions,
  type Variant,
} from '../../core/index.js';
import { DEFAULT_MAX_PENDING_CONNECTIONS, TCPStatus, TLSStatus } from './status.js';

const MESSAGE = 'Browsers give scripts no raw TCP or UDP sockets: use WebSocketPeer or WebRTC in the browser build.';
const EMPTY = new Uint8Array(0);

/** Options of the browser stand-ins. */
export interface UnavailableOptions {
  readonly logger?: Logger;
}

function unavailable(log: Logger): ErrorCode {
  log.error(MESSAGE);
  return ErrorCode.ERR_UNAVAILABLE;
}

/** A StreamPeer that never connects: reads and writes fail as on a closed Godot stream. */
abstract class ClosedStream extends StreamPeer {
  getAvailableBytes(): number {
    return 0;
  }
  putData(_data: Uint8Array): ErrorCode {
    return ErrorCode.FAILED;
  }
  putPartialData(_data: Uint8Array): StreamWriteResult {
    return [ErrorCode.FAILED, 0];
  }
  getData(_bytes: number): StreamReadResult {
    return [ErrorCode.FAILED, EMPTY];
  }
  getPartialData(_bytes: number): StreamReadResult {
    return [ErrorCode.FAILED, EMPTY];
  }
  protected peekData(_bytes: number): Uint8Array | null {
    return null;
  }
}

/** The browser build's StreamPeerTCP: `connectToHost` and `bind` return ERR_UNAVAILABLE; the status stays NONE. */
export class StreamPeerTCP extends ClosedStream {
  constructor(options: UnavailableOptions = {}) {
    super(options.logger ?? silentLogger);
  }
  bind(_port: number, _host = '*'): ErrorCode {
    return unavailable(this.log);
  }
  connectToHost(_host: string, _port: number): ErrorCode {
    return unavailable(this.log);
  }
  poll(): ErrorCode {
    return ErrorCode.OK;
  }
  getStatus(): TCPStatus {
    return TCPStatus.NONE;
  }
  getConnectedHost(): string {
    return '';
  }
  getConnectedPort(): number {
    return 0;
  }
  getLocalPort(): number {
    return 0;
  }
  setNoDelay(_enabled: boolean): void {}
  disconnectFromHost(): void {}
}

/** The browser build's StreamPeerTLS: `connectToStream` and `acceptStream` return ERR_UNAVAILABLE. */
export class StreamPeerTLS extends ClosedStream {
  constructor(options: UnavailableOptions = {}) {
    super(options.logger ?? silentLogger);
  }
  connectToStream(_stream: StreamPeer, _commonName: string, _clientOptions: TLSOptions | null = null): ErrorCode {
    return unavailable(this.log);
  }
  acceptStream(_stream: StreamPeer, _serverOptions: TLSOptions): ErrorCode {
    return unavailable(this.log);
  }
  poll(): void {}
  getStatus(): TLSStatus {
    return TLSStatus.DISCONNECTED;
  }
  getStream(): StreamPeer | null {
    return null;
  }
  disconnectFromStream(): void {}
}

/** The browser build's TCPServer: `listen` resolves ERR_UNAVAILABLE. */
export class TCPServer {
  readonly #log: Logger;
  constructor(options: UnavailableOptions = {}) {
    this.#log = options.logger ?? silentLogger;
  }
  async listen(_port: number, _bindAddress = '*'): Promise<ErrorCode> {
    return unavailable(this.#log);
  }
  isListening(): boolean {
    return false;
  }
  isConnectionAvailable(): boolean {
    return false;
  }
  takeConnection(): StreamPeerTCP | null {
    return null;
  }
  getLocalPort(): number {
    return 0;
  }
  stop(): void {}
}

/** The browser build's PacketPeerUDP: binding and sending return ERR_UNAVAILABLE. */
export class PacketPeerUDP extends PacketPeerBase {
  readonly #log: Logger;
  constructor(options: UnavailableOptions = {}) {
    super();
    this.#log = options.logger ?? silentLogger;
  }
  async bind(_port: number, _bindAddress = '*', _recvBufSize = 65536): Promise<ErrorCode> {
    return unavailable(this.#log);
  }
  connectToHost(_host: string, _port: number): ErrorCode {
    return unavailable(this.#log);
  }
  setDestAddress(_host: string, _port: number): ErrorCode {
    return unavailable(this.#log);
  }
  putPacket(_packet: Uint8Array): ErrorCode {
    return unavailable(this.#log);
  }
  getPacket(): Uint8Array | ErrorCode {
    return ErrorCode.ERR_UNAVAILABLE;
  }
  getAvailablePacketCount(): number {
    return 0;
  }
  getMaxPacketSize(): number {
    return 512;
  }
  getPacketIp(): string {
    return '';
  }
  getPacketPort(): number {
    return 0;
  }
  getLocalPort(): number {
    return 0;
  }
  isBound(): boolean {
    return false;
  }
  isSocketConnected(): boolean {
    return false;
  }
  setBroadcastEnabled(_enabled: boolean): void {}
  joinMulticastGroup(_multicastAddress: string, _interfaceName: string): ErrorCode {
    return unavailable(this.#log);
  }
  leaveMulticastGroup(_multicastAddress: string, _interfaceName: string): ErrorCode {
    return unavailable(this.#log);
  }
  close(): void {}
}

/** The browser build's UDPServer: `listen` resolves ERR_UNAVAILABLE. */
export class UDPServer {
  readonly #log: Logger;
  maxPendingConnections = DEFAULT_MAX_PENDING_CONNECTIONS;
  constructor(options: UnavailableOptions = {}) {
    this.#log = options.logger ?? silentLogger;
  }
  async listen(_port: number, _bindAddress = '*'): Promise<ErrorCode> {
    return unavailable(this.#log);
  }
  poll(): ErrorCode {
    return ErrorCode.ERR_UNCONFIGURED;
  }
  isConnectionAvailable(): boolean {
    return false;
  }
  takeConnection(): PacketPeerUDP | null {
    return null;
  }
  getLocalPort(): number {
    return 0;
  }
  isListening(): boolean {
    return false;
  }
  stop(): void {}
}
