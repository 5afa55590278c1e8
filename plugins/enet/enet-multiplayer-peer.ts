import {
  ConnectionStatus,
  ErrorCode,
  logFailure,
  MultiplayerError,
  MultiplayerPeer,
  PacketQueue,
  TransferMode,
  silentLogger,
  systemClock,
  type Clock,
  type Logger,
  type MultiplayerPeerOptions,
} from '../../core/index.js';
import { isIP } from 'node:net';
import { ENetConnection, EventType, type ENetEvent } from './enet-connection.js';
import { type ENetPacketPeer, ENetPeerState } from './enet-packet-peer.js';
import { PacketFlag } from './protocol/protocol.js';

/** The source named in failure log lines. */
const WHO = 'ENetMultiplayerPeer';

/** Services an ENetMultiplayerPeer uses; all optional. */
export interface ENetMultiplayerPeerOptions extends MultiplayerPeerOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/** Godot's reserved ENet channels (SYSCH_RELIABLE, SYSCH_UNRELIABLE, SYSCH_MAX). */
const SYSCH_RELIABLE = 0;
const SYSCH_UNRELIABLE = 1;
const SYSCH_MAX = 2;

const Mode = { NONE: 0, SERVER: 1, CLIENT: 2, MESH: 3 } as const;
type Mode = (typeof Mode)[keyof typeof Mode];

/** The transfer mode a packet with ENet `flags` was sent with. Godot: ENetMultiplayerPeer::get_packet_mode. */
function transferModeOf(flags: number): TransferMode {
  if (flags & PacketFlag.RELIABLE) return TransferMode.RELIABLE;
  if (flags & PacketFlag.UNSEQUENCED) return TransferMode.UNRELIABLE;
  return TransferMode.UNRELIABLE_ORDERED;
}

/**
 * Godot: ENetMultiplayerPeer (modules/enet/enet_multiplayer_peer.cpp). ENet channel 0 carries
 * RELIABLE, channel 1 the two unreliable modes, channel N + 1 transfer channel N ≥ 1; a client
 * announces its id in the CONNECT data. `poll()` services the hosts and emits the signals.
 */
export class ENetMultiplayerPeer extends MultiplayerPeer {
  readonly #clock: Clock;
  readonly #log: Logger;
  #mode: Mode = Mode.NONE;
  #uniqueId = 0;
  #targetPeer = 0;
  #status: ConnectionStatus = ConnectionStatus.DISCONNECTED;
  #bindIp = '*';
  #hosts = new Map<number, ENetConnection>();
  #peers = new Map<number, ENetPacketPeer>();
  /** Received packets: sender, transfer mode (from the ENet flags) and ENet channel. */
  #incoming = new PacketQueue();
  /** Mesh peers added since the last poll; their peerConnected waits for poll(). */
  #meshJoined: number[] = [];
  #starting = false;

  constructor(options: ENetMultiplayerPeerOptions = {}) {
    super(options);
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger ?? silentLogger;
  }

  /** Godot property `refuse_new_connections`; also applied to the ENet hosts (Godot's fork). */
  override get refuseNewConnections(): boolean {
    return super.refuseNewConnections;
  }
  override set refuseNewConnections(refuse: boolean) {
    for (const host of this.#hosts.values()) if (host.host !== null) host.refuseNewConnections(refuse);
    super.refuseNewConnections = refuse;
  }

  #active(): boolean {
    return this.#mode !== Mode.NONE || this.#starting;
  }

