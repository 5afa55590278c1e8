/**
 * Godot's `encode_variant` (core/io/marshalls.cpp, 4.4+): JavaScript values (see variant.ts for the
 * mapping) to the Variant binary format, byte for byte as a standard (single-precision) Godot build.
 */
import { ErrorCode } from '../error-code.js';
import { MultiplayerError } from '../errors.js';
import { ByteWriter } from './byte-writer.js';
import { type ContainerType, ENCODED_OBJECT_AS_ID_CLASS, TypedArray, TypedDictionary } from './containers.js';
import { type EncodedObject, EncodedObjectAsID, type Float } from './engine-types.js';
import type { RID, SignalRef, StringName } from './engine-types.js';
import type { Color, Quaternion } from './math-types.js';
import type { NodePath } from './node-path.js';
import type { Vector2, Vector2i, Vector3, Vector3i, Vector4, Vector4i } from './vectors.js';
import { MAX_RECURSION_DEPTH, VariantType } from './variant-type.js';
import { ints, notAVariant, quad, writeMath, writePacked } from './variant-encoder-values.js';
import { fitsInt32, isInt64, isIntNumber, isPlainObject, variantTypeOf } from './variant.js';
import type { Variant, VariantArray, VariantMap, VariantRecord } from './variant.js';

/** Options of `encodeVariant`. */
export interface EncodeOptions {
  /**
   * Send `EncodedObject`s in full (class name and properties) instead of as instance ids. Godot ties this
   * to `allow_object_decoding`; a Godot peer decodes full objects only when it allows them too.
   */
  readonly fullObjects?: boolean;
}

const FLAG_64 = 1 << 16;
const FLAG_OBJECT_AS_ID = 1 << 16;
const KIND_BUILTIN = 1;
const KIND_CLASS_NAME = 2;
const KIND_SCRIPT = 3;

let shared: ByteWriter | null = new ByteWriter(256);

/**
 * Encodes one Variant and returns its bytes (a fresh array), or `ERR_INVALID_PARAMETER` when the value
 * is not a Variant (a function, symbol, unknown class, bigint outside int64) and `ERR_OUT_OF_MEMORY` when
 * it nests deeper than 1024 levels (e.g. a cycle). Never throws. Godot: encode_variant (core/io/marshalls.cpp).
 */
export function encodeVariant(value: Variant, options: EncodeOptions = {}): Uint8Array | ErrorCode {
  const w = acquireScratch();
  try {
    writeVariant(w, value, options.fullObjects === true, 0);
    return w.toBytes();
  } catch (err) {
    return errorCode(err);
  } finally {
    releaseScratch(w);
  }
}

// The encoders write into one reused scratch writer and copy the result out: one allocation per call once
// the buffer has grown to the working size. (Dedicated functions, not a generic helper taking a closure:
// a shared call site for many closures goes megamorphic and costs V8 its inlining.)

/** Takes the scratch writer, or a fresh one when it is in use (a re-entrant call). */
export function acquireScratch(): ByteWriter {
  const w = shared ?? new ByteWriter(256);
  shared = null;
  w.reset();
  return w;
}

/** Gives the scratch writer back. */
export function releaseScratch(w: ByteWriter): void {
  shared = w;
}

/** The code of a MultiplayerError thrown by the writers; anything else is rethrown. */
export function errorCode(err: unknown): ErrorCode {
  if (!MultiplayerError.is(err)) throw err;
  return err.code;
}

/**
 * Appends the encoding of `value` to `w` (the building block of encodeVariant). Low level: throws
 * `MultiplayerError` (ERR_INVALID_PARAMETER / ERR_OUT_OF_MEMORY) where encodeVariant returns the code.
 */
