import { Command, FLAG_ACKNOWLEDGE } from '../../plugins/enet/protocol/protocol.js';

const u32 = (v: number): number[] => [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];

/**
 * A forged ENet CONNECT datagram as a hostile client sends it: no peer id yet, sentTime set, 2 channels,
 * MTU 1392, window 65536, and the given `connectId`. The hostile-input tests flood hosts with these.
 */
export function forgedConnect(connectId: number): Uint8Array {
  return new Uint8Array([
    0x8f,
    0xff,
    0,
    1,
    Command.CONNECT | FLAG_ACKNOWLEDGE,
    0xff,
    0,
    1,
    0,
    0,
    0xff,
    0xff,
    ...u32(1392),
    ...u32(65536),
    ...u32(2),
    ...u32(0),
    ...u32(0),
    ...u32(5000),
    ...u32(2),
    ...u32(2),
    ...u32(connectId),
    ...u32(0),
  ]);
}
