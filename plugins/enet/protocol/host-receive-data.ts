/**
 * Handlers for the data commands: SEND_RELIABLE, SEND_UNRELIABLE, SEND_UNSEQUENCED and both
 * fragment kinds, with the validation rules of docs/wire/enet.md §12.3 and §19.
 */
import type { Channel } from './channel.js';
import type { CommandContext } from './host-receive.js';
import type { Peer } from './peer.js';
import {
  addFragment,
  findReliableFragmentStart,
  findUnreliableFragmentStart,
  dispatchIncomingReliableCommands,
  dispatchIncomingUnreliableCommands,
  queueIncomingCommand,
} from './incoming.js';
import { inReceiveWindow } from './channel.js';
import { Command, Defaults, Limits, PacketFlag, PeerState } from './protocol.js';

/**
 * True in the states that accept data and control commands. Here rather than in host-receive, which
 * imports this module, so that the two do not import each other at run time.
 */
export function connected(peer: Peer): boolean {
  return peer.state === PeerState.CONNECTED || peer.state === PeerState.DISCONNECT_LATER;
}

/** Runs a data command; returns the offset after its payload, or -1 on error. */
export function receiveData(ctx: CommandContext, number: number): number {
  switch (number) {
    case Command.SEND_RELIABLE:
      return handleSend(ctx, 4, 0, PacketFlag.RELIABLE);
    case Command.SEND_UNRELIABLE:
      return handleSend(ctx, 6, ctx.view.getUint16(ctx.at + 4), 0);
    case Command.SEND_UNSEQUENCED:
      return handleSendUnsequenced(ctx);
    case Command.SEND_FRAGMENT:
      return handleSendFragment(ctx, true);
    case Command.SEND_UNRELIABLE_FRAGMENT:
      return handleSendFragment(ctx, false);
    default:
      return -1;
  }
}

/** The channel of a data command, or null when the peer may not receive data on it. */
function dataChannel(ctx: CommandContext): Channel | null {
  const peer = ctx.peer!;
  if (ctx.channelID >= peer.channels.length || !connected(peer)) return null;
  return peer.channels[ctx.channelID]!;
}

/**
 * The end of the payload, which starts at `ctx.end`, or -1 when it runs past the datagram or is
 * oversized. (A number, not a [start, end] pair: this runs once per received packet.)
 */
function payloadEnd(ctx: CommandContext, lengthAt: number): number {
  const length = ctx.view.getUint16(ctx.at + lengthAt);
  const end = ctx.end + length;
  return length > ctx.host.maximumPacketSize || end > ctx.data.length ? -1 : end;
}

/**
 * The payload as a plain Uint8Array view into the datagram (each datagram is its own allocation,
 * never reused): no copy, and cheaper than Buffer#slice, which builds a Buffer subclass per packet.
 */
function payloadView(ctx: CommandContext, start: number, end: number): Uint8Array {
  return new Uint8Array(ctx.data.buffer, ctx.data.byteOffset + start, end - start);
}

function handleSend(ctx: CommandContext, lengthAt: number, useq: number, flags: number): number {
  const channel = dataChannel(ctx);
  const end = payloadEnd(ctx, lengthAt);
  if (channel === null || end < 0) return -1;
  const r = queueIncomingCommand(ctx.peer!, channel, ctx.command, ctx.seq, useq, ctx.data, ctx.end, end - ctx.end, flags, 0);
  return r === 'error' ? -1 : end;
}

