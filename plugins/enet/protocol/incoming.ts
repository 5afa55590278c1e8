/**
 * Receive-side ordering: queueing reliable, unreliable and unsequenced data, reassembly
 * bookkeeping and in-order dispatch (docs/wire/enet.md §9.2, §10, §11, §12.3).
 */
import { type Channel, inReceiveWindow, type IncomingCommand, type UnreliableQueue } from './channel.js';
import { Command, COMMAND_MASK, PeerState } from './protocol.js';
import type { Peer } from './peer.js';

/**
 * Outcome of queueing: the command record (a reliable or fragmented packet), 'queued' (an unfragmented
 * unreliable packet waiting in the channel's queue, which keeps no record), 'delivered' (handed to the
 * application at once, no record), 'discard' (ignored but acknowledged) or 'error'.
 */
export type QueueResult = IncomingCommand | 'queued' | 'delivered' | 'discard' | 'error';

const NO_DATA = new Uint8Array(0);

/** `length` bytes of `buf` from `start`, as a plain view (no copy). */
function view(buf: Uint8Array, start: number, length: number): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset + start, length);
}

/**
 * Queues a received data command on `channel`. The payload of a whole packet is `length` bytes of
 * `buf` (the datagram) from `start`; for a fragmented packet (`fragmentCount` > 0) it is ignored and
 * `totalLength` is the declared length: the fragments are collected by `addFragment`. Godot:
 * enet_peer_queue_incoming_command (thirdparty/enet/peer.c).
 */
export function queueIncomingCommand(
  peer: Peer,
  channel: Channel,
  command: number,
  seq: number,
  useq: number,
  buf: Uint8Array,
  start: number,
  length: number,
  flags: number,
  fragmentCount: number,
  totalLength = length,
): QueueResult {
  if (peer.state === PeerState.DISCONNECT_LATER) return fragmentCount > 0 ? 'error' : 'discard';
  const number = command & COMMAND_MASK;
  if (number !== Command.SEND_UNSEQUENCED && !inReceiveWindow(channel, seq)) return fragmentCount > 0 ? 'error' : 'discard';
  const fragmented = fragmentCount > 0;
  let at: number;
  if (number === Command.SEND_RELIABLE || number === Command.SEND_FRAGMENT) {
    if (seq === channel.incomingReliableSequenceNumber) return fragmented ? 'error' : 'discard';
    at = reliableInsertIndex(channel, channel.incomingReliableCommands, seq);
    if (at < 0) return 'discard';
  } else if (number === Command.SEND_UNRELIABLE || number === Command.SEND_UNRELIABLE_FRAGMENT) {
    if (seq === channel.incomingReliableSequenceNumber && useq <= channel.incomingUnreliableSequenceNumber) return 'discard';
    at = unreliableInsertIndex(channel, channel.incomingUnreliableCommands, seq, useq);
    if (at < 0) return 'discard';
  } else if (number === Command.SEND_UNSEQUENCED) {
    at = 0;
  } else {
    return 'discard';
  }
  if (peer.totalWaitingData >= peer.host.maximumWaitingData && !unblocksUnreliable(channel, number, seq)) return 'error';
  if (number === Command.SEND_UNSEQUENCED) {
    // Divergence from ENet: unsequenced packets are handed over at once instead of waiting behind
    // sequenced entries of a future reliable epoch in the shared list (docs/wire/enet.md §11 "immediately").
    peer.totalWaitingData += length;
    deliverPacket(peer, channel, view(buf, start, length), flags);
    return 'delivered';
  }
  if (number === Command.SEND_RELIABLE || number === Command.SEND_FRAGMENT) {
    const list = channel.incomingReliableCommands;
    // The next packet in order with nothing queued ahead of it is handed over at once, without a
    // record: what queueing it and dispatching the list below would do, minus the allocation.
    if (!fragmented && list.length === 0 && seq === ((channel.incomingReliableSequenceNumber + 1) & 0xffff)) {
      peer.totalWaitingData += length;
      channel.incomingReliableSequenceNumber = seq;
      channel.incomingUnreliableSequenceNumber = 0;
      deliverPacket(peer, channel, view(buf, start, length), flags);
      if (channel.incomingUnreliableCommands.size > 0) dispatchIncomingUnreliableCommands(peer, channel);
      return 'delivered';
    }
    const incoming = record(command, seq, 0, fragmented ? NO_DATA : view(buf, start, length), flags, fragmentCount, totalLength);
    peer.totalWaitingData += totalLength;
    // Mostly appended (packets arrive in order): push, where splice would also build a result array.
    if (at === list.length) list.push(incoming);
    else list.splice(at, 0, incoming);
    dispatchIncomingReliableCommands(peer, channel);
    return incoming;
  }
  const queue = channel.incomingUnreliableCommands;
  if (!fragmented && queue.size === 0 && seq === channel.incomingReliableSequenceNumber) {
    peer.totalWaitingData += length;
    channel.incomingUnreliableSequenceNumber = useq & 0xffff;
    deliverPacket(peer, channel, view(buf, start, length), flags);
    return 'delivered';
  }
  // Divergence from ENet: a fragmented packet's buffer is not allocated when its first fragment
  // arrives (ENet mallocs the declared length, up to 32 MiB, at once) but when its last one does.
  const incoming = fragmented ? record(command, seq, useq, NO_DATA, flags, fragmentCount, totalLength) : null;
  peer.totalWaitingData += totalLength;
  queue.insert(at, seq, useq & 0xffff, fragmented ? NO_DATA : buf, start, totalLength, flags, incoming);
  dispatchIncomingUnreliableCommands(peer, channel);
  return incoming ?? 'queued';
}

