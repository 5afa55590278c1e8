/**
 * An ENet host (ENetHost): peer slots over one datagram socket, serviced from the caller's loop.
 * The socket callback only queues datagrams; all protocol work happens in `service()` / `flush()`.
 */
import { silentLogger, systemClock, cryptoRng, type Clock, type Logger, type Rng } from '../../../core/index.js';
import type { DatagramSocket } from '../datagram-socket.js';
import { CommandQueue } from './command-queue.js';
import type { Compressor } from './compressor.js';
import { encodeConnect } from './commands.js';
import { receiveDatagram } from './host-receive.js';
import { sendOutgoingCommands } from './host-send.js';
import { Peer } from './peer.js';
import { clamp, Command, Defaults, FLAG_ACKNOWLEDGE, Limits, PeerState, timeDifference, windowForBandwidth } from './protocol.js';
import { bandwidthThrottle } from './throttle.js';

/** Event types, Godot's ENetConnection::EventType numbers. */
export const HostEventType = { ERROR: -1, NONE: 0, CONNECT: 1, DISCONNECT: 2, RECEIVE: 3 } as const;
export type HostEventType = (typeof HostEventType)[keyof typeof HostEventType];

/** One event from `service()` (ENetEvent). */
export interface HostEvent {
  readonly type: HostEventType;
  readonly peer: Peer;
  /** CONNECT/DISCONNECT user data (u32). */
  readonly data: number;
  readonly channelID: number;
  readonly packet: Uint8Array | null;
  /** Packet flags of a RECEIVE (RELIABLE, UNSEQUENCED, UNRELIABLE_FRAGMENT or 0). */
  readonly flags: number;
}

/** Options of an ENet host (enet_host_create arguments plus injected services). */
export interface HostOptions {
  /** Peer slots, 1 … 4095 (default 32). */
  readonly peerCount?: number;
  /** Channel limit for incoming connections, 0 = 255. */
  readonly channelLimit?: number;
  /** Incoming bandwidth in bytes/s, 0 = unlimited. */
  readonly incomingBandwidth?: number;
  /** Outgoing bandwidth in bytes/s, 0 = unlimited. */
  readonly outgoingBandwidth?: number;
  readonly mtu?: number;
  readonly clock?: Clock;
  readonly rng?: Rng;
  readonly logger?: Logger;
}

/** A count of CONNECTs from one source. */
export interface ConnectCounter {
  connects: number;
}

/** The CONNECT counters of one source: its address and port, and its address alone. */
export interface ConnectSource {
  readonly endpoint: ConnectCounter;
  readonly address: ConnectCounter;
}

/** CONNECT counts are forgotten after this long, or when this many sources were counted. */
const CONNECT_COUNT_EPOCH_MS = 10_000;
const CONNECT_COUNT_SOURCES = 4096;

/** Upper bound of datagrams processed per service call, so a flood cannot stall the caller. */
const MAX_DATAGRAMS_PER_SERVICE = 4096;

/** Godot: ENetHost (thirdparty/enet/enet.h, host.c). */
export class ENetHost {
  readonly socket: DatagramSocket;
  readonly peers: Peer[] = [];
  readonly clock: Clock;
  readonly rng: Rng;
  readonly log: Logger;
  mtu: number;
  channelLimit: number;
  incomingBandwidth: number;
  outgoingBandwidth: number;
  bandwidthThrottleEpoch = 0;
  recalculateBandwidthLimits = false;
  maximumPacketSize: number = Defaults.HOST_MAXIMUM_PACKET_SIZE;
  maximumWaitingData: number = Defaults.HOST_MAXIMUM_WAITING_DATA;
  duplicatePeers: number = Limits.MAXIMUM_PEER_ID;
  /** CRC32 checksums on every datagram (enet_crc32). Both ends must agree. */
  checksum = false;
  /** Datagram-body compressor (range coder, FastLZ, zlib) or null. Both ends must use the same one. */
  compressor: Compressor | null = null;
  /** COMPRESSED datagrams dropped because they did not decompress (the first one is logged). */
  decompressFailures = 0;
  /**
   * Fragment bytes held for packets still being reassembled, over all peers, and its limit: a
   * fragment that would go past it is refused (not acknowledged, so an honest sender retransmits
   * it once others completed). Divergence from ENet, which has no such total.
   */
  reassemblyBytes = 0;
  maximumReassemblyData: number = Defaults.HOST_MAXIMUM_REASSEMBLY_DATA;
  /** Fragments refused by `maximumReassemblyData` (the first one is logged). */
  reassemblyRefusals = 0;
  /** Set when a connect or disconnect became pending while receiving (ends the receive pass). */
  urgentEvent = false;
  /** Refuse new CONNECTs (Godot's fork: enet_host_refuse_new_connections). */
  refuseNewConnections = false;
  serviceTime = 0;
  connectedPeers = 0;
  bandwidthLimitedPeers = 0;
  totalSentData = 0;
  totalSentPackets = 0;
  totalReceivedData = 0;
  totalReceivedPackets = 0;
  /** Where datagrams are assembled; reused for every datagram unless the socket kept the last one. */
  sendBuffer = new Uint8Array(Limits.MAXIMUM_MTU * 2);
  sendView = new DataView(this.sendBuffer.buffer);
  /** Peers with events to hand out, in order (a FIFO: `Array#shift` would make a long drain quadratic). */
  #dispatchQueue = new CommandQueue<Peer>();
  #connectCounts = new Map<string, ConnectCounter>();
  #connectCountEpoch = 0;
  /** Datagrams queued by the socket callback, in parallel arrays (no object per datagram). */
  #receivedData: Uint8Array[] = [];
  #receivedAddress: string[] = [];
  #receivedPort: number[] = [];
  #destroyed = false;

