import {
  ErrorCode,
  MultiplayerError,
  logFailure,
  silentLogger,
  systemClock,
  cryptoRng,
  type Clock,
  type Logger,
  type Rng,
} from '../../core/index.js';
import { bindUdpSocket, DeferredDatagramSocket, type DatagramSocket } from './datagram-socket.js';
import { ENetPacketPeer } from './enet-packet-peer.js';
import { ENetHost, HostEventType, type HostEvent } from './protocol/host.js';
import { fastlzCompressor, rangeCoderCompressor, zlibCompressor } from './protocol/compressor.js';
import { Limits, PacketFlag } from './protocol/protocol.js';
import { isIP } from 'node:net';

/** Godot: ENetConnection::CompressionMode. */
export const CompressionMode = {
  COMPRESS_NONE: 0,
  COMPRESS_RANGE_CODER: 1,
  COMPRESS_FASTLZ: 2,
  COMPRESS_ZLIB: 3,
  COMPRESS_ZSTD: 4,
} as const;
export type CompressionMode = (typeof CompressionMode)[keyof typeof CompressionMode];

/** Godot: ENetConnection::EventType. */
export const EventType = { EVENT_ERROR: -1, EVENT_NONE: 0, EVENT_CONNECT: 1, EVENT_DISCONNECT: 2, EVENT_RECEIVE: 3 } as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

/** Godot: ENetConnection::HostStatistic. */
export const HostStatistic = {
  HOST_TOTAL_SENT_DATA: 0,
  HOST_TOTAL_SENT_PACKETS: 1,
  HOST_TOTAL_RECEIVED_DATA: 2,
  HOST_TOTAL_RECEIVED_PACKETS: 3,
} as const;
export type HostStatistic = (typeof HostStatistic)[keyof typeof HostStatistic];

/** One event with its packet (Godot's C++ ENetConnection::Event). */
export interface ENetEvent {
  readonly type: EventType;
  readonly peer: ENetPacketPeer | null;
  readonly data: number;
  readonly channel: number;
  readonly packet: Uint8Array | null;
  /** ENet packet flags of a RECEIVE. */
  readonly flags: number;
}

/** What `ENetConnection.service()` returns: Godot's `[type, peer, data, channel]` array. */
export type ServiceResult = [type: EventType, peer: ENetPacketPeer | null, data: number, channel: number];

/** Services an ENetConnection uses; all optional. */
export interface ENetConnectionOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly rng?: Rng;
}

const NO_EVENT: ENetEvent = { type: EventType.EVENT_NONE, peer: null, data: 0, channel: 0, packet: null, flags: 0 };

/** Godot: ENetConnection (modules/enet/enet_connection.h): an ENet host and its peers. */
export class ENetConnection {
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #rng: Rng;
  #host: ENetHost | null = null;
  #creating = false;
  #peers: ENetPacketPeer[] = [];

  constructor(options: ENetConnectionOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger ?? silentLogger;
    this.#rng = options.rng ?? cryptoRng;
  }

  /** @internal The protocol host (null before creation or after destroy). */
  get host(): ENetHost | null {
    return this.#host;
  }