export function writeVariant(w: ByteWriter, value: Variant, fullObjects = false, depth = 0): void {
  if (depth > MAX_RECURSION_DEPTH) {
    throw new MultiplayerError(ErrorCode.ERR_OUT_OF_MEMORY, 'Potential infinite recursion detected. Bailing.');
  }
  switch (typeof value) {
    case 'number':
      return writeNumber(w, value);
    case 'string':
      w.u32(VariantType.STRING);
      return w.string(value);
    case 'boolean':
      w.u32(VariantType.BOOL);
      return w.u32(value ? 1 : 0);
    case 'bigint':
      if (!isInt64(value)) throw notAVariant(value);
      return writeInt(w, fitsInt32(Number(value)) ? Number(value) : value);
    case 'undefined':
      return w.u32(VariantType.NIL);
    case 'object':
      if (value === null) return w.u32(VariantType.NIL);
      return writeObject(w, value, fullObjects, depth);
    default:
      throw notAVariant(value);
  }
}

function writeNumber(w: ByteWriter, v: number): void {
  if (isIntNumber(v)) return writeInt(w, v);
  writeFloat(w, v);
}

function writeInt(w: ByteWriter, v: number | bigint): void {
  if (typeof v === 'number' && fitsInt32(v)) {
    w.u32(VariantType.INT);
    w.u32(v);
  } else {
    w.u32(VariantType.INT | FLAG_64);
    w.i64(v);
  }
}

function writeFloat(w: ByteWriter, v: number): void {
  // Godot: `float f = d; if (double(f) != d) flag 64` (so NaN takes the 64-bit form, Infinity does not).
  if (Math.fround(v) === v) {
    w.u32(VariantType.FLOAT);
    w.f32(v);
  } else {
    w.u32(VariantType.FLOAT | FLAG_64);
    w.f64(v);
  }
}

function writeObject(w: ByteWriter, value: object, fullObjects: boolean, depth: number): void {
  const type = variantTypeOf(value);
  switch (type) {
    case VariantType.FLOAT:
      return writeFloat(w, (value as Float).value);
    case VariantType.VECTOR2: {
      const v = value as Vector2;
      w.u32(VariantType.VECTOR2);
      w.f32(v.x);
      return w.f32(v.y);
    }
    case VariantType.VECTOR2I: {
      const v = value as Vector2i;
      return ints(w, type, v.x, v.y);
    }
    case VariantType.VECTOR3: {
      const v = value as Vector3;
      w.u32(type);
      w.f32(v.x);
      w.f32(v.y);
      return w.f32(v.z);
    }
    case VariantType.VECTOR3I: {
      const v = value as Vector3i;
      return ints(w, type, v.x, v.y, v.z);
    }
    case VariantType.VECTOR4:
    case VariantType.QUATERNION: {
      const v = value as Vector4 | Quaternion;
      return quad(w, type, v.x, v.y, v.z, v.w);
    }
    case VariantType.VECTOR4I: {
      const v = value as Vector4i;
      return ints(w, type, v.x, v.y, v.z, v.w);
    }
    case VariantType.COLOR: {
      const c = value as Color;
      return quad(w, type, c.r, c.g, c.b, c.a);
    }
    case VariantType.STRING_NAME:
      w.u32(type);
      return w.string((value as StringName).value);
    case VariantType.NODE_PATH:
      return writeNodePath(w, value as NodePath);
    case VariantType.RID:
      w.u32(type);
      return w.i64((value as RID).id);
    case VariantType.OBJECT:
      return writeObjectRef(w, value as EncodedObject | EncodedObjectAsID, fullObjects, depth);
    case VariantType.CALLABLE:
      return w.u32(type);
    case VariantType.SIGNAL:
      w.u32(type);
      w.string((value as SignalRef).name);
      return w.i64((value as SignalRef).objectId);
    case VariantType.DICTIONARY:
      return writeDictionary(w, value as VariantMap | VariantRecord | TypedDictionary, fullObjects, depth);
    case VariantType.ARRAY:
      return writeArray(w, value as VariantArray | TypedArray, fullObjects, depth);
    case undefined:
      throw notAVariant(value);
    default:
      return type >= VariantType.PACKED_BYTE_ARRAY ? writePacked(w, type, value) : writeMath(w, type, value);
  }
}