  constructor(socket: DatagramSocket, options: HostOptions = {}) {
    this.socket = socket;
    this.clock = options.clock ?? systemClock;
    this.rng = options.rng ?? cryptoRng;
    this.log = options.logger ?? silentLogger;
    this.mtu = options.mtu ?? Defaults.HOST_MTU;
    this.channelLimit = normalizeChannelLimit(options.channelLimit ?? 0);
    this.incomingBandwidth = options.incomingBandwidth ?? 0;
    this.outgoingBandwidth = options.outgoingBandwidth ?? 0;
    const peerCount = clamp(options.peerCount ?? 32, 1, Limits.MAXIMUM_PEER_ID);
    for (let i = 0; i < peerCount; i++) this.peers.push(new Peer(this, i));
    this.serviceTime = this.#now();
    socket.setReceiver((data, address, port) => {
      this.#receivedData.push(data);
      this.#receivedAddress.push(address);
      this.#receivedPort.push(port);
    });
  }

  /** Hands `sendBuffer[start, end)` to the socket; takes a new buffer if the socket kept that one. */
  sendDatagram(start: number, end: number, address: string, port: number): void {
    if (this.socket.send(this.sendBuffer.subarray(start, end), address, port) !== false) {
      this.sendBuffer = new Uint8Array(Limits.MAXIMUM_MTU * 2);
      this.sendView = new DataView(this.sendBuffer.buffer);
    }
  }

