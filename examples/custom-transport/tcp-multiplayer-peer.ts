import { createServer, connect, type Server, type Socket } from 'node:net';
import { ConnectionStatus, ErrorCode, MultiplayerPeerExtension, silentLogger, type Logger, type MultiplayerPeerOptions } from 'scenenet';

/**
 * A third-party scenenet transport: Godot's MultiplayerPeer over TCP (`node:net`), written only
 * against scenenet's public API. A star: clients connect to the server, which relays for them
 * through SceneMultiplayer (`isServerRelaySupported()`).
 *
 * Wire format, one frame per message: `u32le length` (of what follows), `u8 type`, payload.
 * - ASSIGN (0, server → client): `u32le id`, the client's peer id; the connection is then up.
 * - DATA (1, both ways): the packet. A client's packets always go to the server (id 1).
 *
 * Honest about what TCP can do: one channel, reliable only. UNRELIABLE and UNRELIABLE_ORDERED
 * packets are accepted and sent reliably, and reported as RELIABLE on arrival.
 */
export interface TcpMultiplayerPeerOptions extends MultiplayerPeerOptions {
  readonly logger?: Logger;
}

/** Largest packet: 16 MiB. A frame that announces more is hostile and closes its connection. */
export const TCP_MAX_PACKET_SIZE = 1 << 24;
const ASSIGN = 0;
const DATA = 1;

type Event =
  | { readonly kind: 'open'; readonly id: number }
  | { readonly kind: 'data'; readonly from: number; readonly data: Uint8Array }
  | { readonly kind: 'close'; readonly id: number };

interface Connection {
  readonly socket: Socket;
  /** Announced with peerConnected (the server side: once poll() has seen its 'open'). */
  announced: boolean;
}

export class TcpMultiplayerPeer extends MultiplayerPeerExtension {
  readonly #log: Logger;
  #status: ConnectionStatus = ConnectionStatus.DISCONNECTED;
  #server: Server | null = null;
  /** Server: the clients by id. Client: the server, as id 1. */
  readonly #connections = new Map<number, Connection>();
  /** Filled by socket callbacks, emptied by poll(): the only place signals fire. */
  #events: Event[] = [];
  readonly #packets: Array<{ from: number; data: Uint8Array }> = [];
  #uniqueId = 0;
  #assigned = 0;

  constructor(options: TcpMultiplayerPeerOptions = {}) {
    super(options);
    this.#log = options.logger ?? silentLogger;
  }

