import {
  ConnectionStatus,
  ErrorCode,
  MultiplayerPeer,
  Signal,
  silentLogger,
  TransferMode,
  logFailure,
  type Clock,
  type Logger,
  type MultiplayerPeerOptions,
} from '../../core/index.js';
import { ChannelState, type WebRTCDataChannel } from './webrtc-data-channel.js';
import { ConnectionState, type WebRTCDataChannelInit, type WebRTCPeerConnection } from './webrtc-peer-connection.js';

/** Godot: WebRTCMultiplayerPeer's reserved channel indices. */
const CH_RELIABLE = 0;
const CH_ORDERED = 1;
const CH_UNRELIABLE = 2;
const CH_RESERVED_MAX = 3;
const MAX_PEER_ID = 0x7fffffff;

const NetworkMode = { NONE: 0, SERVER: 1, CLIENT: 2, MESH: 3 } as const;
type NetworkMode = (typeof NetworkMode)[keyof typeof NetworkMode];

/** Dependencies of a WebRTCMultiplayerPeer; all optional. */
export interface WebRTCMultiplayerPeerOptions extends MultiplayerPeerOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/** What `getPeer()` returns: Godot's `{ connection, connected, channels }` dictionary. */
export interface WebRTCPeerInfo {
  readonly connection: WebRTCPeerConnection;
  readonly connected: boolean;
  readonly channels: readonly WebRTCDataChannel[];
}

interface ConnectedPeer {
  readonly id: number;
  readonly connection: WebRTCPeerConnection;
  readonly channels: WebRTCDataChannel[];
  connected: boolean;
}

/**
 * Godot: WebRTCMultiplayerPeer (modules/webrtc/webrtc_multiplayer_peer.cpp). A MultiplayerPeer over
 * one WebRTCPeerConnection per remote peer, in server, client or mesh mode. The application does the
 * signaling and hands each connection (still NEW) to `addPeer`, which creates Godot's pre-negotiated
 * channels: stream 1 "reliable", 2 "ordered", 3 "unreliable", then 3 + N for `channelsConfig[N-1]`.
 *
 * Signals fire only inside `poll()`, `close()` (none), `disconnectPeer()` (none) and `removePeer()`.
 */
export class WebRTCMultiplayerPeer extends MultiplayerPeer {
  readonly #log: Logger;
  #peers = new Map<number, ConnectedPeer>();
  /** `#peers`' values in insertion order, for the round-robin (no Map iterator per packet read). */
  #order: ConnectedPeer[] = [];
  /** Every channel of every connected peer: what `getAvailablePacketCount` adds up. */
  #readable: WebRTCDataChannel[] = [];
  /** Index of `#nextPacketPeer` in `#order` when last looked up. */
  #nextPacketIndex = 0;
  #channelsConfig: WebRTCDataChannelInit[] = [];
  #channelModes: TransferMode[] = [];
  #uniqueId = 0;
  #mode: NetworkMode = NetworkMode.NONE;
  #status: ConnectionStatus = ConnectionStatus.DISCONNECTED;
  #targetPeer = 0;
  #nextPacketPeer = 0;
  #nextPacketChannel = 0;

  /**
   * Godot 3 signal `connection_succeeded` (NetworkedMultiplayerPeer), emitted by a client (`createClient`,
   * or `initialize(id, true)`) in the `poll()` where its connection to the server (peer 1) opens, right
   * after `peerConnected(1)`. Never on a server or in a mesh, as in Godot 3.
   * @deprecated Godot 4 removed it: listen to `peerConnected` for id 1, or to `MultiplayerAPI.connectedToServer`.
   */
  readonly connectionSucceeded = new Signal();

  constructor(options: WebRTCMultiplayerPeerOptions = {}) {
    super(options);
    this.#log = options.logger ?? silentLogger;
  }

  /** Godot: WebRTCMultiplayerPeer::create_server. Id 1; CONNECTED at once; relays for clients. */
  createServer(channelsConfig: readonly TransferMode[] = []): ErrorCode {
    return this.#initialize(MultiplayerPeer.TARGET_PEER_SERVER, NetworkMode.SERVER, channelsConfig);
  }

