/**
 * A readable rendering of ENet datagrams, for packet traces and golden tests. The format matches the
 * annotations of the reference captures (spec enet/captures).
 */
import {
  Command,
  COMMAND_MASK,
  COMMAND_SIZES,
  FLAG_ACKNOWLEDGE,
  FLAG_UNSEQUENCED,
  HEADER_FLAG_COMPRESSED,
  HEADER_FLAG_SENT_TIME,
} from './protocol.js';

const NAMES = Object.fromEntries(Object.entries(Command).map(([k, v]) => [v, k])) as Record<number, string>;

/** A decoded datagram: header fields and one line per command. */
export interface DatagramTrace {
  readonly peerID: number;
  readonly session: number;
  readonly compressed: boolean;
  readonly sentTime: number | null;
  readonly checksum: number | null;
  /** One line per command, e.g. `PING ack=true unseq=false channel=255 rsn=2`; empty when compressed. */
  readonly commands: string[];
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Decodes `data`; `checksum` says whether the hosts use CRC32 (it is not signalled on the wire). */
export function describeDatagram(data: Uint8Array, checksum = false): DatagramTrace | null {
  if (data.length < 2) return null;
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const word = v.getUint16(0);
  const hasTime = (word & HEADER_FLAG_SENT_TIME) !== 0;
  let off = hasTime ? 4 : 2;
  const sum = checksum && data.length >= off + 4 ? v.getUint32(off) : null;
  if (checksum) off += 4;
  const trace = {
    peerID: word & 0x0fff,
    session: (word >> 12) & 3,
    compressed: (word & HEADER_FLAG_COMPRESSED) !== 0,
    sentTime: hasTime && data.length >= 4 ? v.getUint16(2) : null,
    checksum: sum,
    commands: [] as string[],
  };
  if (trace.compressed) return trace;
  while (off + 4 <= data.length) {
    const line = describeCommand(data, v, off);
    if (line === null) break;
    trace.commands.push(line.text);
    off = line.next;
  }
  return trace;
}

function describeCommand(data: Uint8Array, v: DataView, at: number): { text: string; next: number } | null {
  const byte = data[at]!;
  const number = byte & COMMAND_MASK;
  const size = COMMAND_SIZES[number] ?? 0;
  if (size === 0 || at + size > data.length) return null;
  const u16 = (o: number): number => v.getUint16(at + o);
  const u32 = (o: number): number => v.getUint32(at + o);
  const parts = [
    NAMES[number]!,
    `ack=${(byte & FLAG_ACKNOWLEDGE) !== 0}`,
    `unseq=${(byte & FLAG_UNSEQUENCED) !== 0}`,
    `channel=${data[at + 1]}`,
    `rsn=${u16(2)}`,
  ];
  let payload = 0;
  const payloadAt = at + size;
  const head = (): string => `payloadHead=${hex(data.subarray(payloadAt, payloadAt + Math.min(payload, 16)))}`;
  switch (number) {
    case Command.ACKNOWLEDGE:
      parts.push(`recvRSN=${u16(4)}`, `recvSentTime=${u16(6)}`);
      break;
    case Command.CONNECT:
    case Command.VERIFY_CONNECT:
      parts.push(
        `outgoingPeerID=${u16(4)}`,
        `inSession=${data[at + 6]}`,
        `outSession=${data[at + 7]}`,
        `mtu=${u32(8)}`,
        `windowSize=${u32(12)}`,
        `channelCount=${u32(16)}`,
        `inBW=${u32(20)}`,
        `outBW=${u32(24)}`,
        `throttleInterval=${u32(28)}`,
        `throttleAccel=${u32(32)}`,
        `throttleDecel=${u32(36)}`,
        `connectID=${hex(data.subarray(at + 40, at + 44))}`,
      );
      if (number === Command.CONNECT) parts.push(`data=${u32(44)}`);
      break;
    case Command.DISCONNECT:
      parts.push(`data=${u32(4)}`);
      break;
    case Command.BANDWIDTH_LIMIT:
      parts.push(`inBW=${u32(4)}`, `outBW=${u32(8)}`);
      break;
    case Command.THROTTLE_CONFIGURE:
      parts.push(`interval=${u32(4)}`, `accel=${u32(8)}`, `decel=${u32(12)}`);
      break;
    case Command.SEND_RELIABLE:
      payload = u16(4);
      parts.push(`dataLength=${payload}`, head());
      break;
    case Command.SEND_UNRELIABLE:
      payload = u16(6);
      parts.push(`unreliableSeq=${u16(4)}`, `dataLength=${payload}`, head());
      break;
    case Command.SEND_UNSEQUENCED:
      payload = u16(6);
      parts.push(`unsequencedGroup=${u16(4)}`, `dataLength=${payload}`, head());
      break;
    case Command.SEND_FRAGMENT:
    case Command.SEND_UNRELIABLE_FRAGMENT:
      payload = u16(6);
      parts.push(
        `startSeq=${u16(4)}`,
        `dataLength=${payload}`,
        `fragmentCount=${u32(8)}`,
        `fragmentNumber=${u32(12)}`,
        `totalLength=${u32(16)}`,
        `fragmentOffset=${u32(20)}`,
        head(),
      );
      break;
  }
  return { text: parts.join(' '), next: at + size + payload };
}
