import {
  ConnectionStatus,
  ErrorCode,
  MultiplayerError,
  MultiplayerPeer,
  PacketQueue,
  TransferMode,
  silentLogger,
  copyBytes,
  logFailure,
  type Clock,
  type Logger,
  type Rng,
} from '../../core/index.js';
import type { Datagram, VirtualNetwork } from './virtual-network.js';

/** Construction options of `LoopbackMultiplayerPeer`. Clock, Rng and Logger default to the network's. */
export interface LoopbackMultiplayerPeerOptions {
  readonly clock?: Clock;
  /** Source of the client ids this peer assigns when it is a server. */
  readonly rng?: Rng;
  readonly logger?: Logger;
  /** `getMaxPacketSize()`. Default 1 << 24 (Godot's ENet limit). */
  readonly maxPacketSize?: number;
  /** A client still CONNECTING after this much virtual time gives up (DISCONNECTED). Default 30 000. */
  readonly connectTimeoutMs?: number;
}

/** Options of `createServer`. */
export interface LoopbackServerOptions {
  /** The server's address on the network. Default `"server"`. */
  readonly address?: string;
  /** Default 32, as Godot's ENet. */
  readonly maxClients?: number;
}

/** Options of `createClient`. */
export interface LoopbackClientOptions {
  /** The server's address. Default `"server"`. */
  readonly address?: string;
  /** This client's own address. Default: a fresh `client-<n>` from the network. */
  readonly localAddress?: string;
}

/** Transfer channels a loopback peer accepts: 0 … CHANNEL_COUNT - 1. */
export const LOOPBACK_CHANNEL_COUNT = 256;
const EMPTY = new Uint8Array(0);
// Module constants for the hot paths: imported enum objects are live bindings (a getter per access
// under some loaders).
const { OK } = ErrorCode;
const { CONNECTED } = ConnectionStatus;
const { UNRELIABLE, RELIABLE } = TransferMode;

/**
 * An in-memory `MultiplayerPeer` on a `VirtualNetwork`: Godot's ENet peer semantics without sockets.
 * Server id 1; client ids chosen by the server from its Rng (rerolled if taken). The handshake
 * crosses the virtual link, so a client is CONNECTING until a `poll()` after the reply arrives.
 * Signals fire only in `poll()` (connection changes, in arrival order, each before any packet
 * of the peer it concerns is readable), never from `putPacket` or the network.
 */
export class LoopbackMultiplayerPeer extends MultiplayerPeer {
  readonly #options: LoopbackMultiplayerPeerOptions;
  #network: VirtualNetwork | null = null;
  #logger: Logger;
  #address = '';
  #server = false;
  #status: ConnectionStatus = ConnectionStatus.DISCONNECTED;
  #uniqueId = 0;
  #maxClients = 0;
  #targetPeer = 0;
  #connectStartedMs = 0;
  readonly #peers = new Map<number, string>();
  readonly #ids = new Map<string, number>();
  readonly #incoming = new PacketQueue();
  /** Client: packets from the server that overtook its `accept`. */
  #early: Datagram[] = [];
  /**
   * Datagrams received from the network, not yet dispatched: `#backlog[#backlogHead, #backlogEnd)`. The
   * array is reused poll after poll (written by index, so it keeps its storage).
   */
  #backlog: Array<Datagram | undefined> = [];
  #backlogHead = 0;
  #backlogEnd = 0;
  /** Events to surface on the next poll (they arose outside one). */
  #pending: Array<() => void> = [];