  /** Godot: WebRTCMultiplayerPeer::create_client. CONNECTING until peer 1 (the only one allowed) connects. */
  createClient(peerId: number, channelsConfig: readonly TransferMode[] = []): ErrorCode {
    if (peerId === MultiplayerPeer.TARGET_PEER_SERVER)
      return logFailure(this.#log, 'WebRTCMultiplayerPeer', ErrorCode.ERR_INVALID_PARAMETER, 'Clients cannot have ID 1.');
    return this.#initialize(peerId, NetworkMode.CLIENT, channelsConfig);
  }

  /** Godot: WebRTCMultiplayerPeer::create_mesh. Any peers may be added; CONNECTED at once; no relay. */
  createMesh(peerId: number, channelsConfig: readonly TransferMode[] = []): ErrorCode {
    return this.#initialize(peerId, NetworkMode.MESH, channelsConfig);
  }

  /**
   * Godot 3's `initialize(peer_id, server_compatibility)`, kept as an alias: with server compatibility,
   * id 1 is `createServer` and any other id `createClient`; without it, `createMesh`.
   */
  initialize(peerId: number, serverCompatibility = false, channelsConfig: readonly TransferMode[] = []): ErrorCode {
    if (!serverCompatibility) return this.createMesh(peerId, channelsConfig);
    return peerId === MultiplayerPeer.TARGET_PEER_SERVER ? this.createServer(channelsConfig) : this.createClient(peerId, channelsConfig);
  }

  /**
   * Godot: WebRTCMultiplayerPeer::add_peer. `connection` must be NEW: this creates its channels. Do
   * the signaling (offer/answer/candidates) after this call; the peer connects during `poll()`.
   */
  addPeer(connection: WebRTCPeerConnection, peerId: number, unreliableLifetime = 1): ErrorCode {
    if (this.#mode === NetworkMode.NONE)
      return logFailure(this.#log, 'WebRTCMultiplayerPeer', ErrorCode.ERR_UNCONFIGURED, 'The multiplayer instance is not active.');
    if (this.#mode === NetworkMode.CLIENT && peerId !== 1)
      return logFailure(this.#log, 'WebRTCMultiplayerPeer', ErrorCode.ERR_INVALID_PARAMETER, 'Clients can only add peer 1.');
    if (this.#mode === NetworkMode.SERVER && peerId === 1)
      return logFailure(this.#log, 'WebRTCMultiplayerPeer', ErrorCode.ERR_INVALID_PARAMETER, 'The server cannot add peer 1.');
    if (!isPeerId(peerId))
      return logFailure(this.#log, 'WebRTCMultiplayerPeer', ErrorCode.ERR_INVALID_PARAMETER, `Invalid peer id ${peerId}.`);
    if (peerId === this.#uniqueId)
      return logFailure(this.#log, 'WebRTCMultiplayerPeer', ErrorCode.ERR_INVALID_PARAMETER, 'A peer cannot add itself.');
    if (!Number.isInteger(unreliableLifetime) || unreliableLifetime < 0)
      return logFailure(this.#log, 'WebRTCMultiplayerPeer', ErrorCode.ERR_INVALID_PARAMETER, 'Invalid unreliable lifetime.');
    if (this.refuseNewConnections)
      return logFailure(this.#log, 'WebRTCMultiplayerPeer', ErrorCode.ERR_UNAUTHORIZED, 'Refusing new connections.');
    if (connection.getConnectionState() !== ConnectionState.NEW)
      return logFailure(this.#log, 'WebRTCMultiplayerPeer', ErrorCode.ERR_INVALID_PARAMETER, 'The connection must be in state NEW.');
    // Divergence from Godot: Godot silently replaces a peer with the same id (leaking its signals); we refuse.
    if (this.#peers.has(peerId))
      return logFailure(this.#log, 'WebRTCMultiplayerPeer', ErrorCode.ERR_ALREADY_EXISTS, `Peer ${peerId} was already added.`);

    const channels: WebRTCDataChannel[] = [];
    // Divergence from Godot: Godot spells the key "maxPacketLifetime", which its backends ignore
    // (docs/wire/multiplayer.md §8.5); we apply the lifetime it means. It only changes what this side sends.
    const layout: Array<[string, WebRTCDataChannelInit]> = [
      ['reliable', { negotiated: true, id: 1, ordered: true }],
      ['ordered', { negotiated: true, id: 2, ordered: true, maxPacketLifeTime: unreliableLifetime }],
      ['unreliable', { negotiated: true, id: 3, ordered: false, maxPacketLifeTime: unreliableLifetime }],
      ...this.#channelsConfig.map((cfg): [string, WebRTCDataChannelInit] => [String(cfg.id), cfg]),
    ];
    for (const [label, init] of layout) {
      const channel = connection.createDataChannel(label, init);
      if (channel === null) {
        for (const c of channels) c.close();
        return logFailure(this.#log, 'WebRTCMultiplayerPeer', ErrorCode.FAILED, `Could not create data channel "${label}".`);
      }
      channels.push(channel);
    }
    this.#peers.set(peerId, { id: peerId, connection, channels, connected: false });
    this.#reindex();
    return ErrorCode.OK;
  }

  /**
   * Godot: WebRTCMultiplayerPeer::remove_peer. Emits `peerDisconnected` now if the peer had connected.
   * Divergence from Godot: the connection is closed too (Godot drops its reference, which closes it
   * once nothing else holds one; JavaScript has no such moment).
   */
  removePeer(peerId: number): void {
    const peer = this.#peers.get(peerId);
    if (peer === undefined) return void logFailure(this.#log, 'WebRTCMultiplayerPeer', ErrorCode.ERR_DOES_NOT_EXIST, `No peer ${peerId}.`);
    this.#peers.delete(peerId);
    peer.connection.close();
    const wasConnected = peer.connected;
    peer.connected = false;
    this.#reindex();
    if (this.#nextPacketPeer === peerId) this.#findNextPeer();
    if (this.#mode === NetworkMode.CLIENT && peerId === MultiplayerPeer.TARGET_PEER_SERVER) {
      // Divergence from Godot: a client whose server connection fails before connecting also ends
      // DISCONNECTED (Godot leaves it CONNECTING forever).
      this.#status = ConnectionStatus.DISCONNECTED;
    }
    if (wasConnected) this.peerDisconnected.emit(peerId);
  }

  /** Godot: WebRTCMultiplayerPeer::has_peer. */
  hasPeer(peerId: number): boolean {
    return this.#peers.has(peerId);
  }

  /** Godot: WebRTCMultiplayerPeer::get_peer. Null for an unknown id. */
  getPeer(peerId: number): WebRTCPeerInfo | null {
    const peer = this.#peers.get(peerId);
    return peer === undefined ? null : toInfo(peer);
  }

  /** Godot: WebRTCMultiplayerPeer::get_peers. Keyed by peer id, in the order they were added. */
  getPeers(): Map<number, WebRTCPeerInfo> {
    return new Map([...this.#peers].map(([id, peer]) => [id, toInfo(peer)]));
  }

  setTargetPeer(id: number): void {
    this.#targetPeer = id;
  }

  getPacketPeer(): number {
    return this.#nextPacketPeer;
  }

  /** Godot: WebRTCMultiplayerPeer::get_packet_mode. From the local channel table, as Godot does. */
  getPacketMode(): TransferMode {
    return this.#channelModes[this.#nextPacketChannel] ?? TransferMode.RELIABLE;
  }

  getPacketChannel(): number {
    return this.#nextPacketChannel < CH_RESERVED_MAX ? 0 : this.#nextPacketChannel - CH_RESERVED_MAX + 1;
  }

  /** Godot: WebRTCMultiplayerPeer::get_available_packet_count. Packets of connected peers only. */
  getAvailablePacketCount(): number {
    if (this.#nextPacketPeer === 0) return 0;
    const channels = this.#readable;
    let size = 0;
    for (let i = 0; i < channels.length; i++) size += channels[i]!.getAvailablePacketCount();
    return size;
  }

  /** Nominal, as Godot: 1200 bytes. Data channels accept larger messages. */
  getMaxPacketSize(): number {
    return 1200;
  }

  /** Godot: WebRTCMultiplayerPeer::get_packet. */
  getPacket(): Uint8Array | ErrorCode {
    const peer = this.#nextPacketPeer === 0 ? undefined : this.#peers.get(this.#nextPacketPeer);
    if (peer === undefined) {
      this.#findNextPeer();
      return ErrorCode.ERR_UNAVAILABLE;
    }
    for (const channel of peer.channels) {
      if (channel.getAvailablePacketCount() === 0) continue;
      const packet = channel.getPacket();
      this.#findNextPeer();
      return packet;
    }
    this.#findNextPeer();
    return ErrorCode.ERR_BUG;
  }

  /** Godot: WebRTCMultiplayerPeer::put_packet. Picks the channel from the transfer mode and channel. */
  putPacket(packet: Uint8Array): ErrorCode {
    if (this.#status === ConnectionStatus.DISCONNECTED)
      return logFailure(this.#log, 'WebRTCMultiplayerPeer', ErrorCode.ERR_UNCONFIGURED, 'The multiplayer instance is not active.');
    const ch = this.#sendChannelIndex();
    if (this.#targetPeer > 0) {
      const peer = this.#peers.get(this.#targetPeer);
      if (peer === undefined)
        return logFailure(this.#log, 'WebRTCMultiplayerPeer', ErrorCode.ERR_INVALID_PARAMETER, `Invalid target peer: ${this.#targetPeer}.`);
      const channel = peer.channels[ch];
      if (channel === undefined)
        return logFailure(
          this.#log,
          'WebRTCMultiplayerPeer',
          ErrorCode.ERR_INVALID_PARAMETER,
          `Unable to send packet on channel ${ch}, max channels: ${peer.channels.length}`,
        );
      return channel.putPacket(packet);
    }
    const exclude = -this.#targetPeer;
    for (const [id, peer] of this.#peers) {
      // Divergence from Godot: peers that have not connected yet are skipped, not tried and logged.
      if (!peer.connected || (this.#targetPeer !== 0 && id === exclude)) continue;
      const channel = peer.channels[ch];
      if (channel === undefined) {
        this.#log.debug(`Unable to send packet on channel ${ch}, max channels: ${peer.channels.length}`);
        continue;
      }
      channel.putPacket(packet);
    }
    return ErrorCode.OK;
  }

  /** Godot: WebRTCMultiplayerPeer::disconnect_peer. Without `force`, the peer leaves on the next poll. */
  disconnectPeer(id: number, force = false): void {
    const peer = this.#peers.get(id);
    if (peer === undefined) return void logFailure(this.#log, 'WebRTCMultiplayerPeer', ErrorCode.ERR_DOES_NOT_EXIST, `No peer ${id}.`);
    if (!force) {
      peer.connection.close(); // Removed (with peerDisconnected) during the next poll.
      return;
    }
    this.#peers.delete(id);
    peer.connection.close();
    this.#reindex();
    if (this.#nextPacketPeer === id) this.#findNextPeer();
    if (this.#mode === NetworkMode.CLIENT && id === MultiplayerPeer.TARGET_PEER_SERVER) this.#status = ConnectionStatus.DISCONNECTED;
  }

  isServer(): boolean {
    return this.#uniqueId === MultiplayerPeer.TARGET_PEER_SERVER;
  }

  /** Godot: WebRTCMultiplayerPeer::poll. Polls every connection, then removes and announces peers. */
  poll(): void {
    if (this.#peers.size === 0) return;
    const remove: number[] = [];
    const add: number[] = [];
    for (const [id, peer] of this.#peers) {
      peer.connection.poll();
      const state = peer.connection.getConnectionState();
      if (state === ConnectionState.NEW || state === ConnectionState.CONNECTING) continue;
      if (state !== ConnectionState.CONNECTED) {
        remove.push(id);
        continue;
      }
      let ready = 0;
      let broken = false;
      for (const channel of peer.channels) {
        const s = channel.getReadyState();
        if (s === ChannelState.OPEN) ready++;
        else if (s !== ChannelState.CONNECTING) broken = true;
      }
      if (broken) remove.push(id);
      else if (ready === peer.channels.length && !peer.connected) {
        peer.connected = true;
        add.push(id);
      }
    }
    if (add.length !== 0) this.#reindex();
    for (const id of remove) if (this.#peers.has(id)) this.removePeer(id);
    for (const id of add) {
      if (!this.#peers.get(id)?.connected) continue; // A slot above removed it.
      if (this.#mode === NetworkMode.CLIENT) this.#status = ConnectionStatus.CONNECTED;
      this.peerConnected.emit(id);
      if (this.#mode === NetworkMode.CLIENT) this.connectionSucceeded.emit();
    }
    if (this.#nextPacketPeer === 0 || !this.#peers.has(this.#nextPacketPeer)) this.#findNextPeer();
  }

  /** Godot: WebRTCMultiplayerPeer::close. Closes every connection; emits nothing. */
  close(): void {
    const peers = this.#order;
    this.#peers = new Map();
    this.#order = [];
    this.#readable = [];
    for (const peer of peers) peer.connection.close();
    this.#channelsConfig = [];
    this.#channelModes = [];
    this.#uniqueId = 0;
    this.#nextPacketPeer = 0;
    this.#nextPacketChannel = 0;
    this.#targetPeer = 0;
    this.#mode = NetworkMode.NONE;
    this.#status = ConnectionStatus.DISCONNECTED;
  }

  /** Godot returns 1 (with an error) while inactive; so do we. */
  getUniqueId(): number {
    return this.#status === ConnectionStatus.DISCONNECTED ? MultiplayerPeer.TARGET_PEER_SERVER : this.#uniqueId;
  }

  getConnectionStatus(): ConnectionStatus {
    return this.#status;
  }

  /** Server and client modes relay through the server; mesh does not. */
  override isServerRelaySupported(): boolean {
    return this.#mode === NetworkMode.SERVER || this.#mode === NetworkMode.CLIENT;
  }

  /** Godot: WebRTCMultiplayerPeer::_initialize. */
  #initialize(peerId: number, mode: NetworkMode, channelsConfig: readonly TransferMode[]): ErrorCode {
    // Divergence from Godot: Godot re-initializes an active peer in place; we report it, like ENet.
    if (this.#mode !== NetworkMode.NONE)
      return logFailure(this.#log, 'WebRTCMultiplayerPeer', ErrorCode.ERR_ALREADY_IN_USE, 'The multiplayer instance is already active.');
    if (!isPeerId(peerId))
      return logFailure(this.#log, 'WebRTCMultiplayerPeer', ErrorCode.ERR_INVALID_PARAMETER, `Invalid peer id ${peerId}.`);
    if (!Array.isArray(channelsConfig))
      return logFailure(this.#log, 'WebRTCMultiplayerPeer', ErrorCode.ERR_INVALID_PARAMETER, "'channelsConfig' must be an array.");
    const configs: WebRTCDataChannelInit[] = [];
    for (let i = 0; i < channelsConfig.length; i++) {
      const mode = channelsConfig[i];
      const id = CH_RESERVED_MAX + i + 1;
      if (mode === TransferMode.RELIABLE) configs.push({ negotiated: true, id, ordered: true });
      else if (mode === TransferMode.UNRELIABLE_ORDERED) configs.push({ negotiated: true, id, ordered: true, maxPacketLifeTime: 1 });
      else if (mode === TransferMode.UNRELIABLE) configs.push({ negotiated: true, id, ordered: false, maxPacketLifeTime: 1 });
      else
        return logFailure(
          this.#log,
          'WebRTCMultiplayerPeer',
          ErrorCode.ERR_INVALID_PARAMETER,
          `The 'channelsConfig' array must contain only TransferMode values. Got: ${String(mode)}`,
        );
    }
    this.#channelsConfig = configs;
    this.#channelModes = [TransferMode.RELIABLE, TransferMode.UNRELIABLE_ORDERED, TransferMode.UNRELIABLE, ...channelsConfig];
    this.#uniqueId = peerId;
    this.#mode = mode;
    this.#status = mode === NetworkMode.CLIENT ? ConnectionStatus.CONNECTING : ConnectionStatus.CONNECTED;
    return ErrorCode.OK;
  }

  #sendChannelIndex(): number {
    const ch = this.transferChannel;
    if (ch !== 0) return ch + CH_RESERVED_MAX - 1;
    switch (this.transferMode) {
      case TransferMode.UNRELIABLE_ORDERED:
        return CH_ORDERED;
      case TransferMode.UNRELIABLE:
        return CH_UNRELIABLE;
      default:
        return CH_RELIABLE;
    }
  }

  /** Rebuilds `#order` and `#readable` after a peer was added, connected or removed. */
  #reindex(): void {
    this.#order = [...this.#peers.values()];
    this.#readable = this.#order.filter((peer) => peer.connected).flatMap((peer) => peer.channels);
  }

  /** Godot: WebRTCMultiplayerPeer::_find_next_peer. Round-robin over connected peers, after the current one. */
  #findNextPeer(): void {
    // Peers after the current one first, then from the start up to and including it (Godot's order);
    // from the start when the current one is gone.
    const order = this.#order;
    const n = order.length;
    const current = this.#nextPacketPeer;
    let at = this.#nextPacketIndex;
    if (order[at]?.id !== current) at = order.findIndex((peer) => peer.id === current);
    for (let k = 1; k <= n; k++) {
      const i = at < 0 ? k - 1 : (at + k) % n;
      if (this.#takeFrom(i, order[i]!)) return;
    }
    this.#nextPacketPeer = 0;
    this.#nextPacketChannel = 0;
  }

  #takeFrom(index: number, peer: ConnectedPeer): boolean {
    if (!peer.connected) return false;
    const channels = peer.channels;
    for (let i = 0; i < channels.length; i++) {
      if (channels[i]!.getAvailablePacketCount() === 0) continue;
      this.#nextPacketPeer = peer.id;
      this.#nextPacketIndex = index;
      this.#nextPacketChannel = i;
      return true;
    }
    return false;
  }
}

function isPeerId(id: number): boolean {
  return Number.isInteger(id) && id >= 1 && id <= MAX_PEER_ID;
}

function toInfo(peer: ConnectedPeer): WebRTCPeerInfo {
  return { connection: peer.connection, connected: peer.connected, channels: [...peer.channels] };
}
