/**
 * A growable little-endian byte buffer: one Uint8Array + DataView, doubled when full. The Variant
 * encoder writes into it, and packet builders (SceneMultiplayer) can write their own header bytes and
 * then the encoded arguments into the same buffer, with no intermediate arrays.
 */
import { writeUtf8 } from './utf8.js';

// V8 keeps a typed array of up to 64 bytes on the JS heap; a larger one gets its own backing store,
// which costs ~1 µs to create (10× a view) and is tracked as external memory by the GC. Packets
// between 65 B and 1 KiB are therefore carved out of shared slabs, as Node's Buffer pool does.
const ON_HEAP_MAX = 64;
const POOLED_MAX = 1024;
const SLAB_SIZE = 16 * 1024;
let slab = new ArrayBuffer(SLAB_SIZE);
let slabUsed = 0;

/**
 * A copy of `src[start, end)` in a fresh Uint8Array. Between 65 B and 1 KiB the copy is a view of a
 * shared slab (like a Node Buffer from its pool): it owns its bytes, but its `.buffer` holds other
 * packets too, so read it through `byteOffset`/`byteLength`. Smaller and larger copies have their own
 * buffer. The hot paths (packets built by SceneMultiplayer, received PackedByteArrays) use it.
 */
export function copyBytes(src: Uint8Array, start = 0, end = src.length): Uint8Array {
  const n = end - start;
  if (n <= ON_HEAP_MAX || n > POOLED_MAX) return Uint8Array.prototype.slice.call(src, start, end);
  if (slabUsed + n > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    slabUsed = 0;
  }
  const out = new Uint8Array(slab, slabUsed, n);
  slabUsed = (slabUsed + n + 7) & ~7; // 8-byte aligned, so a view of the copy can be typed
  if (n <= 256) for (let i = 0; i < n; i++) out[i] = src[start + i]!;
  else out.set(src.subarray(start, end));
  return out;
}

/** A growable little-endian writer (Godot's equivalent is a resized `Vector<uint8_t>` plus `encode_*`). */
export class ByteWriter {
  #buf: Uint8Array;
  #view: DataView;
  #pos = 0;

  constructor(initialCapacity = 64) {
    this.#buf = new Uint8Array(Math.max(16, initialCapacity));
    this.#view = new DataView(this.#buf.buffer);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#pos;
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.#pos + n;
    if (need <= this.#buf.length) return;
    let cap = this.#buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  /** Appends one byte. */
  u8(v: number): void {
    this.ensure(1);
    this.#buf[this.#pos++] = v;
  }

  /** Appends a u16. */
  u16(v: number): void {
    this.ensure(2);
    this.#view.setUint16(this.#pos, v, true);
    this.#pos += 2;
  }

  /** Appends a u32 (negative numbers are written as their two's complement). */
  u32(v: number): void {
    this.ensure(4);
    this.#view.setUint32(this.#pos, v >>> 0, true);
    this.#pos += 4;
  }

  /** Appends an i64 given as a safe-integer number or a bigint (two's complement). */
  i64(v: number | bigint): void {
    this.ensure(8);
    if (typeof v === 'bigint') {
      this.#view.setBigUint64(this.#pos, BigInt.asUintN(64, v), true);
    } else {
      const hi = Math.floor(v / 0x1_0000_0000);
      this.#view.setUint32(this.#pos, v - hi * 0x1_0000_0000, true);
      this.#view.setInt32(this.#pos + 4, hi, true);
    }
    this.#pos += 8;
  }

  /** Appends an f32. */
  f32(v: number): void {
    this.ensure(4);
    this.#view.setFloat32(this.#pos, v, true);
    this.#pos += 4;
  }

  /** Appends an f64. */
  f64(v: number): void {
    this.ensure(8);
    this.#view.setFloat64(this.#pos, v, true);
    this.#pos += 8;
  }

  /** Appends raw bytes. */
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.#buf.set(b, this.#pos);
    this.#pos += b.length;
  }

  /** Appends zero bytes up to the next multiple of 4 (relative to `base`, the start of the Variant). */
  pad4(base = 0): void {
    const rem = (this.#pos - base) & 3;
    if (rem === 0) return;
    const n = 4 - rem;
    this.ensure(n);
    // At most 3 bytes: a loop beats a fill() call.
    const buf = this.#buf;
    for (let i = 0; i < n; i++) buf[this.#pos++] = 0;
  }

  /**
   * Appends Godot's String payload: u32 byte length, UTF-8 bytes, zero pad to 4. With `withNul` the
   * length counts one extra NUL byte that is written too (the PackedStringArray convention).
   */
  string(s: string, withNul = false): void {
    this.ensure(4 + s.length * 3 + 4);
    const start = this.#pos;
    const n = writeUtf8(s, this.#buf, start + 4);
    let len = n;
    if (withNul) this.#buf[start + 4 + len++] = 0;
    this.#view.setUint32(start, len, true);
    this.#pos = start + 4 + len;
    this.pad4(start);
  }

  /** Overwrites one already-written byte (a header patched after the body is known). */
  setU8(offset: number, v: number): void {
    this.#buf[offset] = v;
  }

  /** Overwrites an already-written u32. */
  setU32(offset: number, v: number): void {
    this.#view.setUint32(offset, v >>> 0, true);
  }

  /** A copy of the bytes written, `[start, end)`. */
  toBytes(start = 0, end = this.#pos): Uint8Array {
    return this.#buf.slice(start, end);
  }

  /** `toBytes` for a packet: a `copyBytes` copy (65 B – 1 KiB share a slab; use `byteOffset` with `.buffer`). */
  toPacket(start = 0, end = this.#pos): Uint8Array {
    return copyBytes(this.#buf, start, end);
  }

  /** A view of the bytes written, `[start, end)`, valid until the next write that grows the buffer. */
  view(start = 0, end = this.#pos): Uint8Array {
    return this.#buf.subarray(start, end);
  }

  /** Forgets everything written; keeps the allocated buffer. */
  reset(): void {
    this.#pos = 0;
  }

  /** Drops everything written after the first `length` bytes (undoes a failed append). */
  truncate(length: number): void {
    if (length >= 0 && length < this.#pos) this.#pos = length;
  }
}
