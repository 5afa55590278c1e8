/**
 * One connection slot of a host (ENetPeer): state, sequencing, queues and the sending half of the
 * protocol (docs/wire/enet.md §6, §9–§12, §14–§18). The receiving half lives in host-receive.ts.
 */
import { PacketQueue } from '../../../core/index.js';
import { Channel, windowsAhead, type OutgoingCommand } from './channel.js';
import { CommandQueue } from './command-queue.js';
import { encodeU32Body } from './commands.js';
import { releaseReassemblies } from './incoming.js';
import { Command, COMMAND_SIZES, Defaults, FLAG_ACKNOWLEDGE, FLAG_UNSEQUENCED, Limits, PacketFlag, PeerState } from './protocol.js';
import type { ConnectSource, ENetHost } from './host.js';

/** Numbers stored per acknowledgement in `Peer.acknowledgements`. */
export const ACK_FIELDS = 4;

/** A host slot and its connection (Godot: ENetPeer in thirdparty/enet/enet.h). */
export class Peer {
  // Protocol state is plain public fields, like the C struct it mirrors: host-send.ts and
  // host-receive.ts operate on it directly. Applications use ENetPacketPeer instead.
  state: PeerState = PeerState.DISCONNECTED;
  outgoingPeerID: number = Limits.MAXIMUM_PEER_ID;
  incomingSessionID = 0xff;
  outgoingSessionID = 0xff;
  connectID = 0;
  /** Host service time at which this slot accepted a CONNECT (orders half-open handshakes for eviction). */
  handshakeStartTime = 0;
  /** CONNECT counts of the source of this slot's last accepted CONNECT (ranks half-open handshakes for eviction). */
  handshakeSource: ConnectSource | null = null;
  address = '';
  port = 0;
  channels: Channel[] = [];
  incomingBandwidth = 0;
  outgoingBandwidth = 0;
  incomingBandwidthThrottleEpoch = 0;
  outgoingBandwidthThrottleEpoch = 0;
  incomingDataTotal = 0;
  outgoingDataTotal = 0;
  lastSendTime = 0;
  lastReceiveTime = 0;
  nextTimeout = 0;
  earliestTimeout = 0;
  packetLossEpoch = 0;
  packetsSent = 0;
  packetsLost = 0;
  packetLoss = 0;
  packetLossVariance = 0;
  packetThrottle: number = Defaults.PEER_PACKET_THROTTLE;
  packetThrottleLimit: number = Defaults.PACKET_THROTTLE_SCALE;
  packetThrottleCounter = 0;
  packetThrottleEpoch = 0;
  packetThrottleAcceleration: number = Defaults.PACKET_THROTTLE_ACCELERATION;
  packetThrottleDeceleration: number = Defaults.PACKET_THROTTLE_DECELERATION;
  packetThrottleInterval: number = Defaults.PACKET_THROTTLE_INTERVAL;
  pingInterval: number = Defaults.PING_INTERVAL;
  timeoutLimit: number = Defaults.TIMEOUT_LIMIT;
  timeoutMinimum: number = Defaults.TIMEOUT_MINIMUM;
  timeoutMaximum: number = Defaults.TIMEOUT_MAXIMUM;
  lastRoundTripTime: number = Defaults.PEER_ROUND_TRIP_TIME;
  lowestRoundTripTime: number = Defaults.PEER_ROUND_TRIP_TIME;
  lastRoundTripTimeVariance = 0;
  highestRoundTripTimeVariance = 0;
  roundTripTime: number = Defaults.PEER_ROUND_TRIP_TIME;
  roundTripTimeVariance = 0;
  mtu: number;
  windowSize: number = Limits.MAXIMUM_WINDOW_SIZE;
  reliableDataInTransit = 0;
  outgoingReliableSequenceNumber = 0;
  /**
   * Acknowledgements waiting to be sent, `ACK_FIELDS` numbers each: channel id, reliable sequence
   * number, sent time, command number (flat, so queueing one allocates nothing).
   */
  acknowledgements: number[] = [];
  /** Reliable commands sent and not yet acknowledged, oldest first. */
  readonly sentReliableCommands = new CommandQueue<OutgoingCommand>();
  readonly outgoingCommands = new CommandQueue<OutgoingCommand>();
  /** Queued commands that are not reliable data (so the window rules never hold them back). */
  outgoingOther = 0;
  /** Packets ready for the application: payload, flags (as the mode) and channel (core's queue). */
  readonly dispatchedCommands = new PacketQueue();
  needsDispatch = false;
  /** A CONNECT event is owed to the application (delivered before any packet of this peer). */
  pendingConnectEvent = false;
  incomingUnsequencedGroup = 0;
  outgoingUnsequencedGroup = 0;
  readonly unsequencedWindow = new Uint32Array(Defaults.UNSEQUENCED_WINDOW_SIZE / 32);
  eventData = 0;
  totalWaitingData = 0;
  /** Application data slot (Godot keeps its ENetPacketPeer wrapper here). */
  data: unknown = null;

