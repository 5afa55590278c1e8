/**
 * Datagram acceptance and the command handlers (docs/wire/enet.md §3.6, §7, §8.2, §17.2, §18.2, §19). Hostile
 * input is dropped here: every read is bounds-checked, and a failing command stops the datagram.
 */
import type { OutgoingCommand } from './channel.js';
import { encodeConnect } from './commands.js';
import { crc32 } from './crc32.js';
import type { ENetHost } from './host.js';
import { notifyDisconnect } from './host-send.js';
import { connected, receiveData } from './host-receive-data.js';
import { isOther, type Peer } from './peer.js';
import {
  clamp,
  Command,
  COMMAND_MASK,
  COMMAND_SIZES,
  Defaults,
  FLAG_ACKNOWLEDGE,
  FLAG_UNSEQUENCED,
  HEADER_FLAG_COMPRESSED,
  HEADER_FLAG_SENT_TIME,
  HEADER_SESSION_MASK,
  HEADER_SESSION_SHIFT,
  Limits,
  PeerState,
  timeDifference,
  timeLess,
  windowForBandwidth,
} from './protocol.js';

/**
 * Everything a handler needs about the command being processed. One object per datagram, updated
 * for each command (handlers never keep it).
 */
export interface CommandContext {
  readonly host: ENetHost;
  peer: Peer | null;
  readonly data: Uint8Array;
  readonly view: DataView;
  /** Offset of the command's first byte. */
  at: number;
  /** Offset just after the command's fixed part (where a payload starts). */
  end: number;
  command: number;
  channelID: number;
  seq: number;
}