  /** Listens on `bindAddress:port` (0: any free port). Resolves once listening. */
  async createServer(port: number, bindAddress = '127.0.0.1'): Promise<ErrorCode> {
    if (this.#status !== ConnectionStatus.DISCONNECTED) return ErrorCode.ERR_ALREADY_IN_USE;
    const server = createServer((socket) => this.#accept(socket));
    this.#server = server;
    this.#status = ConnectionStatus.CONNECTED;
    this.#uniqueId = 1;
    const err = await new Promise<ErrorCode>((resolve) => {
      server.once('error', () => resolve(ErrorCode.ERR_CANT_CREATE));
      server.listen(port, bindAddress, () => resolve(ErrorCode.OK));
    });
    if (err !== ErrorCode.OK) this.#reset();
    return err;
  }

  /** Connects to a server; CONNECTING until the server assigns an id (seen by `poll()`). */
  createClient(address: string, port: number): ErrorCode {
    if (this.#status !== ConnectionStatus.DISCONNECTED) return ErrorCode.ERR_ALREADY_IN_USE;
    const socket = connect({ host: address, port, noDelay: true });
    this.#status = ConnectionStatus.CONNECTING;
    this.#connections.set(1, { socket, announced: false });
    this.#listen(socket, 1);
    return ErrorCode.OK;
  }

  /** The port a server listens on (0 otherwise). */
  getLocalPort(): number {
    const address = this.#server?.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  protected override _poll(): void {
    for (const event of this.#events.splice(0)) {
      if (event.kind === 'open') this.#open(event.id);
      else if (event.kind === 'close') this.#closed(event.id);
      // Packets from a peer that was dropped meanwhile are dropped too.
      else if (this.#connections.get(event.from)?.announced === true) this.#packets.push({ from: event.from, data: event.data });
    }
  }

  protected override _close(): void {
    for (const { socket } of this.#connections.values()) socket.destroy();
    this.#server?.close();
    this.#reset();
  }

  protected override _disconnectPeer(id: number): void {
    const connection = this.#connections.get(id);
    if (connection === undefined) return;
    connection.socket.destroy();
    this.#connections.delete(id);
    if (this.isServer()) {
      if (connection.announced) this.peerDisconnected.emit(id);
    } else {
      this._close();
      if (connection.announced) this.peerDisconnected.emit(1);
    }
  }

  protected override _putPacketScript(packet: Uint8Array, target: number): ErrorCode {
    if (packet.length > TCP_MAX_PACKET_SIZE) return ErrorCode.ERR_INVALID_PARAMETER;
    const bytes = frame(DATA, packet);
    if (!this.isServer()) return this.#write(1, bytes);
    if (target > 0) return this.#connections.get(target)?.announced === true ? this.#write(target, bytes) : ErrorCode.ERR_INVALID_PARAMETER;
    for (const [id, c] of this.#connections) if (c.announced && id !== -target) this.#write(id, bytes);
    return ErrorCode.OK;
  }

  protected override _getPacketScript(): Uint8Array {
    return this.#packets.shift()!.data;
  }
  protected override _getPacketPeer(): number {
    return this.#packets[0]!.from;
  }
  protected override _getAvailablePacketCount(): number {
    return this.#packets.length;
  }
  protected override _getMaxPacketSize(): number {
    return TCP_MAX_PACKET_SIZE;
  }
  protected override _getConnectionStatus(): ConnectionStatus {
    return this.#status;
  }
  protected override _getUniqueId(): number {
    return this.#uniqueId;
  }
  protected override _isServer(): boolean {
    return this.#uniqueId === 1;
  }
  protected override _isServerRelaySupported(): boolean {
    return true;
  }

  #accept(socket: Socket): void {
    if (this.refuseNewConnections || this.#status !== ConnectionStatus.CONNECTED) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    let id = this.generateUniqueId();
    while (this.#connections.has(id)) id = this.generateUniqueId();
    this.#connections.set(id, { socket, announced: false });
    this.#listen(socket, id);
    socket.write(frame(ASSIGN, u32(id)));
    this.#events.push({ kind: 'open', id });
  }

  /** Parses frames off `socket` (the connection to peer `id`) into events. Every byte is hostile. */
  #listen(socket: Socket, id: number): void {
    const input = new FrameReader();
    socket.on('data', (chunk: Uint8Array) => {
      input.append(chunk);
      for (let f = input.next(); f !== null; f = input.next()) {
        if (f === 'invalid') return this.#hostile(socket, id, 'frame length');
        const [type, payload] = f;
        // A client takes DATA only after its ASSIGN, and one ASSIGN; a server takes DATA only.
        const assigned = this.#assigned !== 0;
        if (type === DATA && (this.isServer() || assigned)) this.#events.push({ kind: 'data', from: id, data: payload });
        else if (type === ASSIGN && !this.isServer() && !assigned && payload.length === 4) this.#assign(readU32(payload));
        else return this.#hostile(socket, id, `frame (type ${type})`);
      }
    });
    socket.on('error', () => {}); // 'close' follows, and is what we act on.
    socket.on('close', () => this.#events.push({ kind: 'close', id }));
  }

  #assign(id: number): void {
    this.#assigned = id;
    this.#events.push({ kind: 'open', id: 1 });
  }

  #hostile(socket: Socket, id: number, what: string): void {
    this.#log.error(`tcp: peer ${id} sent an invalid ${what}; connection closed.`);
    socket.destroy();
  }

  #open(id: number): void {
    const connection = this.#connections.get(id);
    if (connection === undefined || connection.announced) return;
    if (!this.isServer()) {
      if (this.#assigned < 2) return this.#hostile(connection.socket, 1, 'peer id');
      this.#uniqueId = this.#assigned;
      this.#status = ConnectionStatus.CONNECTED;
    }
    connection.announced = true;
    this.peerConnected.emit(id);
  }

  #closed(id: number): void {
    const connection = this.#connections.get(id);
    if (connection === undefined) return;
    this.#connections.delete(id);
    if (!this.isServer()) this.#reset();
    if (connection.announced) this.peerDisconnected.emit(id);
  }

  #write(id: number, bytes: Uint8Array): ErrorCode {
    const connection = this.#connections.get(id);
    if (connection === undefined) return ErrorCode.ERR_INVALID_PARAMETER;
    connection.socket.write(bytes);
    return ErrorCode.OK;
  }

  #reset(): void {
    this.#connections.clear();
    this.#events = [];
    this.#packets.length = 0;
    this.#server = null;
    this.#status = ConnectionStatus.DISCONNECTED;
    this.#uniqueId = 0;
    this.#assigned = 0;
  }
}

function frame(type: number, payload: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(5 + payload.length);
  new DataView(bytes.buffer).setUint32(0, 1 + payload.length, true);
  bytes[4] = type;
  bytes.set(payload, 5);
  return bytes;
}

function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return bytes;
}

function readU32(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
}

/** Cuts a byte stream into `[type, payload]` frames, in a buffer that grows by doubling. */
class FrameReader {
  #buffer = new Uint8Array(4096);
  #start = 0;
  #end = 0;

  append(chunk: Uint8Array): void {
    if (this.#end + chunk.length > this.#buffer.length) {
      const live = this.#buffer.subarray(this.#start, this.#end);
      const grown = new Uint8Array(Math.max(this.#buffer.length, (live.length + chunk.length) * 2));
      grown.set(live);
      this.#buffer = grown;
      this.#end = live.length;
      this.#start = 0;
    }
    this.#buffer.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  /** The next whole frame, null if more bytes are needed, 'invalid' for an impossible length. */
  next(): [type: number, payload: Uint8Array] | null | 'invalid' {
    if (this.#end - this.#start < 4) return null;
    const length = readU32(this.#buffer.subarray(this.#start, this.#start + 4));
    if (length < 1 || length > TCP_MAX_PACKET_SIZE + 1) return 'invalid';
    if (this.#end - this.#start < 4 + length) return null;
    const type = this.#buffer[this.#start + 4]!;
    const payload = this.#buffer.slice(this.#start + 5, this.#start + 4 + length);
    this.#start += 4 + length;
    return [type, payload];
  }
}
