/**
 * FastLZ, the byte-aligned LZ77 format Godot ships as thirdparty/misc/fastlz.c (FastLZ 0.5, stored
 * copy at godotengine/godot eb4904b5), written here from its format. Godot's COMPRESS_FASTLZ uses it
 * for ENet datagram bodies (see compressor.ts).
 *
 * Stream format (both levels): a sequence of instructions; the top 3 bits of the first byte are the
 * level − 1 (0 = level 1, 1 = level 2) and its low 5 bits are always a literal run.
 * - Literal run: `000LLLLL` then L + 1 bytes (1 … 32).
 * - Match: `LLLDDDDD` with LLL = 1 … 7; length = LLL + 2 when LLL < 7, else extension bytes follow
 *   (level 1: one byte E, length = 9 + E; level 2: bytes summed while they are 255, length = 9 + sum).
 *   Then one distance byte d: the match starts `(DDDDD << 8) + d + 1` bytes back. Level 2 only: when
 *   DDDDD = 31 and d = 255, two big-endian bytes D16 follow and the distance is D16 + 8192.
 * Decoding stops at the end of the input (level 1: when fewer than 2 bytes are left).
 */

const MAX_COPY = 32;
const MAX_L1_DISTANCE = 8192;
const MAX_L2_DISTANCE = 8191;
const MAX_FAR_DISTANCE = 65535 + MAX_L2_DISTANCE - 1;
const HASH_LOG = 13;
const HASH_MASK = (1 << HASH_LOG) - 1;

/** The hash table, reused across calls (cleared each time, as fastlz.c does). */
const htab = new Int32Array(1 << HASH_LOG);

/** A FastLZ compression level. */
export type FastLZLevel = 1 | 2;

function hash(p: Uint8Array, i: number): number {
  let v = p[i]! | (p[i + 1]! << 8);
  v ^= (p[i + 1]! | (p[i + 2]! << 8)) ^ (v >> (16 - HASH_LOG));
  return v & HASH_MASK;
}

/** Room a compressed stream of `length` bytes may need (more than the format's worst case of +1/32). */
export function fastlzBound(length: number): number {
  return Math.max(66, length + Math.ceil(length / 16) + 16);
}

/**
 * Compresses `input` at `level` with FastLZ's greedy hash-table matcher. Level 1 is what Godot's
 * `fastlz_compress` picks below 64 KiB (so for every ENet datagram). Empty input gives an empty
 * stream. Godot: fastlz1_compress / fastlz2_compress (thirdparty/misc/fastlz.c)
 */
export function fastlzCompress(input: Uint8Array, level: FastLZLevel = 1): Uint8Array {
  const length = input.length;
  if (length < 4) {
    if (length === 0) return new Uint8Array(0);
    const out = new Uint8Array(length + 1);
    out[0] = length - 1;
    out.set(input, 1);
    return out;
  }
  const out = new Uint8Array(fastlzBound(length));
  htab.fill(0);
  const ipBound = length - 2;
  const ipLimit = length - 12 - 1;
  let ip = 0;
  let op = 0;
  let copy = 2;
  out[op++] = MAX_COPY - 1;
  out[op++] = input[ip++]!;
  out[op++] = input[ip++]!;
  while (ip < ipLimit) {
    const anchor = ip;
    const found = findMatch(input, anchor, level);
    if (found === null) {
      // Literal byte.
      out[op++] = input[anchor]!;
      ip = anchor + 1;
      if (++copy === MAX_COPY) {
        copy = 0;
        out[op++] = MAX_COPY - 1;
      }
      continue;
    }
    let { ref, distance } = found;
    ip = anchor + found.len;
    distance--; // biased: 0 means the byte just before
    if (distance === 0) {
      const x = input[ip - 1]!;
      while (ip < ipBound) {
        if (input[ref++] !== x) break;
        ip++;
      }
    } else {
      ip = extendMatch(input, ref, ip, ipBound);
    }
    // Close the pending literal run (or drop its unused count byte).
    if (copy) out[op - copy - 1] = copy - 1;
    else op--;
    copy = 0;
    ip -= 3;
    const len = ip - anchor; // biased: 1 means 3 bytes
    op = level === 1 ? emitMatch1(out, op, len, distance) : emitMatch2(out, op, len, distance);
    htab[hash(input, ip)] = ip;
    ip++;
    htab[hash(input, ip)] = ip;
    ip++;
    out[op++] = MAX_COPY - 1;
  }
  while (ip <= ipBound + 1) {
    out[op++] = input[ip++]!;
    if (++copy === MAX_COPY) {
      copy = 0;
      out[op++] = MAX_COPY - 1;
    }
  }
  if (copy) out[op - copy - 1] = copy - 1;
  else op--;
  if (level === 2) out[0]! |= 1 << 5;
  return out.slice(0, op);
}