/** Validates, decompresses and checks one datagram, then runs its commands. Godot: enet_protocol_handle_incoming_commands. */
export function receiveDatagram(host: ENetHost, input: Uint8Array, address: string, port: number): void {
  if (input.length < 2) return;
  let data = input;
  const word = (data[0]! << 8) | data[1]!;
  const session = (word & HEADER_SESSION_MASK) >> HEADER_SESSION_SHIFT;
  const flags = word & 0xc000;
  const peerID = word & Limits.MAXIMUM_PEER_ID;
  const headerSize = (flags & HEADER_FLAG_SENT_TIME ? 4 : 2) + (host.checksum ? 4 : 0);
  if (data.length < headerSize) return;
  let peer: Peer | null = null;
  if (peerID !== Limits.MAXIMUM_PEER_ID) {
    if (peerID >= host.peers.length) return;
    peer = host.peers[peerID]!;
    if (
      peer.state === PeerState.DISCONNECTED ||
      peer.state === PeerState.ZOMBIE ||
      peer.address !== address ||
      peer.port !== port ||
      (peer.outgoingPeerID < Limits.MAXIMUM_PEER_ID && session !== peer.incomingSessionID)
    ) {
      return;
    }
  }
  if (flags & HEADER_FLAG_COMPRESSED) {
    const body = decompressBody(host, data.subarray(headerSize), Limits.MAXIMUM_MTU - headerSize);
    if (body === null) return;
    const whole = new Uint8Array(headerSize + body.length);
    whole.set(data.subarray(0, headerSize));
    whole.set(body, headerSize);
    data = whole;
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (host.checksum) {
    const at = headerSize - 4;
    const desired = view.getUint32(at);
    view.setUint32(at, peer !== null ? peer.connectID : 0);
    const actual = crc32(data);
    view.setUint32(at, desired);
    if (actual !== desired) return;
  }
  if (peer !== null) peer.incomingDataTotal += data.length;
  const sentTime = flags & HEADER_FLAG_SENT_TIME ? view.getUint16(2) : -1;
  runCommands(host, peer, data, view, headerSize, sentTime, address, port);
}

/** The decompressed body, or null (dropped; counted, the first failure logged). Godot: enet_protocol_handle_incoming_commands. */
function decompressBody(host: ENetHost, data: Uint8Array, limit: number): Uint8Array | null {
  const compressor = host.compressor;
  const body = compressor === null ? null : compressor.decompress(data, limit);
  if (body !== null && body.length > 0 && body.length <= limit) return body;
  if (host.decompressFailures++ === 0) {
    host.log.warn(
      compressor === null
        ? 'ENet: dropped a compressed datagram: this host has no compressor (both ends must call compress() with the same mode).'
        : `ENet: dropped a datagram that did not decompress with ${compressor.name} (further ones are only counted).`,
    );
  }
  return null;
}

function runCommands(
  host: ENetHost,
  first: Peer | null,
  data: Uint8Array,
  view: DataView,
  start: number,
  sentTime: number,
  address: string,
  port: number,
): void {
  let peer = first;
  let off = start;
  const ctx: CommandContext = { host, peer, data, view, at: 0, end: 0, command: 0, channelID: 0, seq: 0 };
  while (off < data.length) {
    if (off + 4 > data.length) break;
    const command = data[off]!;
    const number = command & COMMAND_MASK;
    if (number >= Command.COUNT) break;
    const size = COMMAND_SIZES[number]!;
    if (size === 0 || off + size > data.length) break;
    if (peer === null && number !== Command.CONNECT) break;
    ctx.peer = peer;
    ctx.at = off;
    ctx.end = off + size;
    ctx.command = command;
    ctx.channelID = data[off + 1]!;
    ctx.seq = view.getUint16(off + 2);
    let next: number;
    if (number === Command.CONNECT) {
      if (peer !== null) break;
      peer = handleConnect(ctx, address, port);
      if (peer === null) break;
      next = ctx.end;
    } else {
      next = handleCommand(ctx, number);
    }
    if (next < 0) break;
    off = next;
    if (peer !== null && command & FLAG_ACKNOWLEDGE) {
      if (sentTime < 0) break;
      const s = peer.state;
      if (s === PeerState.DISCONNECTING || s === PeerState.ACKNOWLEDGING_CONNECT || s === PeerState.DISCONNECTED || s === PeerState.ZOMBIE)
        continue;
      if (s === PeerState.ACKNOWLEDGING_DISCONNECT && number !== Command.DISCONNECT) continue;
      peer.queueAcknowledgement(number, ctx.channelID, ctx.seq, sentTime);
    }
  }
}

/** Runs one non-CONNECT command; returns the offset after it, or -1 on error. */
function handleCommand(ctx: CommandContext, number: number): number {
  switch (number) {
    case Command.ACKNOWLEDGE:
      return handleAcknowledge(ctx);
    case Command.VERIFY_CONNECT:
      return handleVerifyConnect(ctx);
    case Command.DISCONNECT:
      return handleDisconnect(ctx);
    case Command.PING:
      return connected(ctx.peer!) ? ctx.end : -1;
    case Command.BANDWIDTH_LIMIT:
      return handleBandwidthLimit(ctx);
    case Command.THROTTLE_CONFIGURE:
      return handleThrottleConfigure(ctx);
    default:
      return receiveData(ctx, number);
  }
}

function nextSession(requested: number, fallback: number, current: number): number {
  let s = ((requested === 0xff ? fallback : requested) + 1) & 3;
  if (s === current) s = (s + 1) & 3;
  return s;
}

/**
 * The most CONNECTs a source (address and port) may have sent in the host's counting window (10 s)
 * for one of them to take a half-open handshake's slot on a full host. An ENet client retransmits its
 * CONNECT at 0.5, 1.5, 3.5 and 7.5 s, so an honest source sends at most five per attempt.
 */
const EVICTING_CONNECTS = 8;

/** Accepts a CONNECT into a free slot and queues VERIFY_CONNECT. Godot: enet_protocol_handle_connect. */
function handleConnect(ctx: CommandContext, address: string, port: number): Peer | null {
  const { host, view, at } = ctx;
  if (host.refuseNewConnections) {
    refuse(host, view.getUint16(at + 4), view.getUint32(at + 40), address, port);
    return null;
  }
  const requested = view.getUint32(at + 16);
  if (requested < Limits.MINIMUM_CHANNEL_COUNT || requested > Limits.MAXIMUM_CHANNEL_COUNT) return null;
  const connectID = view.getUint32(at + 40);
  let free: Peer | null = null;
  let victim: Peer | null = null;
  let duplicates = 0;
  for (const p of host.peers) {
    if (p.state === PeerState.DISCONNECTED) {
      free ??= p;
    } else if (p.state !== PeerState.CONNECTING && p.address === address) {
      if (p.port === port && p.connectID === connectID) return null;
      duplicates++;
    }
    if (p.state === PeerState.ACKNOWLEDGING_CONNECT && (victim === null || evictsBefore(p, victim))) victim = p;
  }
  if (duplicates >= host.duplicatePeers) return null;
  const source = host.countConnect(address, port);
  if (free === null) {
    // A source that sent more CONNECTs lately than an honest client's attempt and retries takes no
    // slot from anyone: its CONNECT is ignored, as ENet ignores every CONNECT while full. This keeps a
    // flood cheap to absorb (no eviction, no VERIFY_CONNECT to send), so the host reaches an honest
    // CONNECT queued behind it sooner (the socket hands over a few dozen datagrams per event-loop turn).
    if (victim === null || source.endpoint.connects > EVICTING_CONNECTS) return null;
    // Divergence from ENet: a full host gives the slot of a half-open handshake (a CONNECT answered,
    // its VERIFY_CONNECT not yet acknowledged) to the newcomer. ENet ignores CONNECTs while full, so
    // forged CONNECTs that are never acknowledged hold every slot until they time out and an honest
    // client waits seconds between retries. The handshake given up is the one whose source sent the
    // most CONNECTs lately (a flooding socket sends many with fresh connect ids, an honest client one
    // and its retransmissions), then the oldest. Connected peers are never evicted.
    host.noteHandshakeEvicted(victim);
    victim.reset();
    free = victim;
  }
  const peer = free;
  peer.handshakeStartTime = host.serviceTime;
  peer.handshakeSource = source;
  peer.setupChannels(Math.min(requested, host.channelLimit));
  peer.state = PeerState.ACKNOWLEDGING_CONNECT;
  peer.connectID = connectID;
  peer.address = address;
  peer.port = port;
  peer.outgoingPeerID = view.getUint16(at + 4);
  peer.incomingBandwidth = view.getUint32(at + 20);
  peer.outgoingBandwidth = view.getUint32(at + 24);
  peer.packetThrottleInterval = view.getUint32(at + 28);
  peer.packetThrottleAcceleration = view.getUint32(at + 32);
  peer.packetThrottleDeceleration = view.getUint32(at + 36);
  peer.eventData = view.getUint32(at + 44);
  peer.outgoingSessionID = nextSession(ctx.data[at + 6]!, peer.outgoingSessionID, peer.outgoingSessionID);
  peer.incomingSessionID = nextSession(ctx.data[at + 7]!, peer.incomingSessionID, peer.incomingSessionID);
  peer.mtu = Math.min(host.mtu, clamp(view.getUint32(at + 8), Limits.MINIMUM_MTU, Limits.MAXIMUM_MTU));
  peer.windowSize = sendWindow(host.outgoingBandwidth, peer.incomingBandwidth);
  const offered = Math.min(windowForBandwidth(host.incomingBandwidth), view.getUint32(at + 12));
  const header = encodeConnect(Command.VERIFY_CONNECT | FLAG_ACKNOWLEDGE, {
    outgoingPeerID: peer.incomingPeerID,
    incomingSessionID: peer.outgoingSessionID,
    outgoingSessionID: peer.incomingSessionID,
    mtu: peer.mtu,
    windowSize: clamp(offered, Limits.MINIMUM_WINDOW_SIZE, Limits.MAXIMUM_WINDOW_SIZE),
    channelCount: peer.channels.length,
    incomingBandwidth: host.incomingBandwidth,
    outgoingBandwidth: host.outgoingBandwidth,
    packetThrottleInterval: peer.packetThrottleInterval,
    packetThrottleAcceleration: peer.packetThrottleAcceleration,
    packetThrottleDeceleration: peer.packetThrottleDeceleration,
    connectID: peer.connectID,
    data: 0,
  });
  peer.queueOutgoingCommand(Command.VERIFY_CONNECT | FLAG_ACKNOWLEDGE, 0xff, header, null, 0, 0);
  return peer;
}

/** Whether half-open handshake `a` is given up before `b` when a full host takes a new CONNECT. */
function evictsBefore(a: Peer, b: Peer): boolean {
  const sa = a.handshakeSource!;
  const sb = b.handshakeSource!;
  if (sa.endpoint.connects !== sb.endpoint.connects) return sa.endpoint.connects > sb.endpoint.connects;
  if (sa.address.connects !== sb.address.connects) return sa.address.connects > sb.address.connects;
  return timeLess(a.handshakeStartTime, b.handshakeStartTime);
}

/**
 * Answers a refused CONNECT with one unsequenced DISCONNECT, so the remote fails at once instead of
 * timing out. Divergence from Godot: its fork ignores the CONNECT silently (the client times out).
 */
function refuse(host: ENetHost, remotePeerID: number, connectID: number, address: string, port: number): void {
  if (remotePeerID >= Limits.MAXIMUM_PEER_ID) return;
  const header = host.checksum ? 6 : 2;
  const d = new Uint8Array(header + 8);
  const v = new DataView(d.buffer);
  v.setUint16(0, remotePeerID);
  d[header] = Command.DISCONNECT | FLAG_UNSEQUENCED;
  d[header + 1] = 0xff;
  if (host.checksum) {
    v.setUint32(2, connectID);
    v.setUint32(2, crc32(d));
  }
  host.socket.send(d, address, port);
}

/** Window for sending to a peer from our outgoing and its incoming bandwidth (docs/wire/enet.md §7.5, §17.2). */
function sendWindow(localOutgoing: number, remoteIncoming: number): number {
  if (localOutgoing === 0 && remoteIncoming === 0) return Limits.MAXIMUM_WINDOW_SIZE;
  const bw =
    localOutgoing === 0 || remoteIncoming === 0 ? Math.max(localOutgoing, remoteIncoming) : Math.min(localOutgoing, remoteIncoming);
  return clamp(
    Math.floor(bw / Defaults.WINDOW_SIZE_SCALE) * Limits.MINIMUM_WINDOW_SIZE,
    Limits.MINIMUM_WINDOW_SIZE,
    Limits.MAXIMUM_WINDOW_SIZE,
  );
}

function notifyConnect(host: ENetHost, peer: Peer): void {
  host.recalculateBandwidthLimits = true;
  host.urgentEvent = true;
  host.changeState(peer, PeerState.CONNECTED);
  peer.pendingConnectEvent = true;
  host.queueDispatch(peer);
}

/** Godot: enet_protocol_handle_verify_connect. */
function handleVerifyConnect(ctx: CommandContext): number {
  const { host, view, at } = ctx;
  const peer = ctx.peer!;
  if (peer.state !== PeerState.CONNECTING) return ctx.end;
  const channelCount = view.getUint32(at + 16);
  if (
    channelCount < Limits.MINIMUM_CHANNEL_COUNT ||
    channelCount > Limits.MAXIMUM_CHANNEL_COUNT ||
    view.getUint32(at + 28) !== peer.packetThrottleInterval ||
    view.getUint32(at + 32) !== peer.packetThrottleAcceleration ||
    view.getUint32(at + 36) !== peer.packetThrottleDeceleration ||
    view.getUint32(at + 40) !== peer.connectID
  ) {
    peer.eventData = 0;
    host.dispatchState(peer, PeerState.ZOMBIE);
    return -1;
  }
  removeSentReliableCommand(peer, 1, 0xff);
  if (channelCount < peer.channels.length) peer.channels.length = channelCount;
  peer.outgoingPeerID = view.getUint16(at + 4);
  peer.incomingSessionID = ctx.data[at + 6]!;
  peer.outgoingSessionID = ctx.data[at + 7]!;
  peer.mtu = Math.min(peer.mtu, clamp(view.getUint32(at + 8), Limits.MINIMUM_MTU, Limits.MAXIMUM_MTU));
  peer.windowSize = Math.min(peer.windowSize, clamp(view.getUint32(at + 12), Limits.MINIMUM_WINDOW_SIZE, Limits.MAXIMUM_WINDOW_SIZE));
  peer.incomingBandwidth = view.getUint32(at + 20);
  peer.outgoingBandwidth = view.getUint32(at + 24);
  notifyConnect(host, peer);
  return ctx.end;
}

/** Retires an acknowledged command; returns its command number or NONE. Godot: enet_protocol_remove_sent_reliable_command. */
function removeSentReliableCommand(peer: Peer, seq: number, channelID: number): number {
  const sent = peer.sentReliableCommands;
  let c: OutgoingCommand | undefined;
  // Acknowledgements mostly retire the oldest command: a plain scan from the front, no closure.
  let i = -1;
  for (let k = 0; k < sent.length; k++) {
    const x = sent.at(k);
    if (x.reliableSequenceNumber === seq && x.channelID === channelID) {
      i = k;
      break;
    }
  }
  if (i >= 0) {
    c = sent.at(i);
    sent.removeAt(i);
    if (c.data !== null) peer.reliableDataInTransit -= c.fragmentLength;
  } else {
    // A retransmission waiting in the queue can be acknowledged by an earlier copy.
    const queue = peer.outgoingCommands;
    for (let k = 0; k < queue.length && c === undefined; k++) {
      const x = queue.at(k);
      if (!(x.command & FLAG_ACKNOWLEDGE)) continue;
      if (x.sendAttempts < 1) return Command.NONE;
      if (x.reliableSequenceNumber === seq && x.channelID === channelID) {
        c = x;
        queue.removeAt(k);
        if (isOther(x)) peer.outgoingOther--;
      }
    }
    if (c === undefined) return Command.NONE;
  }
  if (channelID < peer.channels.length) {
    const channel = peer.channels[channelID]!;
    const w = Math.floor(seq / Defaults.RELIABLE_WINDOW_SIZE);
    const windows = channel.windows();
    if (windows[w]! > 0) {
      windows[w]!--;
      if (windows[w] === 0) channel.usedReliableWindows &= ~(1 << w);
    }
  }
  if (sent.length > 0) {
    const first = sent.first();
    peer.nextTimeout = (first.sentTime + first.roundTripTimeout) >>> 0;
  }
  return c.command & COMMAND_MASK;
}

/** RTT sample, throttle, and retiring the acked command (docs/wire/enet.md §8.2). Godot: enet_protocol_handle_acknowledge. */
function handleAcknowledge(ctx: CommandContext): number {
  const { host, view, at } = ctx;
  const peer = ctx.peer!;
  if (peer.state === PeerState.DISCONNECTED || peer.state === PeerState.ZOMBIE) return ctx.end;
  const now = host.serviceTime;
  let sent = (view.getUint16(at + 6) | (now & 0xffff0000)) >>> 0;
  if ((sent & 0x8000) > (now & 0x8000)) sent = (sent - 0x10000) >>> 0;
  if (timeLess(now, sent)) return ctx.end;
  const rtt = Math.max(timeDifference(now, sent), 1);
  updateRoundTripTime(peer, rtt, now);
  peer.lastReceiveTime = Math.max(now, 1);
  peer.earliestTimeout = 0;
  const retired = removeSentReliableCommand(peer, view.getUint16(at + 4), ctx.channelID);
  switch (peer.state) {
    case PeerState.ACKNOWLEDGING_CONNECT:
      if (retired !== Command.VERIFY_CONNECT) return -1;
      notifyConnect(host, peer);
      break;
    case PeerState.DISCONNECTING:
      if (retired !== Command.DISCONNECT) return -1;
      notifyDisconnect(host, peer);
      break;
    case PeerState.DISCONNECT_LATER:
      if (peer.outgoingCommands.length === 0 && peer.sentReliableCommands.length === 0) peer.disconnect(peer.eventData);
      break;
  }
  return ctx.end;
}

function updateRoundTripTime(peer: Peer, rtt: number, now: number): void {
  if (peer.lastReceiveTime > 0) {
    peer.throttle(rtt);
    peer.roundTripTimeVariance -= Math.floor(peer.roundTripTimeVariance / 4);
    if (rtt >= peer.roundTripTime) {
      const diff = rtt - peer.roundTripTime;
      peer.roundTripTimeVariance += Math.floor(diff / 4);
      peer.roundTripTime += Math.floor(diff / 8);
    } else {
      const diff = peer.roundTripTime - rtt;
      peer.roundTripTimeVariance += Math.floor(diff / 4);
      peer.roundTripTime -= Math.floor(diff / 8);
    }
  } else {
    peer.roundTripTime = rtt;
    peer.roundTripTimeVariance = Math.floor((rtt + 1) / 2);
  }
  if (peer.roundTripTime < peer.lowestRoundTripTime) peer.lowestRoundTripTime = peer.roundTripTime;
  if (peer.roundTripTimeVariance > peer.highestRoundTripTimeVariance) peer.highestRoundTripTimeVariance = peer.roundTripTimeVariance;
  if (peer.packetThrottleEpoch === 0 || timeDifference(now, peer.packetThrottleEpoch) >= peer.packetThrottleInterval) {
    peer.lastRoundTripTime = peer.lowestRoundTripTime;
    peer.lastRoundTripTimeVariance = Math.max(peer.highestRoundTripTimeVariance, 1);
    peer.lowestRoundTripTime = peer.roundTripTime;
    peer.highestRoundTripTimeVariance = peer.roundTripTimeVariance;
    peer.packetThrottleEpoch = now;
  }
}

/** Godot: enet_protocol_handle_disconnect. */
function handleDisconnect(ctx: CommandContext): number {
  const { host } = ctx;
  const peer = ctx.peer!;
  const s = peer.state;
  if (s === PeerState.DISCONNECTED || s === PeerState.ZOMBIE || s === PeerState.ACKNOWLEDGING_DISCONNECT) return ctx.end;
  peer.resetQueues();
  if (s === PeerState.CONNECTION_SUCCEEDED || s === PeerState.DISCONNECTING || s === PeerState.CONNECTING) {
    host.dispatchState(peer, PeerState.ZOMBIE);
  } else if (s !== PeerState.CONNECTED && s !== PeerState.DISCONNECT_LATER) {
    if (s === PeerState.CONNECTION_PENDING) host.recalculateBandwidthLimits = true;
    peer.reset();
  } else if (ctx.command & FLAG_ACKNOWLEDGE) {
    host.changeState(peer, PeerState.ACKNOWLEDGING_DISCONNECT);
  } else {
    host.dispatchState(peer, PeerState.ZOMBIE);
  }
  if (peer.state !== PeerState.DISCONNECTED) peer.eventData = ctx.view.getUint32(ctx.at + 4);
  return ctx.end;
}

/** Godot: enet_protocol_handle_bandwidth_limit. */
function handleBandwidthLimit(ctx: CommandContext): number {
  const peer = ctx.peer!;
  const host = ctx.host;
  if (!connected(peer)) return -1;
  if (peer.incomingBandwidth !== 0) host.bandwidthLimitedPeers--;
  peer.incomingBandwidth = ctx.view.getUint32(ctx.at + 4);
  peer.outgoingBandwidth = ctx.view.getUint32(ctx.at + 8);
  if (peer.incomingBandwidth !== 0) host.bandwidthLimitedPeers++;
  peer.windowSize = sendWindow(host.outgoingBandwidth, peer.incomingBandwidth);
  return ctx.end;
}

/** Godot: enet_protocol_handle_throttle_configure. */
function handleThrottleConfigure(ctx: CommandContext): number {
  const peer = ctx.peer!;
  if (!connected(peer)) return -1;
  peer.packetThrottleInterval = ctx.view.getUint32(ctx.at + 4);
  peer.packetThrottleAcceleration = ctx.view.getUint32(ctx.at + 8);
  peer.packetThrottleDeceleration = ctx.view.getUint32(ctx.at + 12);
  return ctx.end;
}
