import type { ErrorCode } from './error-code.js';

/**
 * Godot: PacketPeer (core/io/packet_peer.h). A source and sink of whole packets.
 * `getPacket()` returns the next packet, or an `ErrorCode` (`ERR_UNAVAILABLE` when none is queued).
 */
export interface PacketPeer {
  getAvailablePacketCount(): number;
  getMaxPacketSize(): number;
  getPacket(): Uint8Array | ErrorCode;
  putPacket(packet: Uint8Array): ErrorCode;
}

/** Narrows a `getPacket()` result. */
export function isPacket(value: Uint8Array | ErrorCode): value is Uint8Array {
  return typeof value !== 'number';
}