/** Looks up the hash table at `anchor`; the match start and its first length, or null for a literal. */
function findMatch(input: Uint8Array, anchor: number, level: FastLZLevel): { ref: number; distance: number; len: number } | null {
  if (
    level === 2 &&
    input[anchor] === input[anchor - 1] &&
    input[anchor] === input[anchor + 1] &&
    input[anchor + 1] === input[anchor + 2]
  ) {
    // A run of the previous byte.
    return { ref: anchor + 2, distance: 1, len: 3 };
  }
  const h = hash(input, anchor);
  const ref = htab[h]!;
  htab[h] = anchor;
  const distance = anchor - ref;
  const maxDistance = level === 1 ? MAX_L1_DISTANCE : MAX_FAR_DISTANCE;
  if (
    distance === 0 ||
    distance >= maxDistance ||
    input[ref] !== input[anchor] ||
    input[ref + 1] !== input[anchor + 1] ||
    input[ref + 2] !== input[anchor + 2]
  ) {
    return null;
  }
  if (level === 2 && distance >= MAX_L2_DISTANCE) {
    // Far matches need at least 5 bytes.
    if (input[ref + 3] !== input[anchor + 3] || input[ref + 4] !== input[anchor + 4]) return null;
    return { ref: ref + 5, distance, len: 5 };
  }
  return { ref: ref + 3, distance, len: 3 };
}

/** Advances past equal bytes; returns the position just after the first difference (or the bound). */
function extendMatch(input: Uint8Array, ref: number, ip: number, ipBound: number): number {
  // The first 8 comparisons need no bound check: the main loop stops 13 bytes before the end.
  for (let k = 0; k < 8; k++) {
    if (input[ref++] !== input[ip++]) return ip;
  }
  while (ip < ipBound) {
    if (input[ref++] !== input[ip++]) break;
  }
  return ip;
}

function emitMatch1(out: Uint8Array, op: number, biasedLen: number, distance: number): number {
  let len = biasedLen;
  while (len > 264 - 2) {
    out[op++] = (7 << 5) + (distance >> 8);
    out[op++] = 264 - 2 - 7 - 2;
    out[op++] = distance & 255;
    len -= 264 - 2;
  }
  if (len < 7) {
    out[op++] = (len << 5) + (distance >> 8);
  } else {
    out[op++] = (7 << 5) + (distance >> 8);
    out[op++] = len - 7;
  }
  out[op++] = distance & 255;
  return op;
}

function emitMatch2(out: Uint8Array, op: number, biasedLen: number, biasedDistance: number): number {
  const far = biasedDistance >= MAX_L2_DISTANCE;
  const distance = far ? biasedDistance - MAX_L2_DISTANCE : biasedDistance;
  const high = far ? 31 : distance >> 8;
  if (biasedLen < 7) {
    out[op++] = (biasedLen << 5) + high;
  } else {
    out[op++] = (7 << 5) + high;
    let len = biasedLen - 7;
    for (; len >= 255; len -= 255) out[op++] = 255;
    out[op++] = len;
  }
  if (far) {
    out[op++] = 255;
    out[op++] = distance >> 8;
  }
  out[op++] = distance & 255;
  return op;
}

/**
 * Decompresses a FastLZ stream of either level into at most `maxOut` bytes. Returns null where the C
 * decoder returns 0: unknown level, truncated instruction, literal past the input, back-reference
 * before the output start, or output past `maxOut`. Never throws; allocates `maxOut` bytes once.
 * Godot: fastlz_decompress (thirdparty/misc/fastlz.c)
 */
export function fastlzDecompress(input: Uint8Array, maxOut: number): Uint8Array | null {
  if (input.length === 0 || !(maxOut >= 0)) return null;
  const level = (input[0]! >> 5) + 1;
  if (level !== 1 && level !== 2) return null;
  const out = new Uint8Array(maxOut);
  const ipLimit = input.length;
  const ipBound = ipLimit - 2;
  let ip = 1;
  let op = 0;
  let ctrl = input[0]! & 31;
  for (;;) {
    if (ctrl >= 32) {
      let len = (ctrl >> 5) - 1;
      let ofs = (ctrl & 31) << 8;
      let ref = op - ofs - 1;
      if (len === 7 - 1) {
        if (level === 1) {
          if (ip > ipBound) return null;
          len += input[ip++]!;
        } else {
          let code: number;
          do {
            if (ip > ipBound) return null;
            code = input[ip++]!;
            len += code;
          } while (code === 255);
        }
      }
      // Divergence from Godot: fastlz2_decompress reads this byte without a bound check (one byte
      // past a hostile input); here that input is rejected.
      if (ip >= ipLimit) return null;
      const code = input[ip++]!;
      ref -= code;
      len += 3;
      if (level === 2 && code === 255 && ofs === 31 << 8) {
        if (!(ip < ipBound)) return null;
        ofs = (input[ip]! << 8) + input[ip + 1]!;
        ip += 2;
        ref = op - ofs - MAX_L2_DISTANCE - 1;
      }
      if (op + len > maxOut || ref < 0) return null;
      // Byte by byte: an overlapping back-reference repeats what it just wrote.
      for (let k = 0; k < len; k++) out[op++] = out[ref++]!;
    } else {
      ctrl++;
      if (op + ctrl > maxOut || ip + ctrl > ipLimit) return null;
      out.set(input.subarray(ip, ip + ctrl), op);
      ip += ctrl;
      op += ctrl;
    }
    if (level === 1 ? ip > ipBound : ip >= ipLimit) break;
    ctrl = input[ip++]!;
  }
  return out.subarray(0, op);
}