  constructor(
    readonly host: ENetHost,
    readonly incomingPeerID: number,
  ) {
    this.mtu = host.mtu;
  }

  /** Creates `count` fresh channels. */
  setupChannels(count: number): void {
    this.channels = [];
    for (let i = 0; i < count; i++) this.channels.push(new Channel(i));
  }

  /** Queues a packet. Returns false when refused (not connected, bad channel, too large). Godot: enet_peer_send. */
  send(channelID: number, data: Uint8Array, flags: number): boolean {
    if (this.state !== PeerState.CONNECTED || channelID >= this.channels.length || data.length > this.host.maximumPacketSize) return false;
    const channel = this.channels[channelID]!;
    const fragmentLength = this.mtu - 4 - COMMAND_SIZES[Command.SEND_FRAGMENT]! - (this.host.checksum ? 4 : 0);
    if (data.length > fragmentLength) return this.#sendFragments(channel, data, flags, fragmentLength);
    let command: number;
    if ((flags & (PacketFlag.RELIABLE | PacketFlag.UNSEQUENCED)) === PacketFlag.UNSEQUENCED) {
      command = Command.SEND_UNSEQUENCED | FLAG_UNSEQUENCED;
    } else if (flags & PacketFlag.RELIABLE || channel.outgoingUnreliableSequenceNumber >= 0xffff) {
      command = Command.SEND_RELIABLE | FLAG_ACKNOWLEDGE;
    } else {
      command = Command.SEND_UNRELIABLE;
    }
    this.queueOutgoingCommand(command, channelID, null, data, 0, data.length);
    return true;
  }

