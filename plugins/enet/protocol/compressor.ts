/**
 * ENet datagram compressors (ENetCompressor): ENet's range coder and Godot's FastLZ / zlib modes.
 *
 * What Godot's source says (godotengine/godot; files and the stored commits read):
 * - modules/enet/enet_connection.cpp (043646ca): `Compressor::setup` installs ENet's own range coder
 *   for COMPRESS_RANGE_CODER and a custom ENetCompressor for FASTLZ / ZLIB / ZSTD. Its `enet_compress`
 *   concatenates the command buffers (the body after the ENet header and checksum) into one block,
 *   runs `Compression::compress` (FASTLZ → MODE_FASTLZ, ZLIB → MODE_DEFLATE, ZSTD → MODE_ZSTD) and
 *   returns 0 ("send uncompressed") when that fails or the result exceeds `outLimit`. `enet_decompress`
 *   runs `Compression::decompress(out, outLimit, in, inLimit, mode)` and returns 0 on a negative result.
 *   No extra framing byte: the compressed block alone follows the header, with the COMPRESSED flag.
 * - core/io/compression.cpp (02387b20): MODE_FASTLZ calls `fastlz_compress`, which picks level 1 below
 *   65536 bytes (thirdparty/misc/fastlz.c, eb4904b5), so always level 1 for ENet. An input shorter
 *   than 16 bytes is zero-padded to 16 before compressing; decompression into a buffer of ≥ 16 bytes
 *   (always the case for ENet) returns the whole decoded stream, so such a body arrives 16 bytes long
 *   with trailing zeros (which ENet's command parser stops at). MODE_DEFLATE is zlib-wrapped deflate
 *   (RFC 1950 header + Adler-32; `deflateInit2` window bits 15, memLevel 8, default strategy) at
 *   `Compression::zlib_level`, default Z_DEFAULT_COMPRESSION (project setting
 *   compression/formats/zlib/compression_level); decompression is `inflate(Z_FINISH)` into
 *   `outLimit` bytes and succeeds only on Z_STREAM_END (bytes after the stream end are ignored).
 * - thirdparty/enet/protocol.c (0dd74c50): the sender calls `compress(..., inLimit = body length,
 *   outLimit = body length)` and keeps the result only when `0 < size < body length` (the CRC32, when
 *   on, covers the uncompressed datagram); the receiver calls `decompress(..., outLimit = 4096 −
 *   headerSize)` and drops the datagram on 0 or a larger size.
 * - MODE_ZSTD needs zstd, which Node 20's node:zlib lacks: COMPRESS_ZSTD stays ERR_UNAVAILABLE.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { fastlzCompress, fastlzDecompress } from './fastlz.js';
import { rangeCoderCompress, rangeCoderDecompress } from './range-coder.js';

/** One host's datagram-body compressor (ENet's ENetCompressor). Both ends must use the same one. */
export interface Compressor {
  /** Name for logs and traces. */
  readonly name: string;
  /**
   * The compressed `body`, or null to send it uncompressed. The host also sends it uncompressed
   * unless the result is shorter than `body`. Never throws.
   */
  compress(body: Uint8Array): Uint8Array | null;
  /** The body of a COMPRESSED datagram, at most `limit` bytes, or null to drop it. Never throws. */
  decompress(data: Uint8Array, limit: number): Uint8Array | null;
}

/** ENet's range coder. Godot: enet_host_compress_with_range_coder (thirdparty/enet/compress.c) */
export const rangeCoderCompressor: Compressor = {
  name: 'range coder',
  compress: (body) => rangeCoderCompress(body, body.length),
  decompress: (data, limit) => rangeCoderDecompress(data, limit),
};

/** Godot pads FastLZ inputs shorter than this with zeros. */
const FASTLZ_MIN_INPUT = 16;

/**
 * Godot's COMPRESS_FASTLZ: FastLZ level 1 (level 2 streams decode too), short bodies zero-padded to
 * 16 bytes. Godot: ENetConnection::Compressor (modules/enet/enet_connection.cpp), Compression::compress
 * MODE_FASTLZ (core/io/compression.cpp)
 */
export const fastlzCompressor: Compressor = {
  name: 'FastLZ',
  compress(body) {
    let input = body;
    if (input.length < FASTLZ_MIN_INPUT) {
      input = new Uint8Array(FASTLZ_MIN_INPUT);
      input.set(body);
    }
    const out = fastlzCompress(input, 1);
    return out.length > 0 && out.length <= body.length ? out : null;
  },
  decompress(data, limit) {
    const out = fastlzDecompress(data, limit);
    return out !== null && out.length > 0 ? out : null;
  },
};

/**
 * Godot's COMPRESS_ZLIB: zlib-wrapped deflate (window bits 15) via node:zlib. `level` is Godot's
 * compression/formats/zlib/compression_level (−1 = zlib's default, 6). Decompression stops past
 * `limit` output bytes (a bomb costs at most one `limit`-sized chunk). Godot: Compression::compress /
 * decompress MODE_DEFLATE (core/io/compression.cpp)
 */
export function zlibCompressor(level = -1): Compressor {
  return {
    name: 'zlib',
    compress(body) {
      try {
        const out = deflateSync(body, { level, windowBits: 15, memLevel: 8 });
        return out.length > 0 && out.length <= body.length ? new Uint8Array(out.buffer, out.byteOffset, out.length) : null;
      } catch {
        return null;
      }
    },
    decompress(data, limit) {
      if (data.length === 0 || !(limit > 0)) return null;
      try {
        const out = inflateSync(data, { windowBits: 15, maxOutputLength: limit, chunkSize: Math.max(64, Math.min(limit, 16384)) });
        return out.length > 0 && out.length <= limit ? new Uint8Array(out.buffer, out.byteOffset, out.length) : null;
      } catch {
        return null;
      }
    },
  };
}
