/**
 * Receive-side ordering: queueing reliable, unreliable and unsequenced data, reassembly
 * bookkeeping and in-order dispatch (spec §9.2, §10, §11, §12.3).
 */
import { Channel, inReceiveWindow, type IncomingCommand } from './channel.js';
import { Command, COMMAND_MASK, PeerState } from './protocol.js';
import type { Peer } from './peer.js';

/** Outcome of queueing: the command record, 'discard' (ignored but acknowledged) or 'error'. */
export type QueueResult = IncomingCommand | 'discard' | 'error';

/**
 * Queues a received data command on `channel`. `data` is the payload for a whole packet; for a
 * fragmented packet it is a zeroed buffer of `totalLength` bytes to fill. Godot:
 * enet_peer_queue_incoming_command (thirdparty/enet/peer.c).
 */
export function queueIncomingCommand(
  peer: Peer, channel: Channel, command: number, seq: number, useq: number,
  data: Uint8Array, flags: number, fragmentCount: number,
): QueueResult {
  if (peer.state === PeerState.DISCONNECT_LATER) return fragmentCount > 0 ? 'error' : 'discard';
  const number = command & COMMAND_MASK;
  if (number !== Command.SEND_UNSEQUENCED && !inReceiveWindow(channel, seq)) return fragmentCount > 0 ? 'error' : 'discard';
  let list: IncomingCommand[];
  let at: number;
  if (number === Command.SEND_RELIABLE || number === Command.SEND_FRAGMENT) {
    if (seq === channel.incomingReliableSequenceNumber) return fragmentCount > 0 ? 'error' : 'discard';
    list = channel.incomingReliableCommands;
    at = reliableInsertIndex(channel, list, seq);
    if (at < 0) return 'discard';
  } else if (number === Command.SEND_UNRELIABLE || number === Command.SEND_UNRELIABLE_FRAGMENT) {
    if (seq === channel.incomingReliableSequenceNumber && useq <= channel.incomingUnreliableSequenceNumber) return 'discard';
    list = channel.incomingUnreliableCommands;
    at = unreliableInsertIndex(channel, list, seq, useq);
    if (at < 0) return 'discard';
  } else if (number === Command.SEND_UNSEQUENCED) {
    list = channel.incomingUnreliableCommands;
    at = list.length;
  } else {
    return 'discard';
  }
  if (peer.totalWaitingData >= peer.host.maximumWaitingData && !unblocksUnreliable(channel, number, seq)) return 'error';
  const incoming: IncomingCommand = {
    command, reliableSequenceNumber: seq, unreliableSequenceNumber: useq & 0xffff,
    fragmentCount, fragmentsRemaining: fragmentCount,
    fragments: fragmentCount > 0 ? new Uint32Array((fragmentCount + 31) >>> 5) : null,
    data, flags,
  };
  peer.totalWaitingData += data.length;
  if (number === Command.SEND_UNSEQUENCED) {
    // Divergence from ENet: unsequenced packets are handed over at once instead of waiting behind
    // sequenced entries of a future reliable epoch in the shared list (spec §11 "immediately").
    deliver(peer, channel, incoming);
    return incoming;
  }
  list.splice(at, 0, incoming);
  if (list === channel.incomingReliableCommands) dispatchIncomingReliableCommands(peer, channel);
  else dispatchIncomingUnreliableCommands(peer, channel);
  return incoming;
}

/**
 * Divergence from ENet: the reliable packet that opens the epoch the queued unreliable packets
 * wait for is accepted even over maximumWaitingData. Unreliable packets of a future epoch count
 * as waiting data, so when that reliable packet is lost (a sender wraps to a new epoch every
 * 65,535 unreliable packets) and the queue fills to the limit meanwhile, ENet refuses its
 * retransmission forever and the channel stalls for good. At most one such packet per channel
 * gets past the limit: delivering it empties the queue, so the exemption cannot repeat until
 * the limit allows queueing again.
 */
function unblocksUnreliable(channel: Channel, number: number, seq: number): boolean {
  const head = channel.incomingUnreliableCommands[0];
  return number === Command.SEND_RELIABLE && head !== undefined && head.reliableSequenceNumber === seq &&
    seq === ((channel.incomingReliableSequenceNumber + 1) & 0xffff);
}

/** Distance of `seq` ahead of the channel's delivered reliable sequence number (mod 2^16). */
function ahead(channel: Channel, seq: number): number {
  return (seq - channel.incomingReliableSequenceNumber) & 0xffff;
}

function reliableInsertIndex(channel: Channel, list: IncomingCommand[], seq: number): number {
  const d = ahead(channel, seq);
  let i = list.length;
  while (i > 0) {
    const other = ahead(channel, list[i - 1]!.reliableSequenceNumber);
    if (other === d) return -1;
    if (other < d) break;
    i--;
  }
  return i;
}

