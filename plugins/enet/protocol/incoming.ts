/**
 * Receive-side ordering: queueing reliable, unreliable and unsequenced data, reassembly
 * bookkeeping and in-order dispatch (docs/wire/enet.md §9.2, §10, §11, §12.3).
 */
import { type Channel, inReceiveWindow, type IncomingCommand } from './channel.js';
import { Command, COMMAND_MASK, PeerState } from './protocol.js';
import type { Peer } from './peer.js';

/**
 * Outcome of queueing: the command record, 'delivered' (handed to the application at once, no
 * record), 'discard' (ignored but acknowledged) or 'error'.
 */
export type QueueResult = IncomingCommand | 'delivered' | 'discard' | 'error';

const NO_DATA = new Uint8Array(0);

/**
 * Queues a received data command on `channel`. `data` is the payload of a whole packet; for a
 * fragmented packet (`fragmentCount` > 0) it is ignored and `totalLength` is the declared length:
 * the fragments are collected by `addFragment`. Godot: enet_peer_queue_incoming_command
 * (thirdparty/enet/peer.c).
 */
export function queueIncomingCommand(
  peer: Peer,
  channel: Channel,
  command: number,
  seq: number,
  useq: number,
  data: Uint8Array,
  flags: number,
  fragmentCount: number,
  totalLength = data.length,
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
  const fragmented = fragmentCount > 0;
  if (!fragmented && list.length === 0) {
    // The next packet in order with nothing queued ahead of it is handed over at once, without a
    // record: what queueing it and dispatching the list below would do, minus the allocation.
    if (number === Command.SEND_RELIABLE && seq === ((channel.incomingReliableSequenceNumber + 1) & 0xffff)) {
      peer.totalWaitingData += totalLength;
      channel.incomingReliableSequenceNumber = seq;
      channel.incomingUnreliableSequenceNumber = 0;
      deliverPacket(peer, channel, data, flags);
      if (channel.incomingUnreliableCommands.length > 0) dispatchIncomingUnreliableCommands(peer, channel);
      return 'delivered';
    }
    if (number === Command.SEND_UNRELIABLE && seq === channel.incomingReliableSequenceNumber) {
      peer.totalWaitingData += totalLength;
      channel.incomingUnreliableSequenceNumber = useq & 0xffff;
      deliverPacket(peer, channel, data, flags);
      return 'delivered';
    }
  }
  // Divergence from ENet: a fragmented packet's buffer is not allocated when its first fragment
  // arrives (ENet mallocs the declared length, up to 32 MiB, at once) but when its last one does.
  const incoming: IncomingCommand = {
    command,
    reliableSequenceNumber: seq,
    unreliableSequenceNumber: useq & 0xffff,
    fragmentCount,
    fragmentsRemaining: fragmentCount,
    fragments: fragmented ? new Uint32Array((fragmentCount + 31) >>> 5) : null,
    data: fragmented ? NO_DATA : data,
    totalLength,
    pieces: fragmented ? [] : null,
    pieceOffsets: fragmented ? [] : null,
    flags,
  };
  peer.totalWaitingData += totalLength;
  if (number === Command.SEND_UNSEQUENCED) {
    // Divergence from ENet: unsequenced packets are handed over at once instead of waiting behind
    // sequenced entries of a future reliable epoch in the shared list (docs/wire/enet.md §11 "immediately").
    deliver(peer, channel, incoming);
    return incoming;
  }
  // Mostly appended (packets arrive in order): push, where splice would also build a result array.
  if (at === list.length) list.push(incoming);
  else list.splice(at, 0, incoming);
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
  return (
    number === Command.SEND_RELIABLE &&
    head !== undefined &&
    head.reliableSequenceNumber === seq &&
    seq === ((channel.incomingReliableSequenceNumber + 1) & 0xffff)
  );
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
    if (c.fragmentCount > 0)
      channel.incomingReliableSequenceNumber = (channel.incomingReliableSequenceNumber + c.fragmentCount - 1) & 0xffff;
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
  if (
    head === undefined ||
    (head.reliableSequenceNumber !== channel.incomingReliableSequenceNumber && inReceiveWindow(channel, head.reliableSequenceNumber))
  ) {
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
      forget(peer, c);
    }
  }
  // Incomplete fragments overtaken by a delivered packet are stale.
  const current = channel.incomingReliableSequenceNumber;
  let n = 0;
  for (let k = 0; k < kept; k++) {
    const c = list[k]!;
    if (c.reliableSequenceNumber === current && c.unreliableSequenceNumber <= channel.incomingUnreliableSequenceNumber) {
      forget(peer, c);
    } else {
      list[n++] = c;
    }
  }
  for (; i < list.length; i++) list[n++] = list[i]!;
  list.length = n;
}

/**
 * Stores fragment `number` (`bytes` at `offset`; the caller validated both against the declared
 * length) of a pending reassembly. Returns false when it is refused: the host's total of buffered
 * fragment bytes (`maximumReassemblyData`, over all peers) would be exceeded. Once every fragment
 * is in, the packet is assembled in one buffer.
 */
export function addFragment(peer: Peer, entry: IncomingCommand, number: number, offset: number, bytes: Uint8Array): boolean {
  const word = number >>> 5;
  const bit = 1 << (number & 31);
  if (entry.fragments![word]! & bit) return true;
  const host = peer.host;
  if (host.reassemblyBytes + bytes.length > host.maximumReassemblyData) return false;
  entry.fragments![word]! |= bit;
  entry.fragmentsRemaining--;
  // A fragment that is most of its datagram is kept as a view (every received datagram is its own
  // allocation, never reused) instead of copied; a small one is copied, so what a peer pins never
  // exceeds twice what `reassemblyBytes` counts for it.
  entry.pieces!.push(bytes.byteLength * 2 >= bytes.buffer.byteLength ? bytes : bytes.slice());
  entry.pieceOffsets!.push(offset);
  host.reassemblyBytes += bytes.length;
  if (entry.fragmentsRemaining <= 0) {
    const data = new Uint8Array(entry.totalLength);
    for (let i = 0; i < entry.pieces!.length; i++) data.set(entry.pieces![i]!, entry.pieceOffsets![i]!);
    release(host, entry);
    entry.data = data;
  }
  return true;
}

/** Bytes of `entry`'s fragments held so far. */
function buffered(entry: IncomingCommand): number {
  let n = 0;
  if (entry.pieces !== null) for (const piece of entry.pieces) n += piece.length;
  return n;
}

function release(host: Peer['host'], entry: IncomingCommand): void {
  host.reassemblyBytes -= buffered(entry);
  entry.pieces = entry.pieceOffsets = null;
}

/** Drops a queued entry that will never be delivered, returning what it held. */
function forget(peer: Peer, c: IncomingCommand): void {
  peer.totalWaitingData -= c.totalLength;
  release(peer.host, c);
}

/** Returns the buffered fragment bytes of every pending reassembly of `channels` to the host (peer reset). */
export function releaseReassemblies(peer: Peer, channels: readonly Channel[]): void {
  for (const channel of channels) {
    for (const c of channel.incomingReliableCommands) release(peer.host, c);
    for (const c of channel.incomingUnreliableCommands) release(peer.host, c);
  }
}

function deliver(peer: Peer, channel: Channel, c: IncomingCommand): void {
  deliverPacket(peer, channel, c.data, c.flags);
}

function deliverPacket(peer: Peer, channel: Channel, data: Uint8Array, flags: number): void {
  peer.dispatchedCommands.push(data, 0, flags, channel.id);
  peer.host.queueDispatch(peer);
}
