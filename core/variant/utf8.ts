/**
 * UTF-8 as Godot reads and writes it, with fast paths for the short ASCII strings that dominate RPC
 * traffic (TextEncoder/TextDecoder calls cost more than the copy for a handful of bytes).
 */

const encoder = new TextEncoder();
// Default `ignoreBOM: false` strips a leading byte-order mark, as Godot's String::parse_utf8 does.
const decoder = new TextDecoder('utf-8', { fatal: true });
const SHORT = 48;

/**
 * Writes `s` as UTF-8 at `out[offset]` and returns the byte count. `out` must have room for
 * `3 * s.length` bytes (the UTF-8 worst case for UTF-16 input). Lone surrogates become U+FFFD.
 */
export function writeUtf8(s: string, out: Uint8Array, offset: number): number {
  const n = s.length;
  if (n < SHORT) {
    let p = offset;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return p - offset + encoder.encodeInto(s.slice(i), out.subarray(p)).written;
      out[p++] = c;
    }
    return n;
  }
  return encoder.encodeInto(s, out.subarray(offset)).written;
}

/** The UTF-8 bytes of `s` (for callers that need the length before writing). */
export function utf8Bytes(s: string): Uint8Array {
  return encoder.encode(s);
}

/**
 * Reads `length` bytes at `bytes[start]` as Godot's String::parse_utf8 does: stops at the first NUL,
 * drops a leading BOM, and rejects malformed UTF-8 (returns `null`). Never throws.
 */
export function readUtf8(bytes: Uint8Array, start: number, length: number): string | null {
  const end = start + length;
  if (length < SHORT) {
    let s = '';
    for (let i = start; i < end; i++) {
      const c = bytes[i]!;
      if (c === 0) return s;
      if (c >= 0x80) return decodeSlow(bytes, start, end);
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decodeSlow(bytes, start, end);
}

function decodeSlow(bytes: Uint8Array, start: number, end: number): string | null {
  const nul = bytes.subarray(start, end).indexOf(0);
  const stop = nul === -1 ? end : start + nul;
  try {
    return decoder.decode(bytes.subarray(start, stop));
  } catch {
    return null; // Godot: parse_utf8 fails → the decode fails with ERR_INVALID_DATA
  }
}