function unreliableInsertIndex(channel: Channel, list: IncomingCommand[], seq: number, useq: number): number {
  const d = ahead(channel, seq);
  let i = list.length;
  while (i > 0) {
    const prev = list[i - 1]!;
    const other = ahead(channel, prev.reliableSequenceNumber);
    if (other < d) break;
    if (other === d) {
      if (prev.unreliableSequenceNumber === useq) return -1;
      if (prev.unreliableSequenceNumber < useq) break;
    }
    i--;
  }
  return i;
}

/** Finds a pending reliable reassembly entry by its start sequence number. */
export function findReliableFragmentStart(channel: Channel, start: number): IncomingCommand | undefined {
  const list = channel.incomingReliableCommands;
  for (let i = list.length - 1; i >= 0; i--) if (list[i]!.reliableSequenceNumber === start) return list[i];
  return undefined;
}

/** Finds a pending unreliable reassembly entry by (reliable seq, start seq). */
export function findUnreliableFragmentStart(channel: Channel, seq: number, start: number): IncomingCommand | undefined {
  const list = channel.incomingUnreliableCommands;
  for (let i = list.length - 1; i >= 0; i--) {
    const c = list[i]!;
    if (c.reliableSequenceNumber === seq && c.unreliableSequenceNumber === start) return c;
  }
  return undefined;
}

/** Delivers complete reliable packets in sequence order. Godot: enet_peer_dispatch_incoming_reliable_commands. */
export function dispatchIncomingReliableCommands(peer: Peer, channel: Channel): void {
  const list = channel.incomingReliableCommands;
  let n = 0;
  while (n < list.length) {
    const c = list[n]!;
    if (c.fragmentsRemaining > 0 || c.reliableSequenceNumber !== ((channel.incomingReliableSequenceNumber + 1) & 0xffff)) break;
    channel.incomingReliableSequenceNumber = c.reliableSequenceNumber;
    if (c.fragmentCount > 0) channel.incomingReliableSequenceNumber = (channel.incomingReliableSequenceNumber + c.fragmentCount - 1) & 0xffff;
    n++;
  }
  if (n === 0) return;
  channel.incomingUnreliableSequenceNumber = 0;
  const done = list.splice(0, n);
  for (const c of done) deliver(peer, channel, c);
  if (channel.incomingUnreliableCommands.length > 0) dispatchIncomingUnreliableCommands(peer, channel);
}

/**
 * Delivers complete unreliable packets of the current reliable epoch in order; incomplete
 * fragments overtaken by a delivered packet and entries of past epochs are dropped; entries of a
 * future epoch wait. Godot: enet_peer_dispatch_incoming_unreliable_commands.
 */
export function dispatchIncomingUnreliableCommands(peer: Peer, channel: Channel): void {
  const list = channel.incomingUnreliableCommands;
  // Fast path: the head waits for a future reliable epoch, so nothing can move (the C library
  // also stops its walk there); avoids rebuilding a long pending list on every arrival.
  const head = list[0];
  if (head === undefined || (head.reliableSequenceNumber !== channel.incomingReliableSequenceNumber &&
      inReceiveWindow(channel, head.reliableSequenceNumber))) {
    return;
  }
  // Compacted in place (kept entries move down over consumed ones): this runs once per arriving
  // unreliable packet, so it allocates nothing.
  let kept = 0;
  let i = 0;
  for (; i < list.length; i++) {
    const c = list[i]!;
    if (c.reliableSequenceNumber === channel.incomingReliableSequenceNumber) {
      if (c.fragmentsRemaining <= 0) {
        channel.incomingUnreliableSequenceNumber = c.unreliableSequenceNumber;
        deliver(peer, channel, c);
      } else {
        list[kept++] = c;
      }
    } else if (inReceiveWindow(channel, c.reliableSequenceNumber)) {
      break;
    } else {
      peer.totalWaitingData -= c.data.length;
    }
  }
  // Incomplete fragments overtaken by a delivered packet are stale.
  const current = channel.incomingReliableSequenceNumber;
  let n = 0;
  for (let k = 0; k < kept; k++) {
    const c = list[k]!;
    if (c.reliableSequenceNumber === current && c.unreliableSequenceNumber <= channel.incomingUnreliableSequenceNumber) {
      peer.totalWaitingData -= c.data.length;
    } else {
      list[n++] = c;
    }
  }
  for (; i < list.length; i++) list[n++] = list[i]!;
  list.length = n;
}

function deliver(peer: Peer, channel: Channel, c: IncomingCommand): void {
  peer.dispatchedCommands.push({ channelID: channel.id, data: c.data, flags: c.flags });
  peer.host.queueDispatch(peer);
}