  constructor(options: LoopbackMultiplayerPeerOptions = {}) {
    super(options.rng === undefined ? {} : { rng: options.rng });
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  /** The network this peer is on while active, else null. */
  get network(): VirtualNetwork | null {
    return this.#network;
  }

  /** This peer's address on the network while active, else `""`. */
  get address(): string {
    return this.#address;
  }

  /** Serves at `address` (synchronously: nothing to bind). Godot: ENetMultiplayerPeer::create_server (modules/enet/enet_multiplayer_peer.cpp) */
  createServer(network: VirtualNetwork, options: LoopbackServerOptions = {}): ErrorCode {
    const { address = 'server', maxClients = 32 } = options;
    if (this.#network !== null)
      return logFailure(this.#logger, '', ErrorCode.ERR_ALREADY_IN_USE, 'The multiplayer instance is already active.');
    if (!Number.isInteger(maxClients) || maxClients < 1) {
      return logFailure(this.#logger, '', ErrorCode.ERR_INVALID_PARAMETER, `maxClients must be a positive integer, got ${maxClients}.`);
    }
    const err = this.#attach(network, address);
    if (err !== ErrorCode.OK) return err;
    this.#server = true;
    this.#maxClients = maxClients;
    this.#uniqueId = MultiplayerPeer.TARGET_PEER_SERVER;
    this.#status = ConnectionStatus.CONNECTED;
    return ErrorCode.OK;
  }

  /** Sends the connect request; CONNECTING until answered. Godot: ENetMultiplayerPeer::create_client (modules/enet/enet_multiplayer_peer.cpp) */
  createClient(network: VirtualNetwork, options: LoopbackClientOptions = {}): ErrorCode {
    const { address = 'server' } = options;
    if (this.#network !== null)
      return logFailure(this.#logger, '', ErrorCode.ERR_ALREADY_IN_USE, 'The multiplayer instance is already active.');
    if (address === '') return logFailure(this.#logger, '', ErrorCode.ERR_INVALID_PARAMETER, 'The server address must not be empty.');
    const local = options.localAddress ?? network.allocateAddress('client');
    if (local === address) return logFailure(this.#logger, '', ErrorCode.ERR_INVALID_PARAMETER, 'A client cannot use the server address.');
    const err = this.#attach(network, local);
    if (err !== ErrorCode.OK) return err;
    this.#server = false;
    this.#status = ConnectionStatus.CONNECTING;
    this.#connectStartedMs = this.#clock().nowMs();
    this.#peers.set(MultiplayerPeer.TARGET_PEER_SERVER, address);
    this.#ids.set(address, MultiplayerPeer.TARGET_PEER_SERVER);
    if (!this.#control(address, 'connect')) {
      this.#logger.debug(`Loopback: nobody at "${address}"; the connection will fail.`);
      this.#pending.push(() => this.#reset());
    }
    return ErrorCode.OK;
  }

  override setTargetPeer(id: number): void {
    this.#targetPeer = id;
  }

  override getPacketPeer(): number {
    return this.#incoming.peekFrom(0);
  }

  override getPacketMode(): TransferMode {
    return this.#incoming.peekMode(RELIABLE);
  }

  override getPacketChannel(): number {
    return this.#incoming.peekChannel(0);
  }

  override getAvailablePacketCount(): number {
    return this.#incoming.size;
  }

  override getMaxPacketSize(): number {
    return this.#options.maxPacketSize ?? 1 << 24;
  }

  /** The next packet, or ERR_UNAVAILABLE. Godot: ENetMultiplayerPeer::get_packet (modules/enet/enet_multiplayer_peer.cpp) */
  override getPacket(): Uint8Array | ErrorCode {
    const next = this.#incoming.shift();
    if (next === undefined) return logFailure(this.#logger, '', ErrorCode.ERR_UNAVAILABLE, 'No incoming packets available.');
    return next;
  }

  /** Sends to the target peer(s) with the current mode and channel. Godot: ENetMultiplayerPeer::put_packet (modules/enet/enet_multiplayer_peer.cpp) */
  override putPacket(packet: Uint8Array): ErrorCode {
    if (this.#network === null)
      return logFailure(this.#logger, '', ErrorCode.ERR_UNCONFIGURED, "The multiplayer instance isn't currently active.");
    if (this.#status !== CONNECTED) {
      return logFailure(
        this.#logger,
        '',
        ErrorCode.ERR_UNCONFIGURED,
        "The multiplayer instance isn't currently connected to any server or client.",
      );
    }
    const target = this.#targetPeer;
    const address = target === 0 ? '' : this.#peers.get(Math.abs(target));
    if (address === undefined) return logFailure(this.#logger, '', ErrorCode.ERR_INVALID_PARAMETER, `Invalid target peer: ${target}`);
    if (packet.length > this.getMaxPacketSize())
      return logFailure(this.#logger, '', ErrorCode.ERR_INVALID_PARAMETER, `Packet too big: ${packet.length} bytes.`);
    const mode = this.transferMode;
    const channel = this.transferChannel;
    if (!(mode === UNRELIABLE || mode === TransferMode.UNRELIABLE_ORDERED || mode === RELIABLE))
      return logFailure(this.#logger, '', ErrorCode.ERR_INVALID_PARAMETER, `Invalid transfer mode: ${mode}`);
    if (!Number.isInteger(channel) || channel < 0 || channel >= LOOPBACK_CHANNEL_COUNT) {
      return logFailure(
        this.#logger,
        '',
        ErrorCode.ERR_INVALID_PARAMETER,
        `The transfer channel must be in [0, ${LOOPBACK_CHANNEL_COUNT - 1}], got ${channel}.`,
      );
    }
    if (target > 0) {
      this.#network.sendDatagram(address, 'data', this.#address, mode, channel, copyBytes(packet), 0);
      return OK;
    }
    for (const [id, to] of this.#peers) {
      if (id === -target) continue;
      this.#network.sendDatagram(to, 'data', this.#address, mode, channel, copyBytes(packet), 0);
    }
    return OK;
  }

  /**
   * Drops peer `id`. The remote side is told either way; unless `force`, this side emits
   * `peerDisconnected(id)` on its next poll. Godot: ENetMultiplayerPeer::disconnect_peer (modules/enet/enet_multiplayer_peer.cpp)
   */
  override disconnectPeer(id: number, force = false): void {
    if (this.#network === null) throw new MultiplayerError(ErrorCode.ERR_UNCONFIGURED, "The multiplayer instance isn't currently active.");
    const address = this.#peers.get(id);
    if (address === undefined) throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, `Invalid peer id: ${id}`);
    this.#control(address, 'disconnect');
    if (!this.#server) {
      this.#reset();
      if (!force) this.#pending.push(() => this.peerDisconnected.emit(id));
      return;
    }
    this.#forget(id);
    if (!force) this.#pending.push(() => this.peerDisconnected.emit(id));
  }

  override isServer(): boolean {
    return this.#server && this.#network !== null;
  }

  /** Surfaces what has arrived: connection changes become signals, packets become readable. Godot: ENetMultiplayerPeer::poll (modules/enet/enet_multiplayer_peer.cpp) */
  override poll(): void {
    // Work is taken off queues one item at a time, so a slot that throws (the Signal rethrows after
    // running every slot) leaves the rest for the next poll instead of losing it.
    for (let event = this.#pending.shift(); event !== undefined; event = this.#pending.shift()) event();
    const network = this.#network;
    if (network === null) return;
    if (this.#status === ConnectionStatus.CONNECTING && this.#timedOut()) return;
    this.#backlogEnd = network.receiveAt(this.#address, this.#backlog as Datagram[], this.#backlogEnd);
    for (let d = this.#nextDatagram(); d !== undefined; d = this.#nextDatagram()) {
      if (this.#server) this.#serverReceive(d);
      else this.#clientReceive(d);
      if (this.#network === null) return; // a slot closed us mid-poll
    }
  }

  /** Tells every remote, emits nothing. Godot: ENetMultiplayerPeer::close (modules/enet/enet_multiplayer_peer.cpp) */
  override close(): void {
    this.#pending = [];
    if (this.#network === null) return;
    for (const address of this.#peers.values()) this.#control(address, 'disconnect');
    this.#reset();
    this.refuseNewConnections = false; // as Godot's close()
  }

  override getUniqueId(): number {
    return this.#uniqueId;
  }

  override getConnectionStatus(): ConnectionStatus {
    return this.#status;
  }

  /** True while serving or connected as a client. Godot: ENetMultiplayerPeer::is_server_relay_supported (modules/enet/enet_multiplayer_peer.cpp) */
  override isServerRelaySupported(): boolean {
    return this.#network !== null;
  }

  /** From this peer's Rng, else the network's. Godot: MultiplayerPeer::generate_unique_id (scene/main/multiplayer_peer.cpp) */
  override generateUniqueId(): number {
    const rng = this.#options.rng ?? this.#network?.rng ?? this.rng;
    for (;;) {
      const id = rng.nextUint32() & 0x7fffffff;
      if (id > 1) return id;
    }
  }

  /**
   * Takes the next datagram off the backlog (the head moves first: a throwing slot does not replay it).
   * The taken ones are let go together when the backlog empties.
   */
  #nextDatagram(): Datagram | undefined {
    const backlog = this.#backlog;
    const head = this.#backlogHead;
    if (head >= this.#backlogEnd) {
      if (head > 0) this.#clearBacklog();
      return undefined;
    }
    this.#backlogHead = head + 1;
    return backlog[head];
  }

  #clearBacklog(): void {
    // Let go of the datagrams (and their payloads), keep the storage.
    this.#backlog.fill(undefined, 0, this.#backlogEnd);
    this.#backlogHead = 0;
    this.#backlogEnd = 0;
  }

  #serverReceive(d: Datagram): void {
    const id = this.#ids.get(d.from);
    switch (d.message) {
      case 'connect':
        return this.#accept(d.from);
      case 'data':
        if (id === undefined) return this.#logger.debug(`Loopback: dropped a packet from unknown address "${d.from}".`);
        this.#incoming.push(d.payload, id, d.mode, d.channel);
        return;
      case 'disconnect':
        if (id === undefined) return;
        this.#forget(id);
        this.peerDisconnected.emit(id);
        return;
      default:
        this.#logger.debug(`Loopback: server ignored a "${d.message}" from "${d.from}".`);
    }
  }

  #accept(address: string): void {
    if (this.#ids.has(address)) return;
    if (this.refuseNewConnections || this.#peers.size >= this.#maxClients) {
      this.#control(address, 'reject');
      return;
    }
    let id = this.generateUniqueId();
    while (this.#peers.has(id)) id = this.generateUniqueId();
    this.#peers.set(id, address);
    this.#ids.set(address, id);
    this.#control(address, 'accept', id);
    this.peerConnected.emit(id);
  }

  #clientReceive(d: Datagram): void {
    const server = MultiplayerPeer.TARGET_PEER_SERVER;
    if (this.#ids.get(d.from) !== server) return;
    switch (d.message) {
      case 'accept':
        if (this.#status !== ConnectionStatus.CONNECTING) return;
        this.#uniqueId = d.value;
        this.#status = ConnectionStatus.CONNECTED;
        this.peerConnected.emit(server);
        for (const early of this.#early.splice(0)) this.#clientReceive(early);
        return;
      case 'data':
        if (this.#status === ConnectionStatus.CONNECTING) this.#early.push(d);
        else this.#incoming.push(d.payload, server, d.mode, d.channel);
        return;
      case 'reject':
        return this.#reset();
      case 'disconnect': {
        const wasConnected = this.#status === ConnectionStatus.CONNECTED;
        // Divergence from Godot: its ENet client close()s here, dropping packets that already
        // arrived; we keep them readable, so nothing delivered before the goodbye is lost.
        this.#reset(true);
        if (wasConnected) this.peerDisconnected.emit(server);
        return;
      }
      default:
        this.#logger.debug(`Loopback: client ignored a "${d.message}" from the server.`);
    }
  }

  #timedOut(): boolean {
    const limit = this.#options.connectTimeoutMs ?? 30_000;
    if (this.#clock().nowMs() - this.#connectStartedMs < limit) return false;
    this.#logger.debug(`Loopback: no answer from the server within ${limit} ms.`);
    this.close();
    return true;
  }

  #attach(network: VirtualNetwork, address: string): ErrorCode {
    const err = network.attach(address);
    if (err === ErrorCode.ERR_ALREADY_IN_USE)
      return logFailure(this.#logger, '', ErrorCode.ERR_CANT_CREATE, `Address "${address}" is already in use.`);
    if (err !== ErrorCode.OK) return logFailure(this.#logger, '', err, `Invalid address "${address}".`);
    this.#network = network;
    this.#address = address;
    this.#logger = this.#options.logger ?? network.logger;
    return ErrorCode.OK;
  }

  #control(to: string, message: 'connect' | 'accept' | 'reject' | 'disconnect', value = 0): boolean {
    // Control messages ride the reliable stream of channel 0, so they stay ordered with its data.
    return this.#network!.sendDatagram(to, message, this.#address, RELIABLE, 0, EMPTY, value);
  }

  #forget(id: number): void {
    const address = this.#peers.get(id);
    if (address === undefined) return;
    this.#peers.delete(id);
    // Packets that already arrived from `id` stay readable, as in Godot's incoming_packets.
    this.#ids.delete(address);
  }

  #reset(keepIncoming = false): void {
    this.#network?.detach(this.#address);
    this.#network = null;
    this.#address = '';
    this.#server = false;
    this.#status = ConnectionStatus.DISCONNECTED;
    this.#uniqueId = 0;
    this.#peers.clear();
    this.#ids.clear();
    if (!keepIncoming) this.#incoming.clear();
    this.#early = [];
    this.#clearBacklog();
  }

  #clock(): Clock {
    return this.#options.clock ?? this.#network!.clock;
  }
}
