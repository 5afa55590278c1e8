/**
 * Command encoding: writes outgoing commands into a datagram buffer and builds the fixed parts of
 * control commands (docs/wire/enet.md §5).
 */
import type { OutgoingCommand } from './channel.js';
import { Command, COMMAND_MASK, COMMAND_SIZES } from './protocol.js';

/** Fields of CONNECT and VERIFY_CONNECT (docs/wire/enet.md §5.2, §5.3). */
export interface ConnectFields {
  outgoingPeerID: number;
  incomingSessionID: number;
  outgoingSessionID: number;
  mtu: number;
  windowSize: number;
  channelCount: number;
  incomingBandwidth: number;
  outgoingBandwidth: number;
  packetThrottleInterval: number;
  packetThrottleAcceleration: number;
  packetThrottleDeceleration: number;
  connectID: number;
  data: number;
}

/** Encodes CONNECT (with `data`) or VERIFY_CONNECT (without) after the 4-byte common header. */
export function encodeConnect(command: number, f: ConnectFields): Uint8Array {
  const size = COMMAND_SIZES[command & COMMAND_MASK]!;
  const b = new Uint8Array(size);
  const v = new DataView(b.buffer);
  v.setUint16(4, f.outgoingPeerID);
  b[6] = f.incomingSessionID;
  b[7] = f.outgoingSessionID;
  v.setUint32(8, f.mtu);
  v.setUint32(12, f.windowSize);
  v.setUint32(16, f.channelCount);
  v.setUint32(20, f.incomingBandwidth);
  v.setUint32(24, f.outgoingBandwidth);
  v.setUint32(28, f.packetThrottleInterval);
  v.setUint32(32, f.packetThrottleAcceleration);
  v.setUint32(36, f.packetThrottleDeceleration);
  v.setUint32(40, f.connectID);
  if ((command & COMMAND_MASK) === Command.CONNECT) v.setUint32(44, f.data >>> 0);
  return b;
}

/** Encodes a command of `size` bytes whose body is the given u32 fields, starting at offset 4. */
export function encodeU32Body(size: number, ...fields: number[]): Uint8Array {
  const b = new Uint8Array(size);
  const v = new DataView(b.buffer);
  fields.forEach((x, i) => v.setUint32(4 + 4 * i, x >>> 0));
  return b;
}

/** Byte size of `c` on the wire: fixed part plus the payload slice it carries. */
export function commandWireSize(c: OutgoingCommand): number {
  return COMMAND_SIZES[c.command & COMMAND_MASK]! + (c.data === null ? 0 : c.fragmentLength);
}

/** Writes `c` (header and payload) into `buf` at `off`; returns the new offset. */
export function writeCommand(buf: Uint8Array, view: DataView, off: number, c: OutgoingCommand): number {
  const number = c.command & COMMAND_MASK;
  buf[off] = c.command;
  buf[off + 1] = c.channelID;
  view.setUint16(off + 2, c.reliableSequenceNumber);
  switch (number) {
    case Command.SEND_RELIABLE:
      view.setUint16(off + 4, c.fragmentLength);
      break;
    case Command.SEND_UNRELIABLE:
    case Command.SEND_UNSEQUENCED:
      view.setUint16(off + 4, c.unreliableSequenceNumber);
      view.setUint16(off + 6, c.fragmentLength);
      break;
    case Command.SEND_FRAGMENT:
    case Command.SEND_UNRELIABLE_FRAGMENT:
      view.setUint16(off + 4, c.unreliableSequenceNumber);
      view.setUint16(off + 6, c.fragmentLength);
      view.setUint32(off + 8, c.fragmentCount);
      view.setUint32(off + 12, c.fragmentNumber);
      view.setUint32(off + 16, c.data!.length);
      view.setUint32(off + 20, c.fragmentOffset);
      break;
    default:
      if (c.header !== null) buf.set(c.header.subarray(4), off + 4);
  }
  off += COMMAND_SIZES[number]!;
  const data = c.data;
  const length = c.fragmentLength;
  if (data !== null && length > 0) {
    // Small payloads are copied byte by byte: a subarray view per command costs more than the copy.
    if (length <= 64) {
      for (let i = 0, from = c.fragmentOffset; i < length; i++) buf[off + i] = data[from + i]!;
    } else if (c.fragmentOffset === 0 && length === data.length) {
      buf.set(data, off);
    } else {
      buf.set(data.subarray(c.fragmentOffset, c.fragmentOffset + length), off);
    }
    off += length;
  }
  return off;
}