  #connection(): ENetConnection {
    return new ENetConnection({ clock: this.#clock, logger: this.#log, rng: this.rng });
  }

  /**
   * Godot: ENetMultiplayerPeer::create_server. `maxChannels` extra transfer channels (0 = all 253).
   * Divergence from Godot: async, because node:dgram binds asynchronously; and `maxChannels + 2`
   * is the host's channel limit, not (as Godot's argument-order bug has it) its incoming bandwidth.
   */
  async createServer(port: number, maxClients = 32, maxChannels = 0, inBandwidth = 0, outBandwidth = 0): Promise<ErrorCode> {
    if (this.#active()) return logFailure(this.#log, WHO, ErrorCode.ERR_ALREADY_IN_USE, 'The multiplayer instance is already active.');
    super.refuseNewConnections = false;
    const host = this.#connection();
    this.#starting = true;
    const err = await host.createHostBound(
      this.#bindIp,
      port,
      maxClients,
      maxChannels > 0 ? maxChannels + SYSCH_MAX : 0,
      inBandwidth,
      outBandwidth,
    );
    const cancelled = !this.#starting;
    this.#starting = false;
    if (err !== ErrorCode.OK) return err;
    if (cancelled) {
      // close() ran while the socket was binding: do not come alive afterwards.
      host.destroy();
      return logFailure(this.#log, WHO, ErrorCode.ERR_UNAVAILABLE, 'The multiplayer instance was closed while starting.');
    }
    this.#mode = Mode.SERVER;
    this.#uniqueId = MultiplayerPeer.TARGET_PEER_SERVER;
    this.#status = ConnectionStatus.CONNECTED;
    this.#hosts.set(0, host);
    return ErrorCode.OK;
  }

  /**
   * Godot: ENetMultiplayerPeer::create_client (`channelCount` 0 = 255 ENet channels). Synchronous as
   * in Godot: the local socket (bind IP, `localPort`) binds in the background; if that bind fails,
   * the next poll() closes the peer (status DISCONNECTED, so SceneMultiplayer reports a failure).
   */
  createClient(address: string, port: number, channelCount = 0, inBandwidth = 0, outBandwidth = 0, localPort = 0): ErrorCode {
    if (this.#active()) return logFailure(this.#log, WHO, ErrorCode.ERR_ALREADY_IN_USE, 'The multiplayer instance is already active.');
    if (!(port >= 1 && port <= 65535))
      return logFailure(this.#log, WHO, ErrorCode.ERR_INVALID_PARAMETER, 'The remote port number must be between 1 and 65535 (inclusive).');
    if (!(channelCount >= 0 && channelCount <= 253))
      return logFailure(this.#log, WHO, ErrorCode.ERR_INVALID_PARAMETER, 'Invalid channel count.');
    super.refuseNewConnections = false;
    if (!(localPort >= 0 && localPort <= 65535))
      return logFailure(this.#log, WHO, ErrorCode.ERR_INVALID_PARAMETER, 'The local port number must be between 0 and 65535 (inclusive).');
    const host = this.#connection();
    const err = host.createHostDeferred(this.#bindIp, localPort, 1, 0, inBandwidth, outBandwidth);
    if (err !== ErrorCode.OK) return err;
    const id = this.generateUniqueId();
    const peer = host.connectToHost(address, port, channelCount > 0 ? channelCount + SYSCH_MAX : 0, id);
    if (peer === null) {
      host.destroy();
      return logFailure(this.#log, WHO, ErrorCode.ERR_CANT_CREATE, "Couldn't connect to the ENet multiplayer server.");
    }
    this.#uniqueId = id;
    this.#status = ConnectionStatus.CONNECTING;
    this.#mode = Mode.CLIENT;
    this.#peers.set(MultiplayerPeer.TARGET_PEER_SERVER, peer);
    this.#hosts.set(0, host);
    return ErrorCode.OK;
  }

  /** Godot: ENetMultiplayerPeer::create_mesh: application-assigned ids, one ENetConnection per peer. */
  createMesh(uniqueId: number): ErrorCode {
    if (!(Number.isInteger(uniqueId) && uniqueId > 0 && uniqueId <= 0x7fffffff)) {
      return logFailure(this.#log, WHO, ErrorCode.ERR_INVALID_PARAMETER, 'The unique ID must be greater then 0');
    }
    if (this.#active()) return logFailure(this.#log, WHO, ErrorCode.ERR_ALREADY_IN_USE, 'The multiplayer instance is already active.');
    this.#mode = Mode.MESH;
    this.#uniqueId = uniqueId;
    this.#status = ConnectionStatus.CONNECTED;
    return ErrorCode.OK;
  }

  /**
   * Godot: ENetMultiplayerPeer::add_mesh_peer: `host` must hold exactly one connected peer.
   * Divergence from Godot: peerConnected is emitted by the next poll(), not from this call.
   */
  addMeshPeer(peerId: number, host: ENetConnection): ErrorCode {
    if (this.#mode !== Mode.MESH) {
      return logFailure(
        this.#log,
        WHO,
        ErrorCode.ERR_UNCONFIGURED,
        "The multiplayer instance is not configured as a mesh. Call 'create_mesh' first.",
      );
    }
    if (!(Number.isInteger(peerId) && peerId > 0 && peerId <= 0x7fffffff) || this.#peers.has(peerId)) {
      return logFailure(this.#log, WHO, ErrorCode.ERR_INVALID_PARAMETER, 'Invalid or duplicate mesh peer id.');
    }
    const peers = host.host === null ? [] : host.getPeers();
    if (peers.length !== 1 || peers[0]!.getState() !== ENetPeerState.STATE_CONNECTED) {
      return logFailure(
        this.#log,
        WHO,
        ErrorCode.ERR_INVALID_PARAMETER,
        'The provided host must have exactly one peer in the connected state.',
      );
    }
    this.#hosts.set(peerId, host);
    this.#peers.set(peerId, peers[0]!);
    this.#meshJoined.push(peerId);
    return ErrorCode.OK;
  }

  /** Godot: ENetMultiplayerPeer::set_bind_ip ('*' = all interfaces). */
  setBindIp(ip: string): void {
    if (ip !== '*' && isIP(ip) === 0) throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, 'Invalid bind IP.');
    this.#bindIp = ip;
  }

  /** Godot: ENetMultiplayerPeer::get_peer. */
  getPeer(id: number): ENetPacketPeer | null {
    return this.#peers.get(id) ?? null;
  }

  /** Godot: ENetMultiplayerPeer::get_host (the server's or client's ENetConnection). */
  getHost(): ENetConnection | null {
    return this.#hosts.get(0) ?? null;
  }

  /** Not in Godot: the bound UDP port of a server or client (0 when inactive or still binding). */
  getLocalPort(): number {
    const host = this.#hosts.get(0);
    return host?.host ? host.getLocalPort() : 0;
  }

  override setTargetPeer(id: number): void {
    this.#targetPeer = id;
  }

  override getPacketPeer(): number {
    return this.#incoming.peekFrom(MultiplayerPeer.TARGET_PEER_SERVER);
  }

  override getPacketMode(): TransferMode {
    return this.#incoming.peekMode(TransferMode.RELIABLE);
  }

  override getPacketChannel(): number {
    const ch = this.#incoming.peekChannel(0);
    return ch >= SYSCH_MAX ? ch - SYSCH_MAX + 1 : 0;
  }

  override getAvailablePacketCount(): number {
    return this.#incoming.size;
  }

  /** Godot: 1 << 24. */
  override getMaxPacketSize(): number {
    return 1 << 24;
  }

  override getPacket(): Uint8Array | ErrorCode {
    const data = this.#incoming.shift();
    if (data === undefined) return logFailure(this.#log, WHO, ErrorCode.ERR_UNAVAILABLE, 'No incoming packets available.');
    return data;
  }

  /** Godot: ENetMultiplayerPeer::put_packet. */
  override putPacket(packet: Uint8Array): ErrorCode {
    if (this.#mode === Mode.NONE)
      return logFailure(this.#log, WHO, ErrorCode.ERR_UNCONFIGURED, "The multiplayer instance isn't currently active.");
    if (this.#status !== ConnectionStatus.CONNECTED) {
      return logFailure(
        this.#log,
        WHO,
        ErrorCode.ERR_UNCONFIGURED,
        "The multiplayer instance isn't currently connected to any server or client.",
      );
    }
    const target = this.#targetPeer;
    if (target !== 0 && !this.#peers.has(Math.abs(target)))
      return logFailure(this.#log, WHO, ErrorCode.ERR_INVALID_PARAMETER, `Invalid target peer: ${target}`);
    if (packet.length > this.getMaxPacketSize()) return logFailure(this.#log, WHO, ErrorCode.ERR_INVALID_PARAMETER, 'Packet too large.');
    let flags: number = PacketFlag.RELIABLE;
    let channel = SYSCH_RELIABLE;
    if (this.transferMode === TransferMode.UNRELIABLE) {
      flags = PacketFlag.UNSEQUENCED | PacketFlag.UNRELIABLE_FRAGMENT;
      channel = SYSCH_UNRELIABLE;
    } else if (this.transferMode === TransferMode.UNRELIABLE_ORDERED) {
      flags = PacketFlag.UNRELIABLE_FRAGMENT;
      channel = SYSCH_UNRELIABLE;
    }
    if (this.transferChannel > 0) channel = SYSCH_MAX + this.transferChannel - 1;
    const data = packet.slice();
    if (this.#mode === Mode.CLIENT) {
      this.#peers.get(MultiplayerPeer.TARGET_PEER_SERVER)!.send(channel, data, flags);
    } else if (this.#mode === Mode.SERVER && target === 0) {
      this.#hosts.get(0)!.broadcast(channel, data, flags);
    } else if (target > 0) {
      this.#peers.get(target)!.send(channel, data, flags);
    } else {
      for (const [id, peer] of this.#peers) if (id !== -target) peer.send(channel, data, flags);
    }
    return ErrorCode.OK;
  }

  /** Godot: ENetMultiplayerPeer::disconnect_peer. Without `force`, peerDisconnected follows from poll(). */
  override disconnectPeer(id: number, force = false): void {
    const peer = this.#peers.get(id);
    if (this.#mode === Mode.NONE || peer === undefined) {
      throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, `Invalid peer id ${id} (not connected).`);
    }
    if (peer.isActive()) peer.peerDisconnect(0);
    const host = this.#mode === Mode.MESH ? this.#hosts.get(id) : this.#hosts.get(0);
    if (host?.host) host.flush();
    if (!force) return;
    this.#peers.delete(id);
    if (this.#mode === Mode.MESH) this.#destroyHost(id);
    if (this.#mode === Mode.CLIENT) this.close();
  }

  override isServer(): boolean {
    return this.#mode === Mode.SERVER;
  }

  override isServerRelaySupported(): boolean {
    return this.#mode === Mode.SERVER || this.#mode === Mode.CLIENT;
  }

  override getUniqueId(): number {
    return this.#uniqueId;
  }

  override getConnectionStatus(): ConnectionStatus {
    return this.#status;
  }

  /** Godot: ENetMultiplayerPeer::poll: services the hosts and emits the signals. */
  override poll(): void {
    if (this.#mode === Mode.NONE) return;
    if (this.#mode === Mode.MESH) return this.#pollMesh();
    const host = this.#hosts.get(0);
    if (host === undefined || (this.#mode === Mode.CLIENT && (!this.#peers.has(1) || host.bindFailed()))) return this.close();
    if (this.#mode === Mode.SERVER) {
      for (const [id, peer] of this.#peers) {
        if (peer.isActive()) continue;
        this.#peers.delete(id);
        this.peerDisconnected.emit(id);
      }
    }
    for (let e = host.serviceEvent(); e.type !== EventType.EVENT_NONE; e = host.checkEvents()) {
      if (e.type === EventType.EVENT_ERROR) return this.close();
      const stop = this.#mode === Mode.SERVER ? this.#parseServerEvent(e) : this.#parseClientEvent(e);
      if (stop || (this.#mode as Mode) === Mode.NONE) return;
    }
  }

  /** Godot: ENetMultiplayerPeer::_parse_server_event. Returns true to stop polling. */
  #parseServerEvent(e: ENetEvent): boolean {
    const peer = e.peer!;
    switch (e.type) {
      case EventType.EVENT_CONNECT: {
        const id = e.data;
        // Divergence from Godot: ids ≥ 0x80000000 are refused too (Godot would accept them as
        // negative ids, which collide with the "all but -id" target convention).
        if (this.refuseNewConnections || id < 2 || id > 0x7fffffff || this.#peers.has(id)) {
          this.#log.debug(`ENetMultiplayerPeer: refusing a connection announcing id ${id}.`);
          peer.reset();
          return false;
        }
        peer.meta = id;
        this.#peers.set(id, peer);
        this.peerConnected.emit(id);
        return false;
      }
      case EventType.EVENT_DISCONNECT: {
        const id = peer.meta;
        if (id === null || this.#peers.get(id) !== peer) return false;
        this.#peers.delete(id);
        this.peerDisconnected.emit(id);
        return false;
      }
      default: {
        const id = peer.meta;
        if (id !== null && this.#peers.get(id) === peer) this.#store(id, e);
        return false;
      }
    }
  }

  /** Godot: ENetMultiplayerPeer::_parse_client_event. Returns true to stop polling. */
  #parseClientEvent(e: ENetEvent): boolean {
    switch (e.type) {
      case EventType.EVENT_CONNECT:
        this.#status = ConnectionStatus.CONNECTED;
        this.peerConnected.emit(MultiplayerPeer.TARGET_PEER_SERVER);
        return false;
      case EventType.EVENT_DISCONNECT: {
        if (this.#status === ConnectionStatus.CONNECTED) this.peerDisconnected.emit(MultiplayerPeer.TARGET_PEER_SERVER);
        this.close();
        return true;
      }
      default:
        this.#store(MultiplayerPeer.TARGET_PEER_SERVER, e);
        return false;
    }
  }

  #pollMesh(): void {
    for (const id of this.#meshJoined.splice(0)) if (this.#peers.has(id)) this.peerConnected.emit(id);
    for (const [id, host] of [...this.#hosts]) {
      for (let e = host.serviceEvent(); e.type !== EventType.EVENT_NONE; e = host.checkEvents()) {
        if (e.type === EventType.EVENT_CONNECT) {
          e.peer?.reset(); // Mesh peers must already be connected.
          continue;
        }
        if (e.type === EventType.EVENT_RECEIVE) {
          this.#store(id, e);
          continue;
        }
        if (this.#peers.delete(id)) this.peerDisconnected.emit(id);
        this.#destroyHost(id);
        break;
      }
      if (this.#mode === Mode.NONE) return;
    }
  }

  #store(from: number, e: ENetEvent): void {
    this.#incoming.push(e.packet!, from, transferModeOf(e.flags), e.channel);
  }

  #destroyHost(id: number): void {
    const host = this.#hosts.get(id);
    this.#hosts.delete(id);
    if (host?.host) host.destroy();
  }

  /** Godot: ENetMultiplayerPeer::close: disconnects every peer at once; emits nothing. */
  override close(): void {
    this.#starting = false;
    if (this.#mode === Mode.NONE) return;
    for (const peer of this.#peers.values()) {
      if (peer.getState() === ENetPeerState.STATE_CONNECTED) peer.peerDisconnectNow(0);
    }
    for (const host of this.#hosts.values()) if (host.host) host.destroy();
    this.#mode = Mode.NONE;
    this.#incoming.clear();
    this.#peers.clear();
    this.#hosts.clear();
    this.#meshJoined = [];
    this.#uniqueId = 0;
    this.#status = ConnectionStatus.DISCONNECTED;
    super.refuseNewConnections = false;
  }
}