function record(
  command: number,
  seq: number,
  useq: number,
  data: Uint8Array,
  flags: number,
  fragmentCount: number,
  totalLength: number,
): IncomingCommand {
  const fragmented = fragmentCount > 0;
  return {
    command,
    reliableSequenceNumber: seq,
    unreliableSequenceNumber: useq & 0xffff,
    fragmentCount,
    fragmentsRemaining: fragmentCount,
    fragments: fragmented ? new Uint32Array((fragmentCount + 31) >>> 5) : null,
    data,
    totalLength,
    pieces: fragmented ? [] : null,
    pieceOffsets: fragmented ? [] : null,
    flags,
  };
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
  const queue = channel.incomingUnreliableCommands;
  return (
    number === Command.SEND_RELIABLE &&
    queue.size > 0 &&
    queue.rsn[0] === seq &&
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

function unreliableInsertIndex(channel: Channel, queue: UnreliableQueue, seq: number, useq: number): number {
  const d = ahead(channel, seq);
  let i = queue.size;
  while (i > 0) {
    const other = ahead(channel, queue.rsn[i - 1]!);
    if (other < d) break;
    if (other === d) {
      const prev = queue.useq[i - 1]!;
      if (prev === useq) return -1;
      if (prev < useq) break;
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

/**
 * Finds a pending unreliable entry by (reliable seq, start seq): its reassembly record, null when
 * the entry is an unfragmented packet (a fragment naming it is an error, as in ENet), undefined
 * when there is none.
 */
export function findUnreliableFragmentStart(channel: Channel, seq: number, start: number): IncomingCommand | null | undefined {
  const queue = channel.incomingUnreliableCommands;
  for (let i = queue.size - 1; i >= 0; i--) {
    if (queue.rsn[i] === seq && queue.useq[i] === start) return queue.record[i]!;
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
  for (const c of done) deliverPacket(peer, channel, c.data, c.flags);
  if (channel.incomingUnreliableCommands.size > 0) dispatchIncomingUnreliableCommands(peer, channel);
}

/**
 * Delivers complete unreliable packets of the current reliable epoch in order; incomplete
 * fragments overtaken by a delivered packet and entries of past epochs are dropped; entries of a
 * future epoch wait. Godot: enet_peer_dispatch_incoming_unreliable_commands.
 */
export function dispatchIncomingUnreliableCommands(peer: Peer, channel: Channel): void {
  const queue = channel.incomingUnreliableCommands;
  const size = queue.size;
  const current = channel.incomingReliableSequenceNumber;
  // Fast path: the head waits for a future reliable epoch, so nothing can move (the C library
  // also stops its walk there); avoids rebuilding a long pending list on every arrival.
  if (size === 0 || (queue.rsn[0] !== current && inReceiveWindow(channel, queue.rsn[0]!))) return;
  // Compacted in place (kept entries move down over consumed ones): this runs once per arriving
  // unreliable packet, so it allocates nothing.
  let kept = 0;
  let i = 0;
  for (; i < size; i++) {
    const rsn = queue.rsn[i]!;
    if (rsn === current) {
      const incoming = queue.record[i]!;
      if (incoming === null || incoming.fragmentsRemaining <= 0) {
        channel.incomingUnreliableSequenceNumber = queue.useq[i]!;
        const data = incoming === null ? view(queue.buf[i]!, queue.start[i]!, queue.length[i]!) : incoming.data;
        deliverPacket(peer, channel, data, queue.flags[i]!);
      } else {
        queue.move(i, kept++);
      }
    } else if (inReceiveWindow(channel, rsn)) {
      break;
    } else {
      forget(peer, queue, i);
    }
  }
  // Incomplete fragments overtaken by a delivered packet are stale.
  let n = 0;
  for (let k = 0; k < kept; k++) {
    if (queue.rsn[k] === current && queue.useq[k]! <= channel.incomingUnreliableSequenceNumber) forget(peer, queue, k);
    else queue.move(k, n++);
  }
  for (; i < size; i++) queue.move(i, n++);
  queue.truncate(n);
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

/** Drops entry `i` of `queue`, which will never be delivered, returning what it held. */
function forget(peer: Peer, queue: UnreliableQueue, i: number): void {
  peer.totalWaitingData -= queue.length[i]!;
  const incoming = queue.record[i];
  if (incoming) release(peer.host, incoming);
}

/** Returns the buffered fragment bytes of every pending reassembly of `channels` to the host (peer reset). */
export function releaseReassemblies(peer: Peer, channels: readonly Channel[]): void {
  for (const channel of channels) {
    for (const c of channel.incomingReliableCommands) release(peer.host, c);
    for (const c of channel.incomingUnreliableCommands.record) if (c !== null) release(peer.host, c);
  }
}

function deliverPacket(peer: Peer, channel: Channel, data: Uint8Array, flags: number): void {
  peer.dispatchedCommands.push(data, 0, flags, channel.id);
  peer.host.queueDispatch(peer);
}
