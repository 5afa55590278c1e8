/**
 * Building and sending datagrams: acknowledgements first, then retransmissions and queued
 * commands under the reliable-window and byte-window rules, then a keep-alive PING (docs/wire/enet.md §13–§15).
 */
import type { OutgoingCommand } from './channel.js';
import { commandWireSize, writeCommand } from './commands.js';
import { crc32 } from './crc32.js';
import type { ENetHost } from './host.js';
import { ACK_FIELDS, isOther, type Peer } from './peer.js';
import {
  Command,
  COMMAND_MASK,
  COMMAND_SIZES,
  Defaults,
  FLAG_ACKNOWLEDGE,
  HEADER_FLAG_COMPRESSED,
  HEADER_FLAG_SENT_TIME,
  HEADER_SESSION_MASK,
  HEADER_SESSION_SHIFT,
  Limits,
  PeerState,
  timeDifference,
  timeGreaterEqual,
  timeLess,
} from './protocol.js';

/** Commands are written after room for the longest header (peer id, sentTime, checksum). */
const BODY = 8;

/** State of the datagram being assembled for one peer. */
interface Datagram {
  size: number;
  commands: number;
  offset: number;
  sentTime: boolean;
  full: boolean;
}

/** Sends datagrams to every peer until nothing more fits or is due. Godot: enet_protocol_send_outgoing_commands. */
export function sendOutgoingCommands(host: ENetHost, checkForTimeouts: boolean): void {
  for (let again = true; again; ) {
    again = false;
    for (const peer of host.peers) {
      if (peer.state === PeerState.DISCONNECTED || peer.state === PeerState.ZOMBIE) continue;
      if (sendToPeer(host, peer, checkForTimeouts)) again = true;
    }
  }
}

/**
 * The datagram being assembled. One for all hosts: assembly never yields, and the only nested send
 * (a DISCONNECT_LATER peer's final disconnect) starts after the outer datagram's last use.
 */
const d: Datagram = { size: 4, commands: 0, offset: BODY, sentTime: false, full: false };

/** Builds and sends at most one datagram to `peer`; true when more is waiting. */
function sendToPeer(host: ENetHost, peer: Peer, checkForTimeouts: boolean): boolean {
  d.size = 4;
  d.commands = 0;
  d.offset = BODY;
  d.sentTime = false;
  d.full = false;
  if (peer.acknowledgements.length > 0) sendAcknowledgements(host, peer, d);
  if (
    checkForTimeouts &&
    peer.sentReliableCommands.length > 0 &&
    timeGreaterEqual(host.serviceTime, peer.nextTimeout) &&
    checkTimeouts(host, peer)
  ) {
    return false;
  }
  const canPing = peer.outgoingCommands.length === 0 || checkOutgoingCommands(host, peer, d);
  if (
    canPing &&
    peer.sentReliableCommands.length === 0 &&
    timeDifference(host.serviceTime, peer.lastReceiveTime) >= peer.pingInterval &&
    peer.mtu - d.size >= 4
  ) {
    peer.ping();
    checkOutgoingCommands(host, peer, d);
  }
  if (d.commands === 0) return false;
  updatePacketLoss(host, peer);
  transmit(host, peer, d);
  const full = d.full;
  if (peer.state === PeerState.DISCONNECT_LATER && peer.outgoingCommands.length === 0 && peer.sentReliableCommands.length === 0) {
    peer.disconnect(peer.eventData);
  }
  return full;
}

function sendAcknowledgements(host: ENetHost, peer: Peer, d: Datagram): void {
  const buf = host.sendBuffer;
  const view = host.sendView;
  const acks = peer.acknowledgements;
  let n = 0;
  for (; n < acks.length; n += ACK_FIELDS) {
    if (d.commands >= Limits.MAXIMUM_PACKET_COMMANDS || peer.mtu - d.size < 8) {
      d.full = true;
      break;
    }
    const seq = acks[n + 1]!;
    const o = d.offset;
    buf[o] = Command.ACKNOWLEDGE;
    buf[o + 1] = acks[n]!;
    view.setUint16(o + 2, seq);
    view.setUint16(o + 4, seq);
    view.setUint16(o + 6, acks[n + 2]!);
    d.offset += 8;
    d.size += 8;
    d.commands++;
    if (acks[n + 3] === Command.DISCONNECT) host.dispatchState(peer, PeerState.ZOMBIE);
  }
  if (n >= acks.length) acks.length = 0;
  else acks.splice(0, n);
}

/**
 * Moves timed-out reliable commands back to the front of the queue, or times the peer out.
 * Returns true when the peer was disconnected. Godot: enet_protocol_check_timeouts.
 */
