import { ErrorCode } from './error-code.js';
import { decodeVariant } from './variant/variant-decoder.js';
import { encodeVariant } from './variant/variant-encoder.js';
import type { Variant } from './variant/variant.js';

/**
 * Godot: PacketPeer (core/io/packet_peer.h). A source and sink of whole packets.
 * `getPacket()` returns the next packet, or an `ErrorCode` (`ERR_UNAVAILABLE` when none is queued).
 * Classes get `getVar`/`putVar` by extending `PacketPeerBase`; any other implementation can call
 * `getVarFrom`/`putVarTo`.
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

/** What `getVarFrom` returns: the decoded value, or the error (and `value` null). */
export type GetVarResult =
  | { readonly error: typeof ErrorCode.OK; readonly value: Variant }
  | { readonly error: Exclude<ErrorCode, typeof ErrorCode.OK>; readonly value: null };

/**
 * Godot: PacketPeer::get_var. Takes the next packet and decodes it as one Variant with the core codec.
 * `allowObjects` as Godot: a full object without it fails with ERR_UNAUTHORIZED. The packet is consumed
 * even when it does not decode. Bytes after the value are ignored, as in Godot.
 */
export function getVarFrom(peer: PacketPeer, allowObjects = false): GetVarResult {
  const packet = peer.getPacket();
  if (!isPacket(packet)) return { error: packet === ErrorCode.OK ? ErrorCode.ERR_BUG : packet, value: null } as GetVarResult;
  const decoded = decodeVariant(packet, 0, { allowObjects });
  return decoded.error === ErrorCode.OK ? { error: ErrorCode.OK, value: decoded.value } : { error: decoded.error, value: null };
}

/**
 * Godot: PacketPeer::put_var. Encodes `value` as one Variant (objects in full with `fullObjects`) and
 * sends it as one packet. ERR_INVALID_PARAMETER when `value` is not a Variant; else `putPacket`'s code.
 */
export function putVarTo(peer: PacketPeer, value: Variant, fullObjects = false): ErrorCode {
  const bytes = encodeVariant(value, { fullObjects });
  return typeof bytes === 'number' ? bytes : peer.putPacket(bytes);
}

/**
 * The PacketPeer methods every packet peer shares, built on the four it implements (Godot: the
 * non-virtual part of PacketPeer). Every multiplayer peer and every standalone packet peer extends it.
 */
export abstract class PacketPeerBase implements PacketPeer {
  #lastGetError: ErrorCode = ErrorCode.OK;

  abstract getAvailablePacketCount(): number;
  abstract getMaxPacketSize(): number;
  abstract getPacket(): Uint8Array | ErrorCode;
  abstract putPacket(packet: Uint8Array): ErrorCode;

  /**
   * Godot: get_var(allow_objects = false): the next packet decoded as one Variant, or null on failure;
   * `getPacketError()` then tells why (ERR_UNAVAILABLE when no packet was queued).
   */
  getVar(allowObjects = false): Variant {
    const result = getVarFrom(this, allowObjects);
    this.#lastGetError = result.error;
    return result.value;
  }

  /** Godot: put_var(var, full_objects = false): sends `value` as one packet encoded with the core codec. */
  putVar(value: Variant, fullObjects = false): ErrorCode {
    return putVarTo(this, value, fullObjects);
  }

  /** Godot: get_packet_error: the error of the last `getVar` (`getPacket` returns its error itself). */
  getPacketError(): ErrorCode {
    return this.#lastGetError;
  }
}
