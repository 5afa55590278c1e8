import { ErrorCode, MultiplayerError, PacketPeerBase, PacketQueue } from '../../core/index.js';
import { displayAddress } from './datagram-socket.js';
import type { Peer } from './protocol/peer.js';
import { Defaults, PacketFlag, PeerState } from './protocol/protocol.js';

/** Godot: ENetPacketPeer::PeerState (same numbers as the C library). */
export const ENetPeerState = {
  STATE_DISCONNECTED: 0,
  STATE_CONNECTING: 1,
  STATE_ACKNOWLEDGING_CONNECT: 2,
  STATE_CONNECTION_PENDING: 3,
  STATE_CONNECTION_SUCCEEDED: 4,
  STATE_CONNECTED: 5,
  STATE_DISCONNECT_LATER: 6,
  STATE_DISCONNECTING: 7,
  STATE_ACKNOWLEDGING_DISCONNECT: 8,
  STATE_ZOMBIE: 9,
} as const;
export type ENetPeerState = (typeof ENetPeerState)[keyof typeof ENetPeerState];

/** Godot: ENetPacketPeer::PeerStatistic. */
export const PeerStatistic = {
  PEER_PACKET_LOSS: 0,
  PEER_PACKET_LOSS_VARIANCE: 1,
  PEER_PACKET_LOSS_EPOCH: 2,
  PEER_ROUND_TRIP_TIME: 3,
  PEER_ROUND_TRIP_TIME_VARIANCE: 4,
  PEER_LAST_ROUND_TRIP_TIME: 5,
  PEER_LAST_ROUND_TRIP_TIME_VARIANCE: 6,
  PEER_PACKET_THROTTLE: 7,
  PEER_PACKET_THROTTLE_LIMIT: 8,
  PEER_PACKET_THROTTLE_COUNTER: 9,
  PEER_PACKET_THROTTLE_EPOCH: 10,
  PEER_PACKET_THROTTLE_ACCELERATION: 11,
  PEER_PACKET_THROTTLE_DECELERATION: 12,
  PEER_PACKET_THROTTLE_INTERVAL: 13,
} as const;
export type PeerStatistic = (typeof PeerStatistic)[keyof typeof PeerStatistic];

/**
 * Godot: ENetPacketPeer (modules/enet/enet_packet_peer.h): one connection of an ENetConnection.
 * `getPacket` reads packets that `ENetConnection.service()` queued on this peer.
 */
export class ENetPacketPeer extends PacketPeerBase {
  static readonly PACKET_LOSS_SCALE = Defaults.PACKET_LOSS_SCALE;
  static readonly PACKET_THROTTLE_SCALE = Defaults.PACKET_THROTTLE_SCALE;
  static readonly FLAG_RELIABLE = PacketFlag.RELIABLE;
  static readonly FLAG_UNSEQUENCED = PacketFlag.UNSEQUENCED;
  static readonly FLAG_UNRELIABLE_FRAGMENT = PacketFlag.UNRELIABLE_FRAGMENT;

  #peer: Peer | null;
  /** Received packets with their ENet flags (kept in the queue's mode slot). */
  #queue = new PacketQueue();
  #lastFlags = 0;
  /** Free slot for the owner (Godot keeps `_net_id` metadata here). */
  meta: number | null = null;

  /** @internal Created by ENetConnection; binds itself to the protocol peer. */
  constructor(peer: Peer) {
    super();
    this.#peer = peer;
    peer.data = this;
  }

  /** @internal The protocol peer, or null once disconnected. */
  get protocolPeer(): Peer | null {
    return this.#peer;
  }

  /** Godot: ENetPacketPeer::is_active. */
  isActive(): boolean {
    return this.#peer !== null;
  }