function checkTimeouts(host: ENetHost, peer: Peer): boolean {
  const sent = peer.sentReliableCommands;
  let insertAt = 0;
  for (let i = 0; i < sent.length; ) {
    const c = sent.at(i);
    if (timeDifference(host.serviceTime, c.sentTime) < c.roundTripTimeout) {
      i++;
      continue;
    }
    if (peer.earliestTimeout === 0 || timeLess(c.sentTime, peer.earliestTimeout)) peer.earliestTimeout = c.sentTime;
    const waited = timeDifference(host.serviceTime, peer.earliestTimeout);
    if (
      peer.earliestTimeout !== 0 &&
      (waited >= peer.timeoutMaximum || (2 ** (c.sendAttempts - 1) >= peer.timeoutLimit && waited >= peer.timeoutMinimum))
    ) {
      notifyDisconnect(host, peer);
      return true;
    }
    peer.packetsLost++;
    c.roundTripTimeout *= 2;
    if (c.data !== null) peer.reliableDataInTransit -= c.fragmentLength;
    sent.removeAt(i);
    peer.outgoingCommands.insert(insertAt++, c);
    if (isOther(c)) peer.outgoingOther++;
    if (i === 0 && sent.length > 0) peer.nextTimeout = (sent.first().sentTime + sent.first().roundTripTimeout) >>> 0;
  }
  return false;
}

/** A peer timed out or failed: silent reset before it was connected, else a DISCONNECT event. */
export function notifyDisconnect(host: ENetHost, peer: Peer): void {
  if (peer.state >= PeerState.CONNECTION_PENDING) host.recalculateBandwidthLimits = true;
  if (peer.state !== PeerState.CONNECTING && peer.state < PeerState.CONNECTION_SUCCEEDED) {
    peer.reset();
  } else {
    peer.eventData = 0;
    host.dispatchState(peer, PeerState.ZOMBIE);
  }
}

/** Reliable window rule (docs/wire/enet.md §9.3): may this first transmission open window `w`? */
function windowBlocked(peer: Peer, c: OutgoingCommand): boolean {
  const channel = peer.channels[c.channelID]!;
  const w = Math.floor(c.reliableSequenceNumber / Defaults.RELIABLE_WINDOW_SIZE);
  if (c.sendAttempts >= 1 || c.reliableSequenceNumber % Defaults.RELIABLE_WINDOW_SIZE !== 0) return false;
  const windows = channel.windows();
  const span = (1 << (Defaults.FREE_RELIABLE_WINDOWS + 2)) - 1;
  const mask = ((span << w) | (span >>> (Defaults.RELIABLE_WINDOWS - w))) & 0xffff;
  return (
    windows[(w + Defaults.RELIABLE_WINDOWS - 1) % Defaults.RELIABLE_WINDOWS]! >= Defaults.RELIABLE_WINDOW_SIZE ||
    (channel.usedReliableWindows & mask) !== 0
  );
}

const NONE_KEPT: readonly OutgoingCommand[] = [];