function writeNodePath(w: ByteWriter, np: NodePath): void {
  const names = np.getNames();
  const subnames = np.getSubnames();
  w.u32(VariantType.NODE_PATH);
  w.u32((names.length | 0x8000_0000) >>> 0);
  w.u32(subnames.length);
  w.u32(np.isAbsolute() ? 1 : 0);
  // Godot leaves NodePath pad bytes unwritten (stale buffer contents); we write zeros.
  for (const s of names) w.string(s);
  for (const s of subnames) w.string(s);
}

function writeObjectRef(w: ByteWriter, obj: EncodedObject | EncodedObjectAsID, fullObjects: boolean, depth: number): void {
  // Divergence from Godot: an EncodedObjectAsID always goes out as an id, even with full objects on
  // (Godot would serialize the EncodedObjectAsID object itself); it stands for a remote object.
  if (obj instanceof EncodedObjectAsID || !fullObjects) {
    w.u32(VariantType.OBJECT | FLAG_OBJECT_AS_ID);
    w.i64(obj.objectId);
    return;
  }
  if (obj.className === '') {
    w.u32(VariantType.NIL); // Godot: an invalid object is sent as NIL
    return;
  }
  w.u32(VariantType.OBJECT);
  w.string(obj.className);
  w.u32(obj.properties.size);
  for (const [name, value] of obj.properties) {
    w.string(name);
    writeVariant(w, value, fullObjects, depth + 1);
  }
}

function containerKind(t: ContainerType): number {
  if (t.builtinType === VariantType.NIL) return 0;
  if (t.script !== '' || t.className !== '') return t.script !== '' ? KIND_SCRIPT : KIND_CLASS_NAME;
  return KIND_BUILTIN;
}

/** Godot: _encode_container_type_header. Script kind degrades to a class name without full objects. */
function headerKind(t: ContainerType, fullObjects: boolean): number {
  const kind = containerKind(t);
  return kind === KIND_SCRIPT && !fullObjects ? KIND_CLASS_NAME : kind;
}

/** Godot: _encode_container_type. */
function writeContainerType(w: ByteWriter, t: ContainerType, fullObjects: boolean): void {
  const kind = containerKind(t);
  if (kind === KIND_BUILTIN) w.u32(t.builtinType);
  else if (kind === KIND_SCRIPT) w.string(fullObjects ? t.script : ENCODED_OBJECT_AS_ID_CLASS);
  else if (kind === KIND_CLASS_NAME) w.string(fullObjects ? t.className : ENCODED_OBJECT_AS_ID_CLASS);
}

function writeArray(w: ByteWriter, value: VariantArray | TypedArray, fullObjects: boolean, depth: number): void {
  if (value instanceof TypedArray) {
    w.u32(VariantType.ARRAY | (headerKind(value.elementType, fullObjects) << 16));
    writeContainerType(w, value.elementType, fullObjects);
    value = value.values;
  } else {
    w.u32(VariantType.ARRAY);
  }
  w.u32(value.length);
  for (let i = 0; i < value.length; i++) writeVariant(w, value[i], fullObjects, depth + 1);
}

function writeDictionary(w: ByteWriter, value: VariantMap | VariantRecord | TypedDictionary, fullObjects: boolean, depth: number): void {
  let entries: Iterable<readonly [Variant, Variant]>;
  let size: number;
  if (value instanceof TypedDictionary) {
    const kinds = headerKind(value.keyType, fullObjects) | (headerKind(value.valueType, fullObjects) << 2);
    w.u32(VariantType.DICTIONARY | (kinds << 16));
    writeContainerType(w, value.keyType, fullObjects);
    writeContainerType(w, value.valueType, fullObjects);
    entries = value.entries;
    size = value.entries.size;
  } else {
    w.u32(VariantType.DICTIONARY);
    if (value instanceof Map) {
      entries = value as VariantMap;
      size = (value as VariantMap).size;
    } else {
      if (!isPlainObject(value)) throw notAVariant(value);
      entries = Object.entries(value);
      size = Object.keys(value).length;
    }
  }
  w.u32(size);
  for (const [k, v] of entries) {
    writeVariant(w, k, fullObjects, depth + 1);
    writeVariant(w, v, fullObjects, depth + 1);
  }
}