  /**
   * Godot: ENetConnection::create_host_bound. `bindAddress` '*' is the dual-stack wildcard.
   * Divergence from Godot: async, because node:dgram binds asynchronously.
   */
  async createHostBound(
    bindAddress: string,
    bindPort: number,
    maxPeers = 32,
    maxChannels = 0,
    inBandwidth = 0,
    outBandwidth = 0,
  ): Promise<ErrorCode> {
    if (bindAddress !== '*' && isIP(bindAddress) === 0)
      return logFailure(this.#log, 'ENet', ErrorCode.ERR_INVALID_PARAMETER, 'Invalid bind IP.');
    if (!Number.isInteger(bindPort) || bindPort < 0 || bindPort > 65535) {
      return logFailure(
        this.#log,
        'ENet',
        ErrorCode.ERR_INVALID_PARAMETER,
        'The local port number must be between 0 and 65535 (inclusive).',
      );
    }
    const invalid = this.#check(maxPeers, maxChannels, inBandwidth, outBandwidth);
    if (invalid !== ErrorCode.OK) return invalid;
    this.#creating = true;
    const socket = await bindUdpSocket({ address: bindAddress, port: bindPort });
    this.#creating = false;
    if (socket === null) return logFailure(this.#log, 'ENet', ErrorCode.ERR_CANT_CREATE, "Couldn't create an ENet host.");
    return this.createHostOnSocket(socket, maxPeers, maxChannels, inBandwidth, outBandwidth);
  }

  /**
   * Godot: ENetConnection::create_host: an unbound host (any address, port 0). Synchronous as in
   * Godot: the socket binds in the background and early datagrams wait for it.
   */
  createHost(maxPeers = 32, maxChannels = 0, inBandwidth = 0, outBandwidth = 0): ErrorCode {
    return this.createHostDeferred('*', 0, maxPeers, maxChannels, inBandwidth, outBandwidth);
  }

  /**
   * Not in Godot: a host whose socket binds `bindAddress:bindPort` in the background (synchronous
   * start; a failed bind shows as `bindFailed()`). Used by ENetMultiplayerPeer.createClient.
   */
  createHostDeferred(bindAddress: string, bindPort: number, maxPeers = 32, maxChannels = 0, inBandwidth = 0, outBandwidth = 0): ErrorCode {
    const invalid = this.#check(maxPeers, maxChannels, inBandwidth, outBandwidth);
    if (invalid !== ErrorCode.OK) return invalid;
    const socket = new DeferredDatagramSocket(bindUdpSocket({ address: bindAddress, port: bindPort }));
    return this.createHostOnSocket(socket, maxPeers, maxChannels, inBandwidth, outBandwidth);
  }

  /** Not in Godot: true when the socket of a deferred host failed to bind. */
  bindFailed(): boolean {
    const socket = this.#host?.socket;
    return socket instanceof DeferredDatagramSocket && socket.failed;
  }

  /** Not in Godot: a host on a given socket (for example a `MemoryNetwork` socket in tests). */
  createHostOnSocket(socket: DatagramSocket, maxPeers = 32, maxChannels = 0, inBandwidth = 0, outBandwidth = 0): ErrorCode {
    const invalid = this.#check(maxPeers, maxChannels, inBandwidth, outBandwidth);
    if (invalid !== ErrorCode.OK) {
      socket.close();
      return invalid;
    }
    this.#host = new ENetHost(socket, {
      peerCount: maxPeers,
      channelLimit: maxChannels,
      incomingBandwidth: inBandwidth,
      outgoingBandwidth: outBandwidth,
      clock: this.#clock,
      rng: this.#rng,
      logger: this.#log,
    });
    return ErrorCode.OK;
  }

