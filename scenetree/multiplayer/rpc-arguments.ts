import { ErrorCode, decodeAndDecompressVariants, encodeAndCompressVariants, isRawArguments } from '../../core/index.js';

/** Encoded RPC arguments: either compressed Variants with a count byte, or the raw/no-args form. */
export interface EncodedArguments {
  /** True for zero arguments or exactly one PackedByteArray (meta bit 7, no count byte). */
  readonly raw: boolean;
  readonly bytes: Uint8Array;
  readonly count: number;
}

/**
 * Godot: SceneRPCInterface::_encode_arguments with the raw-bytes shortcut (wire spec §2.10, §6.2).
 * Returns `ERR_INVALID_PARAMETER` for a value that has no Variant encoding.
 */
export function encodeRpcArguments(args: readonly unknown[], fullObjects: boolean): EncodedArguments | ErrorCode {
  const bytes = encodeAndCompressVariants(args, { fullObjects, raw: true });
  if (typeof bytes === 'number') return bytes;
  return { raw: isRawArguments(args), bytes, count: args.length };
}

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
