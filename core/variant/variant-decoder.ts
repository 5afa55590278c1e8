/**
 * Godot's `decode_variant` (core/io/marshalls.cpp, 4.4+). The input is treated as hostile: every length
 * and count is checked against the bytes that are really there before anything is allocated, nesting is
 * capped at 1024, malformed UTF-8 fails, and nothing throws past `decodeVariant`.
 */
import { ErrorCode } from '../error-code.js';
import { ContainerType, ENCODED_OBJECT_AS_ID_CLASS, TypedArray, TypedDictionary } from './containers.js';
import { Callable, EncodedObject, EncodedObjectAsID, RID, SignalRef, StringName } from './engine-types.js';
import { readUtf8 } from './utf8.js';
import { NodePath } from './node-path.js';
import { MAX_RECURSION_DEPTH, VARIANT_MAX, VariantType } from './variant-type.js';
import type { Variant } from './variant.js';
import { decodeMath, decodePacked } from './variant-decoder-values.js';

/** Options of `decodeVariant`. */
export interface DecodeOptions {
  /**
   * Accept full objects (Godot's `allow_object_decoding`). Off by default: on a Godot receiver this
   * instantiates arbitrary classes and runs scripts. Here a full object only becomes an inert
   * `EncodedObject`, but the switch keeps Godot's wire behaviour (`ERR_UNAUTHORIZED` when off).
   */
  readonly allowObjects?: boolean;
}

/** The outcome of a decode: the value and the bytes it used, or an error code (never both). */
export type VariantDecodeResult =
  | { readonly error: typeof ErrorCode.OK; readonly value: Variant; readonly length: number }
  | { readonly error: Exclude<ErrorCode, typeof ErrorCode.OK>; readonly value: null; readonly length: 0 };

/** Cursor over the input; `error` is set by the first failure and everything after it unwinds. */
// Scratch for float reads: one or two words stored here are cheaper than a DataView per decode.
const scratch = new ArrayBuffer(8);
const scratchI32 = new Int32Array(scratch);
const scratchF32 = new Float32Array(scratch, 0, 1);
const scratchF64 = new Float64Array(scratch, 0, 1);
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export class VariantReader {
  readonly bytes: Uint8Array;
  readonly end: number;
  readonly allowObjects: boolean;
  pos: number;
  error: ErrorCode = ErrorCode.OK;

  constructor(bytes: Uint8Array, offset: number, allowObjects: boolean) {
    // A Node Buffer's slice() is a view, not a copy: read through a plain Uint8Array view instead, so
    // decoded packed arrays never alias (or, via `.buffer`, over-read) the caller's packet memory.
    this.bytes = bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.end = bytes.length;
    this.pos = offset;
    this.allowObjects = allowObjects;
  }

  /** Bytes left (negative after a PackedByteArray whose padding was missing, as in Godot). */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** Fails with `code` and returns null, so callers can `return r.fail(...)`. */
  fail(code: ErrorCode): null {
    if (this.error === ErrorCode.OK) this.error = code;
    return null;
  }

  /** True when `n` more bytes are present; otherwise records ERR_INVALID_DATA. */
  need(n: number): boolean {
    if (this.end - this.pos >= n) return true;
    this.fail(ErrorCode.ERR_INVALID_DATA);
    return false;
  }

  #view: DataView | null = null;

  /** A DataView over the input, made on first use (most decodes never need one). */
  get view(): DataView {
    return (this.#view ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength));
  }

  /** Reads a u32 (callers check `need` first). */
  u32(): number {
    return this.i32() >>> 0;
  }

  /** Reads an i32. */
  i32(): number {
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 4;
    return b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24);
  }

  /** An i64 as a number when safe, else a bigint. */
  i64(): number | bigint {
    const start = this.pos;
    const lo = this.u32();
    const hi = this.i32();
    const n = hi * 0x1_0000_0000 + lo;
    return Number.isSafeInteger(n) ? n : this.view.getBigInt64(start, true);
  }

  /** Reads a u64 as a bigint (ids). */
  u64(): bigint {
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** One real_t component: f64 when the header's 64-bit flag is set, else f32. */
  real(wide: boolean): number {
    const b = this.bytes;
    const p = this.pos;
    // The little-endian words as numbers, stored whole and read back as a float: four byte stores and
    // one wider load defeat the CPU's store-to-load forwarding (twice the cost). Host order does not
    // matter for one word; for two it decides which goes first.
    const lo = b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24);
    if (!wide) {
      this.pos = p + 4;
      scratchI32[0] = lo;
      return scratchF32[0]!;
    }
    this.pos = p + 8;
    const hi = b[p + 4]! | (b[p + 5]! << 8) | (b[p + 6]! << 16) | (b[p + 7]! << 24);
    scratchI32[LITTLE_ENDIAN_HOST ? 0 : 1] = lo;
    scratchI32[LITTLE_ENDIAN_HOST ? 1 : 0] = hi;
    return scratchF64[0]!;
  }

  /**
   * Godot's String payload. Truncation gives ERR_FILE_EOF and bad UTF-8 ERR_INVALID_DATA, as in Godot.
   * Godot: _decode_string (core/io/marshalls.cpp).
   */
  string(): string | null {
    if (!this.need(4)) return null;
    const len = this.i32();
    const pad = (4 - (len & 3)) & 3;
    if (len < 0 || len + pad > this.end - this.pos) return this.fail(ErrorCode.ERR_FILE_EOF);
    const s = readUtf8(this.bytes, this.pos, len);
    if (s === null) return this.fail(ErrorCode.ERR_INVALID_DATA);
    this.pos += len + pad;
    return s;
  }
}