  /** Godot: ENetPacketPeer::send. Queues `packet` on `channel` with ENet packet `flags`. */
  send(channel: number, packet: Uint8Array, flags: number): ErrorCode {
    if (this.#peer === null) return ErrorCode.ERR_UNCONFIGURED;
    if (!Number.isInteger(channel) || channel < 0 || channel >= this.#peer.channels.length) return ErrorCode.ERR_INVALID_PARAMETER;
    return this.#peer.send(channel, packet, flags) ? ErrorCode.OK : ErrorCode.FAILED;
  }

  /** Godot: ENetPacketPeer::put_packet: reliable, channel 0. */
  putPacket(packet: Uint8Array): ErrorCode {
    return this.send(0, packet, PacketFlag.RELIABLE);
  }

  /** Godot: ENetPacketPeer::get_packet. */
  getPacket(): Uint8Array | ErrorCode {
    const flags = this.#queue.peekMode(0);
    const data = this.#queue.shift();
    if (data === undefined) return ErrorCode.ERR_UNAVAILABLE;
    this.#lastFlags = flags;
    return data;
  }

  getAvailablePacketCount(): number {
    return this.#queue.size;
  }

  /** Godot: 1 << 24. */
  getMaxPacketSize(): number {
    return 1 << 24;
  }

  /** Godot: ENetPacketPeer::get_packet_flags: flags of the last packet `getPacket` returned. */
  getPacketFlags(): number {
    return this.#lastFlags;
  }

  /** Godot: ENetPacketPeer::throttle_configure. */
  throttleConfigure(interval: number, acceleration: number, deceleration: number): void {
    this.#require().throttleConfigure(interval >>> 0, acceleration >>> 0, deceleration >>> 0);
  }

  /** Godot: ENetPacketPeer::set_timeout (ms; 0 = ENet default for each). */
  setTimeout(timeout: number, timeoutMin: number, timeoutMax: number): void {
    if (timeout > timeoutMin || timeoutMin > timeoutMax) {
      throw new MultiplayerError(
        ErrorCode.ERR_INVALID_PARAMETER,
        'Timeout limit must be less than minimum timeout, which itself must be less than maximum timeout',
      );
    }
    this.#require().setTimeout(timeout, timeoutMin, timeoutMax);
  }

  /** Godot: ENetPacketPeer::ping: queues a PING now. */
  ping(): void {
    this.#require().ping();
  }

  /** Godot: ENetPacketPeer::ping_interval (ms; 0 = default 500). */
  pingInterval(pingInterval: number): void {
    this.#require().setPingInterval(pingInterval);
  }

  /** Godot: ENetPacketPeer::reset: drops the connection without telling the remote. */
  reset(): void {
    const peer = this.#require();
    peer.reset();
    this.onDisconnect();
  }

  /** Godot: ENetPacketPeer::peer_disconnect. */
  peerDisconnect(data = 0): void {
    this.#require().disconnect(data >>> 0);
  }

  /** Godot: ENetPacketPeer::peer_disconnect_later. */
  peerDisconnectLater(data = 0): void {
    this.#require().disconnectLater(data >>> 0);
  }

  /** Godot: ENetPacketPeer::peer_disconnect_now: no event follows. */
  peerDisconnectNow(data = 0): void {
    this.#require().disconnectNow(data >>> 0);
    this.onDisconnect();
  }

  /** Godot: ENetPacketPeer::get_remote_address (IPv4-mapped addresses read as IPv4). */
  getRemoteAddress(): string {
    return this.#peer === null ? '' : displayAddress(this.#peer.address);
  }

  /** Godot: ENetPacketPeer::get_remote_port. */
  getRemotePort(): number {
    return this.#peer?.port ?? 0;
  }

  /** Godot: ENetPacketPeer::get_statistic. */
  getStatistic(statistic: PeerStatistic): number {
    const p = this.#peer;
    if (p === null) return 0;
    switch (statistic) {
      case PeerStatistic.PEER_PACKET_LOSS:
        return p.packetLoss;
      case PeerStatistic.PEER_PACKET_LOSS_VARIANCE:
        return p.packetLossVariance;
      case PeerStatistic.PEER_PACKET_LOSS_EPOCH:
        return p.packetLossEpoch;
      case PeerStatistic.PEER_ROUND_TRIP_TIME:
        return p.roundTripTime;
      case PeerStatistic.PEER_ROUND_TRIP_TIME_VARIANCE:
        return p.roundTripTimeVariance;
      case PeerStatistic.PEER_LAST_ROUND_TRIP_TIME:
        return p.lastRoundTripTime;
      case PeerStatistic.PEER_LAST_ROUND_TRIP_TIME_VARIANCE:
        return p.lastRoundTripTimeVariance;
      case PeerStatistic.PEER_PACKET_THROTTLE:
        return p.packetThrottle;
      case PeerStatistic.PEER_PACKET_THROTTLE_LIMIT:
        return p.packetThrottleLimit;
      case PeerStatistic.PEER_PACKET_THROTTLE_COUNTER:
        return p.packetThrottleCounter;
      case PeerStatistic.PEER_PACKET_THROTTLE_EPOCH:
        return p.packetThrottleEpoch;
      case PeerStatistic.PEER_PACKET_THROTTLE_ACCELERATION:
        return p.packetThrottleAcceleration;
      case PeerStatistic.PEER_PACKET_THROTTLE_DECELERATION:
        return p.packetThrottleDeceleration;
      case PeerStatistic.PEER_PACKET_THROTTLE_INTERVAL:
        return p.packetThrottleInterval;
      default:
        throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, `Unknown peer statistic ${statistic as number}.`);
    }
  }

  /** Godot: ENetPacketPeer::get_state. */
  getState(): ENetPeerState {
    return (this.#peer?.state ?? PeerState.DISCONNECTED) as ENetPeerState;
  }

  /** Godot: ENetPacketPeer::get_channels. */
  getChannels(): number {
    return this.#peer?.channels.length ?? 0;
  }

  /** @internal Godot: ENetPacketPeer::_queue_packet. */
  queuePacket(data: Uint8Array, flags: number): void {
    this.#queue.push(data, 0, flags);
  }

  /** @internal Godot: ENetPacketPeer::_on_disconnect: unbinds from the protocol peer. */
  onDisconnect(): void {
    if (this.#peer !== null && this.#peer.data === this) this.#peer.data = null;
    this.#peer = null;
  }

  #require(): Peer {
    if (this.#peer === null) throw new MultiplayerError(ErrorCode.ERR_UNCONFIGURED, 'Peer not connected.');
    return this.#peer;
  }
}