/** Godot: enet_protocol_handle_send_unsequenced. */
function handleSendUnsequenced(ctx: CommandContext): number {
  const channel = dataChannel(ctx);
  const end = payloadEnd(ctx, 6);
  if (channel === null || end < 0) return -1;
  const bounds = [ctx.end, end] as const;
  const peer = ctx.peer!;
  const size = Defaults.UNSEQUENCED_WINDOW_SIZE;
  let group = ctx.view.getUint16(ctx.at + 4);
  const index = group % size;
  if (group < peer.incomingUnsequencedGroup) group += 0x10000;
  if (group >= peer.incomingUnsequencedGroup + Defaults.FREE_UNSEQUENCED_WINDOWS * size) return bounds[1];
  group &= 0xffff;
  if (group - index !== peer.incomingUnsequencedGroup) {
    peer.incomingUnsequencedGroup = group - index;
    peer.unsequencedWindow.fill(0);
  } else if (peer.unsequencedWindow[index >>> 5]! & (1 << (index & 31))) {
    return bounds[1];
  }
  const r = queueIncomingCommand(peer, channel, ctx.command, 0, 0, ctx.data, bounds[0], bounds[1] - bounds[0], PacketFlag.UNSEQUENCED, 0);
  if (r === 'error') return -1;
  peer.unsequencedWindow[index >>> 5]! |= 1 << (index & 31);
  return bounds[1];
}

/**
 * Reassembly of reliable (keyed by start sequence number) and unreliable (keyed by reliable seq and
 * start) fragments. Godot: enet_protocol_handle_send_fragment / _send_unreliable_fragment.
 */
function handleSendFragment(ctx: CommandContext, reliable: boolean): number {
  const channel = dataChannel(ctx);
  const end = payloadEnd(ctx, 6);
  if (channel === null || end < 0) return -1;
  const bounds = [ctx.end, end] as const;
  const { view, at } = ctx;
  const peer = ctx.peer!;
  const fragmentLength = bounds[1] - bounds[0];
  if (fragmentLength === 0) return -1;
  const start = view.getUint16(at + 4);
  const seq = reliable ? start : ctx.seq;
  if (!inReceiveWindow(channel, seq)) return bounds[1];
  if (!reliable && seq === channel.incomingReliableSequenceNumber && start <= channel.incomingUnreliableSequenceNumber) return bounds[1];
  const fragmentCount = view.getUint32(at + 8);
  const fragmentNumber = view.getUint32(at + 12);
  const totalLength = view.getUint32(at + 16);
  const fragmentOffset = view.getUint32(at + 20);
  if (
    fragmentCount > Limits.MAXIMUM_FRAGMENT_COUNT ||
    fragmentNumber >= fragmentCount ||
    totalLength > ctx.host.maximumPacketSize ||
    totalLength < fragmentCount ||
    fragmentOffset >= totalLength ||
    fragmentLength > totalLength - fragmentOffset
  ) {
    return -1;
  }
  let entry = reliable ? findReliableFragmentStart(channel, start) : findUnreliableFragmentStart(channel, seq, start);
  if (entry === null) return -1; // an unfragmented packet with that (seq, start): ENet's "not a fragment" error
  if (entry !== undefined) {
    if (
      entry.fragmentCount !== fragmentCount ||
      entry.totalLength !== totalLength ||
      (entry.flags & PacketFlag.RELIABLE) !== (reliable ? PacketFlag.RELIABLE : 0)
    ) {
      return -1;
    }
  } else {
    if (peer.totalWaitingData + totalLength > ctx.host.maximumWaitingData) return -1;
    const command = reliable ? ctx.command : Command.SEND_UNRELIABLE_FRAGMENT;
    const flags = reliable ? PacketFlag.RELIABLE : PacketFlag.UNRELIABLE_FRAGMENT;
    const r = queueIncomingCommand(peer, channel, command, seq, start, ctx.data, 0, 0, flags, fragmentCount, totalLength);
    if (r === 'error') return -1;
    if (typeof r === 'string') return bounds[1];
    entry = r;
  }
  if (entry.fragmentsRemaining <= 0) return bounds[1];
  if (!addFragment(peer, entry, fragmentNumber, fragmentOffset, payloadView(ctx, bounds[0], bounds[1]))) {
    ctx.host.noteReassemblyRefused(peer);
    return -1;
  }
  if (entry.fragmentsRemaining <= 0) {
    if (reliable) dispatchIncomingReliableCommands(peer, channel);
    else dispatchIncomingUnreliableCommands(peer, channel);
  }
  return bounds[1];
}