/** Adds queued commands to the datagram; returns whether a PING may be added. */
function checkOutgoingCommands(host: ENetHost, peer: Peer, d: Datagram): boolean {
  const queue = peer.outgoingCommands;
  let canPing = true;
  let windowWrap = false;
  let windowExceeded = false;
  // Commands before `i` are consumed except those in `kept` (held back); the queue is compacted
  // once at the end, so a long queue is not shifted once per command.
  let kept: OutgoingCommand[] | null = null;
  let i = 0;
  while (i < queue.length) {
    const c = queue.at(i);
    const reliable = (c.command & FLAG_ACKNOWLEDGE) !== 0;
    const channel = c.channelID < peer.channels.length ? peer.channels[c.channelID]! : null;
    if (reliable) {
      if (channel !== null) {
        if (!windowWrap && windowBlocked(peer, c)) windowWrap = true;
        if (windowWrap) {
          // Only reliable data is left: all of it is held back, stop scanning.
          if (peer.outgoingOther === 0) break;
          (kept ??= []).push(c);
          i++;
          continue;
        }
      }
      if (c.data !== null) {
        if (!windowExceeded) {
          const window = Math.floor((peer.packetThrottle * peer.windowSize) / Defaults.PACKET_THROTTLE_SCALE);
          if (peer.reliableDataInTransit + c.fragmentLength > Math.max(window, peer.mtu)) windowExceeded = true;
        }
        if (windowExceeded) {
          if (peer.outgoingOther === 0) break;
          (kept ??= []).push(c);
          i++;
          continue;
        }
      }
      canPing = false;
    }
    const fixed = COMMAND_SIZES[c.command & COMMAND_MASK]!;
    if (
      d.commands >= Limits.MAXIMUM_PACKET_COMMANDS ||
      peer.mtu - d.size < fixed ||
      (c.data !== null && ((peer.mtu - d.size) & 0xffff) < ((fixed + c.fragmentLength) & 0xffff))
    ) {
      d.full = true;
      break;
    }
    i++;
    if (isOther(c)) peer.outgoingOther--;
    if (reliable) {
      if (channel !== null && c.sendAttempts < 1) {
        const w = Math.floor(c.reliableSequenceNumber / Defaults.RELIABLE_WINDOW_SIZE);
        channel.usedReliableWindows |= 1 << w;
        channel.windows()[w]!++;
      }
      c.sendAttempts++;
      if (c.roundTripTimeout === 0) c.roundTripTimeout = peer.roundTripTime + 4 * peer.roundTripTimeVariance;
      if (peer.sentReliableCommands.length === 0) peer.nextTimeout = (host.serviceTime + c.roundTripTimeout) >>> 0;
      peer.sentReliableCommands.push(c);
      c.sentTime = host.serviceTime;
      d.sentTime = true;
      peer.reliableDataInTransit += c.fragmentLength;
    } else if (c.data !== null && c.fragmentOffset === 0) {
      peer.packetThrottleCounter = (peer.packetThrottleCounter + Defaults.PACKET_THROTTLE_COUNTER) % Defaults.PACKET_THROTTLE_SCALE;
      if (peer.packetThrottleCounter > peer.packetThrottle) {
        // Throttled: drop the packet and all its queued fragments.
        while (
          i < queue.length &&
          queue.at(i).reliableSequenceNumber === c.reliableSequenceNumber &&
          queue.at(i).unreliableSequenceNumber === c.unreliableSequenceNumber &&
          queue.at(i).data === c.data
        ) {
          i++;
          peer.outgoingOther--;
        }
        continue;
      }
    }
    d.offset = writeCommand(host.sendBuffer, host.sendView, d.offset, c);
    d.size += commandWireSize(c);
    d.commands++;
    peer.packetsSent++;
  }
  if (i > 0) queue.replaceFront(i, kept ?? NONE_KEPT);
  return canPing;
}

function updatePacketLoss(host: ENetHost, peer: Peer): void {
  if (peer.packetLossEpoch === 0) {
    peer.packetLossEpoch = host.serviceTime;
  } else if (timeDifference(host.serviceTime, peer.packetLossEpoch) >= Defaults.PACKET_LOSS_INTERVAL && peer.packetsSent > 0) {
    const loss = Math.floor((peer.packetsLost * Defaults.PACKET_LOSS_SCALE) / peer.packetsSent);
    peer.packetLossVariance = Math.floor((peer.packetLossVariance * 3 + Math.abs(loss - peer.packetLoss)) / 4);
    peer.packetLoss = Math.floor((peer.packetLoss * 7 + loss) / 8);
    peer.packetLossEpoch = host.serviceTime;
    peer.packetsSent = 0;
    peer.packetsLost = 0;
  }
}

/** Adds header, checksum and compression, then hands the datagram to the socket. */
function transmit(host: ENetHost, peer: Peer, d: Datagram): void {
  const buf = host.sendBuffer;
  const view = host.sendView;
  const bodyLength = d.offset - BODY;
  let flags = d.sentTime ? HEADER_FLAG_SENT_TIME : 0;
  let compressed: Uint8Array | null = null;
  if (host.compressor !== null) {
    compressed = host.compressor.compress(buf.subarray(BODY, d.offset));
    if (compressed !== null && compressed.length > 0 && compressed.length < bodyLength) flags |= HEADER_FLAG_COMPRESSED;
    else compressed = null;
  }
  if (peer.outgoingPeerID < Limits.MAXIMUM_PEER_ID) flags |= (peer.outgoingSessionID << HEADER_SESSION_SHIFT) & HEADER_SESSION_MASK;
  const headerLength = (d.sentTime ? 4 : 2) + (host.checksum ? 4 : 0);
  const start = BODY - headerLength;
  view.setUint16(start, peer.outgoingPeerID | flags);
  if (d.sentTime) view.setUint16(start + 2, host.serviceTime & 0xffff);
  if (host.checksum) {
    const at = BODY - 4;
    view.setUint32(at, peer.outgoingPeerID < Limits.MAXIMUM_PEER_ID ? peer.connectID : 0);
    view.setUint32(at, crc32(buf, start, d.offset));
  }
  const total = headerLength + (compressed === null ? bodyLength : compressed.length);
  peer.lastSendTime = host.serviceTime;
  host.totalSentData += total;
  host.totalSentPackets++;
  if (compressed === null) {
    // Sent from the assembly buffer itself: no allocation per datagram.
    host.sendDatagram(start, d.offset, peer.address, peer.port);
  } else {
    const out = new Uint8Array(total);
    out.set(buf.subarray(start, BODY), 0);
    out.set(compressed, headerLength);
    host.socket.send(out, peer.address, peer.port);
  }
}