/**
 * Decodes one Variant at `bytes[offset]`. Returns `{ error: OK, value, length }` or `{ error, value: null,
 * length: 0 }`: ERR_INVALID_DATA for truncated or malformed input (ERR_FILE_EOF for a truncated string,
 * as Godot), ERR_UNAUTHORIZED for a full object without `allowObjects`, ERR_OUT_OF_MEMORY for nesting
 * deeper than 1024. Never throws. Godot: decode_variant (core/io/marshalls.cpp).
 */
export function decodeVariant(bytes: Uint8Array, offset = 0, options: DecodeOptions = {}): VariantDecodeResult {
  if (!Number.isInteger(offset) || offset < 0) return failed(ErrorCode.ERR_INVALID_PARAMETER);
  const r = new VariantReader(bytes, offset, options.allowObjects === true);
  return finish(r, readVariant(r, 0), offset);
}

/** Packs a reader's outcome into the public result shape. */
export function finish(r: VariantReader, value: Variant, start: number): VariantDecodeResult {
  if (r.error !== ErrorCode.OK) return failed(r.error);
  return { error: ErrorCode.OK, value, length: r.pos - start };
}

/** A failed result. */
export function failed(error: ErrorCode): VariantDecodeResult {
  return { error: error as Exclude<ErrorCode, typeof ErrorCode.OK>, value: null, length: 0 };
}

/** Reads one Variant at the reader's cursor; on failure records the error and returns null. */
export function readVariant(r: VariantReader, depth: number): Variant {
  if (depth > MAX_RECURSION_DEPTH) return r.fail(ErrorCode.ERR_OUT_OF_MEMORY);
  if (!r.need(4)) return null;
  const header = r.u32();
  const type = header & 0xff;
  if (type >= VARIANT_MAX) return r.fail(ErrorCode.ERR_INVALID_DATA);
  const wide = (header & 0x1_0000) !== 0;
  switch (type) {
    case VariantType.NIL:
      return null;
    case VariantType.BOOL:
      return r.need(4) ? r.u32() !== 0 : null;
    case VariantType.INT:
      if (wide) return r.need(8) ? r.i64() : null;
      return r.need(4) ? r.i32() : null;
    case VariantType.FLOAT:
      return r.need(wide ? 8 : 4) ? r.real(wide) : null;
    case VariantType.STRING:
      return r.string();
    case VariantType.STRING_NAME: {
      const s = r.string();
      return s === null ? null : new StringName(s);
    }
    case VariantType.NODE_PATH:
      return readNodePath(r);
    case VariantType.RID:
      return r.need(8) ? new RID(r.u64()) : null;
    case VariantType.OBJECT:
      return readObject(r, wide, depth);
    case VariantType.CALLABLE:
      return Callable.EMPTY;
    case VariantType.SIGNAL: {
      const name = r.string();
      if (name === null || !r.need(8)) return null;
      return new SignalRef(r.u64(), name);
    }
    case VariantType.DICTIONARY:
      return readDictionary(r, header, depth);
    case VariantType.ARRAY:
      return readArray(r, header, depth);
    default:
      return type >= VariantType.PACKED_BYTE_ARRAY ? decodePacked(r, type as VariantType, wide) : decodeMath(r, type as VariantType, wide);
  }
}

