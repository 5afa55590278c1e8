/**
 * ENet 1.3 wire constants: command numbers, flags, fixed command sizes and protocol limits
 * (docs/wire/enet.md §2 and §4). Names follow enet/protocol.h and enet/enet.h.
 */

/** Command numbers (low 4 bits of the command byte). */
export const Command = {
  NONE: 0,
  ACKNOWLEDGE: 1,
  CONNECT: 2,
  VERIFY_CONNECT: 3,
  DISCONNECT: 4,
  PING: 5,
  SEND_RELIABLE: 6,
  SEND_UNRELIABLE: 7,
  SEND_FRAGMENT: 8,
  SEND_UNSEQUENCED: 9,
  BANDWIDTH_LIMIT: 10,
  THROTTLE_CONFIGURE: 11,
  SEND_UNRELIABLE_FRAGMENT: 12,
  COUNT: 13,
} as const;

/** Mask of the command number inside the command byte. */
export const COMMAND_MASK = 0x0f;
/** Command flag: the receiver must acknowledge this command. */
export const FLAG_ACKNOWLEDGE = 0x80;
/** Command flag: the command is unsequenced (sender bookkeeping only). */
export const FLAG_UNSEQUENCED = 0x40;

/** Header flag: the datagram body is compressed. */
export const HEADER_FLAG_COMPRESSED = 0x4000;
/** Header flag: a 16-bit sentTime follows the peer id word. */
export const HEADER_FLAG_SENT_TIME = 0x8000;
/** Both header flags. */
export const HEADER_FLAG_MASK = 0xc000;
/** Session id bits of the peer id word. */
export const HEADER_SESSION_MASK = 0x3000;
/** Shift of the session id inside the peer id word. */
export const HEADER_SESSION_SHIFT = 12;

/** Fixed size of each command (common header included, payload excluded); 0 = invalid. */
export const COMMAND_SIZES: readonly number[] = [0, 8, 48, 44, 8, 4, 6, 8, 24, 8, 12, 16, 24];

/** Packet flags of the C API (ENetPacketFlag); Godot's ENetPacketPeer flags use the same values. */
export const PacketFlag = {
  RELIABLE: 1,
  UNSEQUENCED: 2,
  NO_ALLOCATE: 4,
  UNRELIABLE_FRAGMENT: 8,
  SENT: 256,
} as const;

/** Protocol limits and defaults (docs/wire/enet.md §2). */
export const Limits = {
  MINIMUM_MTU: 576,
  MAXIMUM_MTU: 4096,
  MAXIMUM_PACKET_COMMANDS: 32,
  MINIMUM_WINDOW_SIZE: 4096,
  MAXIMUM_WINDOW_SIZE: 65536,
  MINIMUM_CHANNEL_COUNT: 1,
  MAXIMUM_CHANNEL_COUNT: 255,
  MAXIMUM_PEER_ID: 0xfff,
  MAXIMUM_FRAGMENT_COUNT: 1024 * 1024,
} as const;

/** Host and peer defaults (enet.h). The MTU is 1.3.18's (also Godot 4's). */
export const Defaults = {
  HOST_MTU: 1392,
  HOST_MAXIMUM_PACKET_SIZE: 32 * 1024 * 1024,
  HOST_MAXIMUM_WAITING_DATA: 32 * 1024 * 1024,
  /** Not in ENet: fragment bytes buffered for reassembly over all of a host's peers. */
  HOST_MAXIMUM_REASSEMBLY_DATA: 64 * 1024 * 1024,
  HOST_BANDWIDTH_THROTTLE_INTERVAL: 1000,
  PEER_ROUND_TRIP_TIME: 500,
  PEER_PACKET_THROTTLE: 32,
  PACKET_THROTTLE_SCALE: 32,
  PACKET_THROTTLE_COUNTER: 7,
  PACKET_THROTTLE_ACCELERATION: 2,
  PACKET_THROTTLE_DECELERATION: 2,
  PACKET_THROTTLE_INTERVAL: 5000,
  PACKET_LOSS_SCALE: 1 << 16,
  PACKET_LOSS_INTERVAL: 10000,
  WINDOW_SIZE_SCALE: 64 * 1024,
  TIMEOUT_LIMIT: 32,
  TIMEOUT_MINIMUM: 5000,
  TIMEOUT_MAXIMUM: 30000,
  PING_INTERVAL: 500,
  UNSEQUENCED_WINDOW_SIZE: 1024,
  FREE_UNSEQUENCED_WINDOWS: 32,
  RELIABLE_WINDOWS: 16,
  RELIABLE_WINDOW_SIZE: 0x1000,
  FREE_RELIABLE_WINDOWS: 8,
} as const;

/** Peer states (ENetPeerState), same numbers as the C library. */
export const PeerState = {
  DISCONNECTED: 0,
  CONNECTING: 1,
  ACKNOWLEDGING_CONNECT: 2,
  CONNECTION_PENDING: 3,
  CONNECTION_SUCCEEDED: 4,
  CONNECTED: 5,
  DISCONNECT_LATER: 6,
  DISCONNECTING: 7,
  ACKNOWLEDGING_DISCONNECT: 8,
  ZOMBIE: 9,
} as const;
export type PeerState = (typeof PeerState)[keyof typeof PeerState];

const TIME_OVERFLOW = 86_400_000;

/** Wrap-aware `a < b` on u32 millisecond times (ENET_TIME_LESS). */
export function timeLess(a: number, b: number): boolean {
  return (a - b) >>> 0 >= TIME_OVERFLOW;
}

/** Wrap-aware `a >= b` (ENET_TIME_GREATER_EQUAL). */
export function timeGreaterEqual(a: number, b: number): boolean {
  return !timeLess(a, b);
}

/** Wrap-aware distance between two u32 times (ENET_TIME_DIFFERENCE). */
export function timeDifference(a: number, b: number): number {
  const d = (a - b) >>> 0;
  return d >= TIME_OVERFLOW ? (b - a) >>> 0 : d;
}

/** Window size for a bandwidth (bytes/s), clamped to the protocol range (docs/wire/enet.md §7.5). */
export function windowForBandwidth(bandwidth: number): number {
  if (bandwidth === 0) return Limits.MAXIMUM_WINDOW_SIZE;
  const w = Math.floor(bandwidth / Defaults.WINDOW_SIZE_SCALE) * Limits.MINIMUM_WINDOW_SIZE;
  return clamp(w, Limits.MINIMUM_WINDOW_SIZE, Limits.MAXIMUM_WINDOW_SIZE);
}

/** `min(max(v, lo), hi)`. */
export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
