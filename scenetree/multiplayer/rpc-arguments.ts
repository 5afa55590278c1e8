import { ErrorCode, decodeAndDecompressVariants, type DecompressOptions } from '../../core/index.js';

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
  const result = decodeAndDecompressVariants(packet, offset, argc, raw ? RAW[allowObjects ? 1 : 0] : PLAIN[allowObjects ? 1 : 0]);
  return result.error === ErrorCode.OK ? result.values : result.error;
}

// The four option sets, made once (not an object per packet).
const PLAIN: readonly DecompressOptions[] = [
  { raw: false, allowObjects: false },
  { raw: false, allowObjects: true },
];
const RAW: readonly DecompressOptions[] = [
  { raw: true, allowObjects: false },
  { raw: true, allowObjects: true },
];