  #sendFragments(channel: Channel, data: Uint8Array, flags: number, fragmentLength: number): boolean {
    const fragmentCount = Math.ceil(data.length / fragmentLength);
    if (fragmentCount > Limits.MAXIMUM_FRAGMENT_COUNT) return false;
    let command: number;
    let start: number;
    if (
      (flags & (PacketFlag.RELIABLE | PacketFlag.UNRELIABLE_FRAGMENT)) === PacketFlag.UNRELIABLE_FRAGMENT &&
      channel.outgoingUnreliableSequenceNumber < 0xffff
    ) {
      command = Command.SEND_UNRELIABLE_FRAGMENT;
      start = (channel.outgoingUnreliableSequenceNumber + 1) & 0xffff;
    } else {
      command = Command.SEND_FRAGMENT | FLAG_ACKNOWLEDGE;
      start = (channel.outgoingReliableSequenceNumber + 1) & 0xffff;
    }
    for (let n = 0, offset = 0; offset < data.length; n++, offset += fragmentLength) {
      const c = this.queueOutgoingCommand(command, channel.id, null, data, offset, Math.min(fragmentLength, data.length - offset));
      c.unreliableSequenceNumber = start;
      c.fragmentCount = fragmentCount;
      c.fragmentNumber = n;
    }
    return true;
  }

  /** Assigns sequence numbers and queues a command. Godot: enet_peer_setup_outgoing_command. */
  queueOutgoingCommand(
    command: number,
    channelID: number,
    header: Uint8Array | null,
    data: Uint8Array | null,
    fragmentOffset: number,
    fragmentLength: number,
  ): OutgoingCommand {
    const c: OutgoingCommand = {
      command,
      channelID,
      reliableSequenceNumber: 0,
      unreliableSequenceNumber: 0,
      header,
      data,
      fragmentOffset,
      fragmentLength,
      fragmentCount: 0,
      fragmentNumber: 0,
      sendAttempts: 0,
      sentTime: 0,
      roundTripTimeout: 0,
    };
    this.outgoingDataTotal += COMMAND_SIZES[command & 0x0f]! + fragmentLength;
    if (channelID === 0xff) {
      this.outgoingReliableSequenceNumber = (this.outgoingReliableSequenceNumber + 1) & 0xffff;
      c.reliableSequenceNumber = this.outgoingReliableSequenceNumber;
    } else {
      const channel = this.channels[channelID]!;
      if (command & FLAG_ACKNOWLEDGE) {
        channel.outgoingReliableSequenceNumber = (channel.outgoingReliableSequenceNumber + 1) & 0xffff;
        channel.outgoingUnreliableSequenceNumber = 0;
        c.reliableSequenceNumber = channel.outgoingReliableSequenceNumber;
      } else if (command & FLAG_UNSEQUENCED) {
        this.outgoingUnsequencedGroup = (this.outgoingUnsequencedGroup + 1) & 0xffff;
        c.unreliableSequenceNumber = this.outgoingUnsequencedGroup;
      } else {
        if (fragmentOffset === 0) channel.outgoingUnreliableSequenceNumber = (channel.outgoingUnreliableSequenceNumber + 1) & 0xffff;
        c.reliableSequenceNumber = channel.outgoingReliableSequenceNumber;
        c.unreliableSequenceNumber = channel.outgoingUnreliableSequenceNumber;
      }
    }
    this.outgoingCommands.push(c);
    if (isOther(c)) this.outgoingOther++;
    return c;
  }

  /** Queues an ACK unless the sequence number is in the "7th or 8th window ahead" band (docs/wire/enet.md §8.1). */
  queueAcknowledgement(commandNumber: number, channelID: number, seq: number, sentTime: number): void {
    if (channelID < this.channels.length) {
      const ahead = windowsAhead(this.channels[channelID]!, seq);
      if (ahead >= Defaults.FREE_RELIABLE_WINDOWS - 1 && ahead <= Defaults.FREE_RELIABLE_WINDOWS) return;
    }
    this.outgoingDataTotal += 8;
    this.acknowledgements.push(channelID, seq, sentTime, commandNumber);
  }

  /** Godot: enet_peer_ping. */
  ping(): void {
    if (this.state !== PeerState.CONNECTED) return;
    this.queueOutgoingCommand(Command.PING | FLAG_ACKNOWLEDGE, 0xff, null, null, 0, 0);
  }

  /** Sets the keep-alive interval in ms (0 = default). Godot: enet_peer_ping_interval. */
  setPingInterval(ms: number): void {
    this.pingInterval = ms > 0 ? ms : Defaults.PING_INTERVAL;
  }

  /** Sets the timeout policy (0 = default for each). Godot: enet_peer_timeout. */
  setTimeout(limit: number, minimum: number, maximum: number): void {
    this.timeoutLimit = limit > 0 ? limit : Defaults.TIMEOUT_LIMIT;
    this.timeoutMinimum = minimum > 0 ? minimum : Defaults.TIMEOUT_MINIMUM;
    this.timeoutMaximum = maximum > 0 ? maximum : Defaults.TIMEOUT_MAXIMUM;
  }

  /** Adopts and announces throttle parameters. Godot: enet_peer_throttle_configure. */
  throttleConfigure(interval: number, acceleration: number, deceleration: number): void {
    this.packetThrottleInterval = interval;
    this.packetThrottleAcceleration = acceleration;
    this.packetThrottleDeceleration = deceleration;
    const body = encodeU32Body(COMMAND_SIZES[Command.THROTTLE_CONFIGURE]!, interval, acceleration, deceleration);
    this.queueOutgoingCommand(Command.THROTTLE_CONFIGURE | FLAG_ACKNOWLEDGE, 0xff, body, null, 0, 0);
  }

  /** Adjusts the packet throttle from one RTT sample (docs/wire/enet.md §16). Godot: enet_peer_throttle. */
  throttle(rtt: number): void {
    if (this.lastRoundTripTime <= this.lastRoundTripTimeVariance) {
      this.packetThrottle = this.packetThrottleLimit;
    } else if (rtt <= this.lastRoundTripTime) {
      this.packetThrottle = Math.min(this.packetThrottle + this.packetThrottleAcceleration, this.packetThrottleLimit);
    } else if (rtt > this.lastRoundTripTime + 2 * this.lastRoundTripTimeVariance) {
      this.packetThrottle = Math.max(this.packetThrottle - this.packetThrottleDeceleration, 0);
    }
  }

  /** Graceful disconnect (docs/wire/enet.md §18.1). Godot: enet_peer_disconnect. */
  disconnect(data: number): void {
    const s = this.state;
    if (s === PeerState.DISCONNECTING || s === PeerState.DISCONNECTED || s === PeerState.ACKNOWLEDGING_DISCONNECT || s === PeerState.ZOMBIE)
      return;
    this.resetQueues();
    const connected = s === PeerState.CONNECTED || s === PeerState.DISCONNECT_LATER;
    const flag = connected ? FLAG_ACKNOWLEDGE : FLAG_UNSEQUENCED;
    this.queueOutgoingCommand(Command.DISCONNECT | flag, 0xff, encodeU32Body(8, data), null, 0, 0);
    if (connected) {
      this.host.changeState(this, PeerState.DISCONNECTING);
    } else {
      this.host.flush();
      this.reset();
    }
  }

  /** Disconnects after all queued data is acknowledged. Godot: enet_peer_disconnect_later. */
  disconnectLater(data: number): void {
    const connected = this.state === PeerState.CONNECTED || this.state === PeerState.DISCONNECT_LATER;
    if (connected && !(this.outgoingCommands.length === 0 && this.sentReliableCommands.length === 0)) {
      this.host.changeState(this, PeerState.DISCONNECT_LATER);
      this.eventData = data;
    } else {
      this.disconnect(data);
    }
  }

  /** Sends one unsequenced DISCONNECT and frees the slot; no event. Godot: enet_peer_disconnect_now. */
  disconnectNow(data: number): void {
    if (this.state === PeerState.DISCONNECTED) return;
    if (this.state !== PeerState.ZOMBIE && this.state !== PeerState.DISCONNECTING) {
      this.resetQueues();
      this.queueOutgoingCommand(Command.DISCONNECT | FLAG_UNSEQUENCED, 0xff, encodeU32Body(8, data), null, 0, 0);
      this.host.flush();
    }
    this.reset();
  }

  /** Frees the slot silently; the remote will time out. Godot: enet_peer_reset. */
  reset(): void {
    this.pendingConnectEvent = false;
    this.host.unqueueDispatch(this);
    this.host.changeState(this, PeerState.DISCONNECTED);
    this.outgoingPeerID = Limits.MAXIMUM_PEER_ID;
    this.connectID = 0;
    this.handshakeSource = null;
    this.incomingBandwidth = this.outgoingBandwidth = 0;
    this.incomingBandwidthThrottleEpoch = this.outgoingBandwidthThrottleEpoch = 0;
    this.incomingDataTotal = this.outgoingDataTotal = 0;
    this.lastSendTime = this.lastReceiveTime = this.nextTimeout = this.earliestTimeout = 0;
    this.packetLossEpoch = this.packetsSent = this.packetsLost = this.packetLoss = this.packetLossVariance = 0;
    this.packetThrottle = Defaults.PEER_PACKET_THROTTLE;
    this.packetThrottleLimit = Defaults.PACKET_THROTTLE_SCALE;
    this.packetThrottleCounter = this.packetThrottleEpoch = 0;
    this.packetThrottleAcceleration = Defaults.PACKET_THROTTLE_ACCELERATION;
    this.packetThrottleDeceleration = Defaults.PACKET_THROTTLE_DECELERATION;
    this.packetThrottleInterval = Defaults.PACKET_THROTTLE_INTERVAL;
    this.pingInterval = Defaults.PING_INTERVAL;
    this.setTimeout(0, 0, 0);
    this.lastRoundTripTime = this.lowestRoundTripTime = this.roundTripTime = Defaults.PEER_ROUND_TRIP_TIME;
    this.lastRoundTripTimeVariance = this.highestRoundTripTimeVariance = this.roundTripTimeVariance = 0;
    this.mtu = this.host.mtu;
    this.reliableDataInTransit = 0;
    this.outgoingReliableSequenceNumber = 0;
    this.windowSize = Limits.MAXIMUM_WINDOW_SIZE;
    this.incomingUnsequencedGroup = this.outgoingUnsequencedGroup = 0;
    this.eventData = 0;
    this.unsequencedWindow.fill(0);
    this.resetQueues();
  }

  /** Drops every queue (outgoing, in flight, received, undelivered). Godot: enet_peer_reset_queues. */
  resetQueues(): void {
    this.acknowledgements.length = 0;
    this.sentReliableCommands.clear();
    this.outgoingCommands.clear();
    this.outgoingOther = 0;
    this.dispatchedCommands.clear();
    releaseReassemblies(this, this.channels);
    this.channels = [];
    this.totalWaitingData = 0;
    // A CONNECT event already owed to the application survives (ENet returns it with the datagram).
    if (!this.pendingConnectEvent) this.host.unqueueDispatch(this);
  }
}

/** True for commands the reliable window rules never hold back: everything but reliable data. */
export function isOther(c: OutgoingCommand): boolean {
  return !(c.command & FLAG_ACKNOWLEDGE) || c.data === null;
}