  /** Whether `destroy()` was called. */
  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** Starts a connection; returns the peer, or null when no slot is free. Godot: enet_host_connect. */
  connect(address: string, port: number, channelCount: number, data = 0): Peer | null {
    const peer = this.peers.find((p) => p.state === PeerState.DISCONNECTED);
    if (peer === undefined || this.#destroyed) return null;
    const count = clamp(channelCount, Limits.MINIMUM_CHANNEL_COUNT, Limits.MAXIMUM_CHANNEL_COUNT);
    peer.setupChannels(count);
    peer.state = PeerState.CONNECTING;
    peer.address = address;
    peer.port = port;
    peer.connectID = this.rng.nextUint32();
    peer.mtu = this.mtu;
    peer.windowSize = windowForBandwidth(this.outgoingBandwidth);
    const header = encodeConnect(Command.CONNECT | FLAG_ACKNOWLEDGE, {
      outgoingPeerID: peer.incomingPeerID,
      incomingSessionID: peer.incomingSessionID,
      outgoingSessionID: peer.outgoingSessionID,
      mtu: peer.mtu,
      windowSize: peer.windowSize,
      channelCount: count,
      incomingBandwidth: this.incomingBandwidth,
      outgoingBandwidth: this.outgoingBandwidth,
      packetThrottleInterval: peer.packetThrottleInterval,
      packetThrottleAcceleration: peer.packetThrottleAcceleration,
      packetThrottleDeceleration: peer.packetThrottleDeceleration,
      connectID: peer.connectID,
      data,
    });
    peer.queueOutgoingCommand(Command.CONNECT | FLAG_ACKNOWLEDGE, 0xff, header, null, 0, 0);
    return peer;
  }

  /**
   * Processes queued datagrams, sends what is due and returns the next event, or null.
   * Godot: enet_host_service (thirdparty/enet/protocol.c), never blocking.
   */
  service(): HostEvent | null {
    if (this.#destroyed) return null;
    const pending = this.checkEvents();
    if (pending !== null) return pending;
    this.serviceTime = this.#now();
    if (timeDifference(this.serviceTime, this.bandwidthThrottleEpoch) >= Defaults.HOST_BANDWIDTH_THROTTLE_INTERVAL) {
      bandwidthThrottle(this);
    }
    sendOutgoingCommands(this, true);
    this.urgentEvent = false;
    this.#receiveIncoming();
    // Like enet_host_service, a connect or disconnect is returned before the second send, so that
    // what the application queues in response shares a datagram with the acknowledgements.
    if (!this.urgentEvent) sendOutgoingCommands(this, true);
    return this.checkEvents();
  }

  /** Returns an already queued event without doing I/O. Godot: enet_host_check_events. */
  checkEvents(): HostEvent | null {
    while (this.#dispatchQueue.length > 0) {
      const peer = this.#dispatchQueue.shift()!;
      peer.needsDispatch = false;
      if (peer.pendingConnectEvent) {
        peer.pendingConnectEvent = false;
        if (peer.dispatchedCommands.size > 0 || peer.state === PeerState.ZOMBIE) this.queueDispatch(peer);
        return { type: HostEventType.CONNECT, peer, data: peer.eventData, channelID: 0, packet: null, flags: 0 };
      }
      if (peer.state === PeerState.ZOMBIE) {
        this.recalculateBandwidthLimits = true;
        const event = { type: HostEventType.DISCONNECT, peer, data: peer.eventData, channelID: 0, packet: null, flags: 0 };
        peer.reset();
        return event;
      }
      const queue = peer.dispatchedCommands;
      const channelID = queue.peekChannel(0);
      const flags = queue.peekMode(0);
      const packet = queue.shift();
      if (packet === undefined) continue;
      peer.totalWaitingData = Math.max(0, peer.totalWaitingData - packet.length);
      if (queue.size > 0) this.queueDispatch(peer);
      return { type: HostEventType.RECEIVE, peer, data: 0, channelID, packet, flags };
    }
    return null;
  }

  /** Half-open handshakes whose slot went to a newer CONNECT while the host was full (the first one is logged). */
  evictedHandshakes = 0;

  /**
   * Counts a CONNECT from `address:port` (it is being accepted) and returns its source's counters.
   * The counts cover the last 10 s at most and 4,096 sources (then start over), so they stay small.
   */
  countConnect(address: string, port: number): ConnectSource {
    if (
      timeDifference(this.serviceTime, this.#connectCountEpoch) >= CONNECT_COUNT_EPOCH_MS ||
      this.#connectCounts.size >= CONNECT_COUNT_SOURCES
    ) {
      this.#connectCounts.clear();
      this.#connectCountEpoch = this.serviceTime;
    }
    const endpoint = this.#counter(`${port}/${address}`);
    const byAddress = this.#counter(address);
    endpoint.connects++;
    byAddress.connects++;
    return { endpoint, address: byAddress };
  }

  #counter(key: string): ConnectCounter {
    let c = this.#connectCounts.get(key);
    if (c === undefined) this.#connectCounts.set(key, (c = { connects: 0 }));
    return c;
  }

  /** Counts a half-open handshake evicted by a newer CONNECT; logs the first. */
  noteHandshakeEvicted(peer: Peer): void {
    if (this.evictedHandshakes++ === 0) {
      this.log.warn(
        `ENet: all ${this.peers.length} slots are taken; an unfinished handshake (${peer.address}:${peer.port}, the source with the most recent CONNECTs) ` +
          'gave its slot to a newer CONNECT (a CONNECT flood? further evictions are only counted).',
      );
    }
  }

  /** Counts a fragment refused by `maximumReassemblyData`; logs the first. */
  noteReassemblyRefused(peer: Peer): void {
    if (this.reassemblyRefusals++ === 0) {
      this.log.warn(
        `ENet: refused a fragment from ${peer.address}:${peer.port}: ${this.reassemblyBytes} bytes of ` +
          `fragments are already waiting for reassembly (maximumReassemblyData ${this.maximumReassemblyData}; further refusals are only counted).`,
      );
    }
  }

  /** Sends everything queued now. Godot: enet_host_flush. */
  flush(): void {
    if (this.#destroyed) return;
    this.serviceTime = this.#now();
    sendOutgoingCommands(this, false);
  }

  /** Queues `data` to every connected peer. Godot: enet_host_broadcast. */
  broadcast(channelID: number, data: Uint8Array, flags: number): void {
    for (const peer of this.peers) if (peer.state === PeerState.CONNECTED) peer.send(channelID, data, flags);
  }

  /** Godot: enet_host_channel_limit (0 = maximum). */
  setChannelLimit(limit: number): void {
    this.channelLimit = normalizeChannelLimit(limit);
  }

  /** Godot: enet_host_bandwidth_limit. */
  setBandwidthLimit(incoming: number, outgoing: number): void {
    this.incomingBandwidth = incoming >>> 0;
    this.outgoingBandwidth = outgoing >>> 0;
    this.recalculateBandwidthLimits = true;
  }

  /** Resets every peer silently and closes the socket. Godot: enet_host_destroy. */
  destroy(): void {
    if (this.#destroyed) return;
    for (const peer of this.peers) if (peer.state !== PeerState.DISCONNECTED) peer.reset();
    this.#destroyed = true;
    this.#dropReceived(this.#receivedData.length);
    this.socket.setReceiver(null);
    this.socket.close();
  }

  /** Godot: enet_protocol_change_state. */
  changeState(peer: Peer, state: PeerState): void {
    const wasConnected = peer.state === PeerState.CONNECTED || peer.state === PeerState.DISCONNECT_LATER;
    const isConnected = state === PeerState.CONNECTED || state === PeerState.DISCONNECT_LATER;
    if (isConnected && !wasConnected) {
      if (peer.incomingBandwidth !== 0) this.bandwidthLimitedPeers++;
      this.connectedPeers++;
    } else if (!isConnected && wasConnected) {
      if (peer.incomingBandwidth !== 0) this.bandwidthLimitedPeers--;
      this.connectedPeers--;
    }
    peer.state = state;
  }

  /** Godot: enet_protocol_dispatch_state. */
  dispatchState(peer: Peer, state: PeerState): void {
    if (state === PeerState.ZOMBIE) this.urgentEvent = true;
    this.changeState(peer, state);
    this.queueDispatch(peer);
  }

  /** Schedules `peer` for event dispatch. */
  queueDispatch(peer: Peer): void {
    if (peer.needsDispatch) return;
    peer.needsDispatch = true;
    this.#dispatchQueue.push(peer);
  }

  /** Removes `peer` from the dispatch schedule. */
  unqueueDispatch(peer: Peer): void {
    if (!peer.needsDispatch) return;
    peer.needsDispatch = false;
    const queue = this.#dispatchQueue;
    for (let i = 0; i < queue.length; i++) {
      if (queue.at(i) === peer) {
        queue.removeAt(i);
        return;
      }
    }
  }

  #receiveIncoming(): void {
    const datagrams = this.#receivedData;
    const n = Math.min(datagrams.length, MAX_DATAGRAMS_PER_SERVICE);
    let i = 0;
    while (i < n) {
      const data = datagrams[i]!;
      const address = this.#receivedAddress[i]!;
      const port = this.#receivedPort[i++]!;
      this.totalReceivedData += data.length;
      this.totalReceivedPackets++;
      if (data.length > Limits.MAXIMUM_MTU) continue;
      try {
        receiveDatagram(this, data, address, port);
      } catch (err) {
        // A decoder bug must not take the host down; the datagram is dropped.
        this.log.error('ENet: dropped a datagram that broke the decoder.', err);
      }
      if (this.urgentEvent) break;
    }
    this.#dropReceived(i);
  }

  /** Forgets the first `n` queued datagrams. */
  #dropReceived(n: number): void {
    if (n === this.#receivedData.length) {
      // The usual case: everything was processed; the arrays keep their storage.
      this.#receivedData.length = 0;
      this.#receivedAddress.length = 0;
      this.#receivedPort.length = 0;
    } else if (n > 0) {
      this.#receivedData.splice(0, n);
      this.#receivedAddress.splice(0, n);
      this.#receivedPort.splice(0, n);
    }
  }

  #now(): number {
    return Math.floor(this.clock.nowMs()) >>> 0;
  }
}

function normalizeChannelLimit(limit: number): number {
  return !limit || limit > Limits.MAXIMUM_CHANNEL_COUNT ? Limits.MAXIMUM_CHANNEL_COUNT : Math.max(limit, Limits.MINIMUM_CHANNEL_COUNT);
}
