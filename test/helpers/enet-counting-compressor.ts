import type { Compressor } from '../../plugins/enet/protocol/compressor.js';

/** A Compressor with the counts of what it did. */
export type CountingCompressor = Compressor & { packed: number; unpacked: number };

/** Wraps a real compressor and counts the datagrams it made smaller and the ones it decompressed. */
export function counting(inner: Compressor): CountingCompressor {
  const c = {
    name: inner.name,
    packed: 0,
    unpacked: 0,
    compress(body: Uint8Array) {
      const out = inner.compress(body);
      if (out !== null && out.length < body.length) c.packed++;
      return out;
    },
    decompress(data: Uint8Array, limit: number) {
      const out = inner.decompress(data, limit);
      if (out !== null) c.unpacked++;
      return out;
    },
  };
  return c;
}