  #check(maxPeers: number, maxChannels: number, inBandwidth: number, outBandwidth: number): ErrorCode {
    if (this.#host !== null || this.#creating)
      return logFailure(this.#log, 'ENet', ErrorCode.ERR_ALREADY_IN_USE, 'The ENetConnection instance is already active.');
    if (!(maxPeers >= 1 && maxPeers <= Limits.MAXIMUM_PEER_ID)) {
      return logFailure(
        this.#log,
        'ENet',
        ErrorCode.ERR_INVALID_PARAMETER,
        'The number of clients must be set between 1 and 4095 (inclusive).',
      );
    }
    if (!(maxChannels >= 0 && maxChannels <= Limits.MAXIMUM_CHANNEL_COUNT)) {
      return logFailure(this.#log, 'ENet', ErrorCode.ERR_INVALID_PARAMETER, 'Invalid channel count. Must be between 0 and 255.');
    }
    if (!(inBandwidth >= 0) || !(outBandwidth >= 0)) {
      return logFailure(
        this.#log,
        'ENet',
        ErrorCode.ERR_INVALID_PARAMETER,
        'The bandwidth limit must be greater than or equal to 0 (0 disables the limit).',
      );
    }
    return ErrorCode.OK;
  }

  /** Godot: ENetConnection::destroy: resets every peer silently and closes the socket. */
  destroy(): void {
    const host = this.#requireHost();
    for (const p of this.#peers) p.onDisconnect();
    this.#peers = [];
    host.destroy();
    this.#host = null;
  }

  /**
   * Godot: ENetConnection::connect_to_host (`channelCount` 0 = 255). Returns the new peer, or null.
   * Divergence from Godot: no DNS lookup; `address` must be an IP literal or "localhost".
   */
  connectToHost(address: string, port: number, channelCount = 0, data = 0): ENetPacketPeer | null {
    const host = this.#host;
    const ip = address === 'localhost' ? '127.0.0.1' : address;
    const problem =
      host === null
        ? "The ENetConnection instance isn't currently active."
        : !(channelCount >= 0 && channelCount <= Limits.MAXIMUM_CHANNEL_COUNT)
          ? 'Invalid channel count.'
          : isIP(ip) === 0 || !(port >= 1 && port <= 65535)
            ? "Couldn't resolve the server IP address or domain name."
            : null;
    const peer =
      host === null || problem !== null
        ? null
        : host.connect(ip, port, channelCount > 0 ? channelCount : Limits.MAXIMUM_CHANNEL_COUNT, data >>> 0);
    if (peer === null) {
      logFailure(this.#log, 'ENet', ErrorCode.ERR_CANT_CONNECT, problem ?? "Couldn't connect to the ENet multiplayer server.");
      return null;
    }
    const wrapper = new ENetPacketPeer(peer);
    this.#peers.push(wrapper);
    return wrapper;
  }

  /**
   * Godot: ENetConnection::service (the scripting form): `[type, peer, data, channel]`; a received
   * packet is queued on `peer` (read it with `peer.getPacket()`).
   * Divergence from Godot: never blocks; `timeout` is accepted and ignored (call it from your loop).
   */
  service(_timeout = 0): ServiceResult {
    const e = this.serviceEvent();
    if (e.packet !== null && e.peer !== null) e.peer.queuePacket(e.packet, e.flags);
    return [e.type, e.peer, e.data, e.channel];
  }

  /** Godot's C++ `ENetConnection::service(timeout, Event&)`: the next event with its packet. */
  serviceEvent(): ENetEvent {
    const host = this.#host;
    if (host === null) {
      logFailure(this.#log, 'ENet', ErrorCode.ERR_UNCONFIGURED, "The ENetConnection instance isn't currently active.");
      return { ...NO_EVENT, type: EventType.EVENT_ERROR };
    }
    const e = host.service();
    return e === null ? NO_EVENT : this.#parseEvent(e);
  }

  /** Godot: ENetConnection::check_events: an already queued event, without I/O. */
  checkEvents(): ENetEvent {
    const e = this.#host?.checkEvents() ?? null;
    return e === null ? NO_EVENT : this.#parseEvent(e);
  }

  /** Godot: ENetConnection::_parse_event. */
  #parseEvent(e: HostEvent): ENetEvent {
    const bound = e.peer.data instanceof ENetPacketPeer && e.peer.data.protocolPeer === e.peer ? e.peer.data : null;
    switch (e.type) {
      case HostEventType.CONNECT: {
        let wrapper = bound;
        if (wrapper === null) {
          wrapper = new ENetPacketPeer(e.peer);
          this.#peers.push(wrapper);
        }
        return { type: EventType.EVENT_CONNECT, peer: wrapper, data: e.data, channel: 0, packet: null, flags: 0 };
      }
      case HostEventType.DISCONNECT: {
        if (bound === null) return { ...NO_EVENT, type: EventType.EVENT_ERROR };
        bound.onDisconnect();
        this.#peers = this.#peers.filter((p) => p !== bound);
        return { type: EventType.EVENT_DISCONNECT, peer: bound, data: e.data, channel: 0, packet: null, flags: 0 };
      }
      default:
        if (bound === null) return { ...NO_EVENT, type: EventType.EVENT_ERROR };
        return { type: EventType.EVENT_RECEIVE, peer: bound, data: 0, channel: e.channelID, packet: e.packet, flags: e.flags };
    }
  }

  /** Godot: ENetConnection::flush. */
  flush(): void {
    this.#requireHost().flush();
  }

  /** Godot: ENetConnection::bandwidth_limit (bytes/s, 0 = unlimited). */
  bandwidthLimit(inBandwidth = 0, outBandwidth = 0): void {
    this.#requireHost().setBandwidthLimit(inBandwidth, outBandwidth);
  }

  /** Godot: ENetConnection::channel_limit (0 = 255). */
  channelLimit(limit: number): void {
    this.#requireHost().setChannelLimit(limit);
  }

  /** Godot: ENetConnection::broadcast. */
  broadcast(channel: number, packet: Uint8Array, flags: number): void {
    this.#requireHost().broadcast(channel, packet, flags);
  }

  /**
   * Godot: ENetConnection::compress. Both ends must choose the same mode (the COMPRESSED header bit
   * does not say which). COMPRESS_RANGE_CODER is ENet's own coder (bit-exact with libenet);
   * COMPRESS_FASTLZ and COMPRESS_ZLIB are Godot's `Compression` formats placed after the ENet header
   * (FastLZ level 1 with bodies under 16 bytes zero-padded; zlib-wrapped deflate), see
   * protocol/compressor.ts. COMPRESS_ZSTD throws ERR_UNAVAILABLE (Node 20's node:zlib has no zstd).
   */
  compress(mode: CompressionMode): void {
    const host = this.#requireHost();
    switch (mode) {
      case CompressionMode.COMPRESS_NONE:
        host.compressor = null;
        return;
      case CompressionMode.COMPRESS_RANGE_CODER:
        host.compressor = rangeCoderCompressor;
        return;
      case CompressionMode.COMPRESS_FASTLZ:
        host.compressor = fastlzCompressor;
        return;
      case CompressionMode.COMPRESS_ZLIB:
        host.compressor = zlibCompressor();
        return;
      case CompressionMode.COMPRESS_ZSTD:
        // Divergence from Godot: no zstd in Node 20 (zlib.zstdCompressSync is missing).
        throw new MultiplayerError(ErrorCode.ERR_UNAVAILABLE, 'COMPRESS_ZSTD is not available: this Node.js has no zstd in node:zlib.');
      default:
        throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, `Unknown compression mode ${mode as number}.`);
    }
  }

  /** Not in Godot (which never sets ENet's checksum): CRC32 on every datagram, as `host->checksum = enet_crc32`. */
  enableChecksum(enabled: boolean): void {
    this.#requireHost().checksum = enabled;
  }

  /** Godot: ENetConnection::dtls_server_setup. DTLS is not implemented: ERR_UNAVAILABLE. */
  dtlsServerSetup(_options?: unknown): ErrorCode {
    return logFailure(this.#log, 'ENet', ErrorCode.ERR_UNAVAILABLE, 'DTLS is not available in this ENet implementation.');
  }

  /** Godot: ENetConnection::dtls_client_setup. DTLS is not implemented: ERR_UNAVAILABLE. */
  dtlsClientSetup(_hostname?: string, _options?: unknown): ErrorCode {
    return logFailure(this.#log, 'ENet', ErrorCode.ERR_UNAVAILABLE, 'DTLS is not available in this ENet implementation.');
  }

  /** Godot: ENetConnection::refuse_new_connections. */
  refuseNewConnections(refuse: boolean): void {
    this.#requireHost().refuseNewConnections = refuse;
  }

  /** Godot: ENetConnection::pop_statistic: returns a host counter and resets it. */
  popStatistic(statistic: HostStatistic): number {
    const host = this.#requireHost();
    let value: number;
    switch (statistic) {
      case HostStatistic.HOST_TOTAL_SENT_DATA:
        value = host.totalSentData;
        host.totalSentData = 0;
        break;
      case HostStatistic.HOST_TOTAL_SENT_PACKETS:
        value = host.totalSentPackets;
        host.totalSentPackets = 0;
        break;
      case HostStatistic.HOST_TOTAL_RECEIVED_DATA:
        value = host.totalReceivedData;
        host.totalReceivedData = 0;
        break;
      case HostStatistic.HOST_TOTAL_RECEIVED_PACKETS:
        value = host.totalReceivedPackets;
        host.totalReceivedPackets = 0;
        break;
      default:
        throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, `Unknown host statistic ${statistic as number}.`);
    }
    return value;
  }

  /** Godot: ENetConnection::get_max_channels. */
  getMaxChannels(): number {
    return this.#requireHost().channelLimit;
  }

  /** Godot: ENetConnection::get_local_port (0 while an unbound host is still binding). */
  getLocalPort(): number {
    return this.#requireHost().socket.port;
  }

  /** Godot: ENetConnection::get_peers. */
  getPeers(): ENetPacketPeer[] {
    return [...this.#peers];
  }

  /** Godot: ENetConnection::socket_send: a raw datagram outside ENet (for NAT punch-through). */
  socketSend(destinationAddress: string, destinationPort: number, packet: Uint8Array): void {
    this.#requireHost().socket.send(packet.slice(), destinationAddress, destinationPort);
  }

  #requireHost(): ENetHost {
    if (this.#host === null) throw new MultiplayerError(ErrorCode.ERR_UNCONFIGURED, "The ENetConnection instance isn't currently active.");
    return this.#host;
  }
}

/** Godot's ENetPacketPeer flag constants, re-exported for `send`/`broadcast`. */
export const ENetPacketFlag = {
  FLAG_RELIABLE: PacketFlag.RELIABLE,
  FLAG_UNSEQUENCED: PacketFlag.UNSEQUENCED,
  FLAG_UNRELIABLE_FRAGMENT: PacketFlag.UNRELIABLE_FRAGMENT,
} as const;
