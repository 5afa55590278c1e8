import { ErrorCode, decodeAndDecompressVariants } from '../../core/index.js';

/**
 * Decodes `argc` arguments starting at `offset` (the packet is already cut at the path offset).
 * Divergence from Godot: any decode failure fails the whole call (Godot calls the method with `null`
 * for the arguments it could not decode); we never invoke a method with half-decoded arguments.
 */
export function decodeRpcArguments(
  packet: Uint8Array,
  offset: number,
  argc: number,
  raw: boolean,
  allowObjects: boolean,
): unknown[] | ErrorCode {
  const result = decodeAndDecompressVariants(packet, offset, argc, { raw, allowObjects });
  return result.error === ErrorCode.OK ? result.values : result.error;
}