function readNodePath(r: VariantReader): NodePath | null {
  if (!r.need(4)) return null;
  const first = r.u32();
  r.pos -= 4;
  if ((first & 0x8000_0000) === 0) return r.fail(ErrorCode.ERR_INVALID_DATA); // old format: refused
  if (!r.need(12)) return null;
  const nameCount = r.u32() & 0x7fff_ffff;
  let subnameCount = r.u32();
  const flags = r.u32();
  if (flags & 2) subnameCount++; // obsolete layout: the property was a separate extra subname
  const names: string[] = [];
  const subnames: string[] = [];
  // Each element costs at least 4 bytes, so a huge count fails on truncation before it costs memory.
  for (let i = 0; i < nameCount + subnameCount; i++) {
    const s = r.string();
    if (s === null) return null;
    (i < nameCount ? names : subnames).push(s);
  }
  return NodePath.fromParts(names, subnames, (flags & 1) !== 0);
}

function readObject(r: VariantReader, asId: boolean, depth: number): Variant {
  if (asId) {
    if (!r.need(8)) return null;
    const id = r.u64();
    return id === 0n ? null : new EncodedObjectAsID(id);
  }
  if (!r.allowObjects) return r.fail(ErrorCode.ERR_UNAUTHORIZED);
  const className = r.string();
  if (className === null || className === '') return null;
  if (!r.need(4)) return null;
  const count = r.i32();
  const props = new Map<string, Variant>();
  for (let i = 0; i < count; i++) {
    const name = r.string();
    if (name === null) return null;
    const value = readVariant(r, depth + 1);
    if (r.error !== ErrorCode.OK) return null;
    // Godot loads `script` by path; it must be a res:// String (we keep the path, never load anything).
    if (name === 'script' && value !== null && (typeof value !== 'string' || !value.startsWith('res://'))) {
      return r.fail(ErrorCode.ERR_INVALID_DATA);
    }
    props.set(name, value);
  }
  return new EncodedObject(className, props);
}

/** Godot: _decode_container_type. Without allowObjects every object type becomes EncodedObjectAsID. */
function readContainerType(r: VariantReader, kind: number): ContainerType | null {
  switch (kind) {
    case 0:
      return ContainerType.NONE;
    case 1: {
      if (!r.need(4)) return null;
      const bt = r.i32();
      if (bt < 0 || bt >= VARIANT_MAX) return r.fail(ErrorCode.ERR_INVALID_DATA);
      if (bt === VariantType.OBJECT && !r.allowObjects) return ContainerType.ofClass(ENCODED_OBJECT_AS_ID_CLASS);
      return ContainerType.builtin(bt as VariantType);
    }
    case 2: {
      const name = r.string();
      if (name === null) return null;
      return ContainerType.ofClass(r.allowObjects ? name : ENCODED_OBJECT_AS_ID_CLASS);
    }
    default: {
      const path = r.string();
      if (path === null) return null;
      if (!r.allowObjects) return ContainerType.ofClass(ENCODED_OBJECT_AS_ID_CLASS);
      if (!path.startsWith('res://')) return r.fail(ErrorCode.ERR_INVALID_DATA);
      return ContainerType.ofScript(path);
    }
  }
}

function readArray(r: VariantReader, header: number, depth: number): Variant {
  const type = readContainerType(r, (header >>> 16) & 3);
  if (type === null || !r.need(4)) return null;
  const count = r.u32() & 0x7fff_ffff; // bit 31: obsolete "shared" flag
  const values: Variant[] = []; // grown element by element: every element costs at least 4 input bytes
  for (let i = 0; i < count; i++) {
    const v = readVariant(r, depth + 1);
    if (r.error !== ErrorCode.OK) return null;
    values.push(v);
  }
  // Divergence from Godot: elements are not checked against the array's type (Godot drops mismatches).
  return type.isUntyped() ? values : new TypedArray(type, values);
}

function readDictionary(r: VariantReader, header: number, depth: number): Variant {
  const keyType = readContainerType(r, (header >>> 16) & 3);
  if (keyType === null) return null;
  const valueType = readContainerType(r, (header >>> 18) & 3);
  if (valueType === null || !r.need(4)) return null;
  const count = r.u32() & 0x7fff_ffff;
  const map = new Map<Variant, Variant>();
  for (let i = 0; i < count; i++) {
    const k = readVariant(r, depth + 1);
    if (r.error !== ErrorCode.OK) return null;
    const v = readVariant(r, depth + 1);
    if (r.error !== ErrorCode.OK) return null;
    map.set(k, v);
  }
  if (keyType.isUntyped() && valueType.isUntyped()) return map;
  return new TypedDictionary(keyType, valueType, map);
}
