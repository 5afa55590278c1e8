import { ErrorCode, decodeAndDecompressVariant, encodeAndCompressVariants } from '../../core/index.js';

/** Encoded RPC arguments: either compressed Variants with a count byte, or the raw/no-args form. */
export interface EncodedArguments {
  /** True for zero arguments or exactly one PackedByteArray (meta bit 7, no count byte). */
  readonly raw: boolean;
  readonly bytes: Uint8Array;
  readonly count: number;
}

const NONE = new Uint8Array(0);

/**
 * Godot: SceneRPCInterface::_encode_arguments with the raw-bytes shortcut (wire spec §2.10, §6.2).
 * Returns `ERR_INVALID_PARAMETER` for a value that has no Variant encoding.
 */
export function encodeRpcArguments(args: readonly unknown[], fullObjects: boolean): EncodedArguments | ErrorCode {
  if (args.length === 0) return { raw: true, bytes: NONE, count: 0 };
  if (args.length === 1 && args[0] instanceof Uint8Array && !(args[0] instanceof Uint8ClampedArray)) {
    return { raw: true, bytes: args[0].slice(), count: 1 };
  }
  const bytes = encodeAndCompressVariants(args, { fullObjects });
  if (typeof bytes === 'number') return bytes;
  return { raw: false, bytes, count: args.length };
}

/**
 * Decodes `argc` arguments starting at `offset` (the packet is already cut at the path offset).
 * Any decode failure fails the whole call: we never invoke a method with half-decoded arguments.
 */
export function decodeRpcArguments(
  packet: Uint8Array,
  offset: number,
  argc: number,
  raw: boolean,
  allowObjects: boolean,
): unknown[] | ErrorCode {
  if (raw) return argc === 0 ? [] : [packet.slice(offset)];
  const args: unknown[] = new Array(argc);
  for (let i = 0; i < argc; i++) {
    if (offset >= packet.length) return ErrorCode.ERR_INVALID_DATA;
    const result = decodeAndDecompressVariant(packet, offset, { allowObjects });
    if (typeof result === 'number') return result;
    args[i] = result.value;
    offset += result.length;
  }
  return args;
}
