/** Helpers for the Variant codec tests: hex conversion and a strict structural equality. */
import { ContainerType, EncodedObject, type ErrorCode, NodePath, TypedArray, TypedDictionary } from '../../core/index.js';
import type { Variant } from '../../core/index.js';

/** `'02 00 00 00'` → bytes. Spaces are optional. */
export function unhex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** bytes → `'02 00 00 00'`. */
export function hex(bytes: Uint8Array | number): string {
  if (typeof bytes === 'number') return `<ErrorCode ${bytes}>`;
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Unwraps an encoder result, throwing (failing the test) on an ErrorCode. */
export function ok(bytes: Uint8Array | ErrorCode): Uint8Array {
  if (typeof bytes === 'number') throw new Error(`expected bytes, got error ${bytes}`);
  return bytes;
}

type Equalish = { equals(o: unknown): boolean };

function hasEquals(v: object): v is Equalish {
  return typeof (v as Partial<Equalish>).equals === 'function';
}

function sameEntries(a: ReadonlyMap<Variant, Variant>, b: ReadonlyMap<Variant, Variant>): boolean {
  if (a.size !== b.size) return false;
  const ea = [...a];
  const eb = [...b];
  return ea.every(([k, v], i) => variantEquals(k, eb[i]![0]) && variantEquals(v, eb[i]![1]));
}

/**
 * Strict structural equality of two Variants: same JS type and class, numbers by Object.is (NaN equals
 * NaN, -0 differs from 0), Maps in insertion order, typed containers with their element types.
 */
export function variantEquals(a: unknown, b: unknown): boolean {
  if (typeof a !== typeof b) return false;
  if (typeof a === 'number') return Object.is(a, b);
  if (typeof a !== 'object' || a === null || b === null) return a === b;
  const bo = b as object;
  if (a.constructor !== bo.constructor) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => variantEquals(v, bb[i]));
  }
  if (ArrayBuffer.isView(a)) {
    const x = a as unknown as ArrayLike<number | bigint>;
    const y = b as unknown as ArrayLike<number | bigint>;
    return x.length === y.length && Array.from(x).every((v, i) => Object.is(v, y[i]));
  }
  if (a instanceof Map) return sameEntries(a, b as Map<Variant, Variant>);
  if (a instanceof TypedArray) {
    const bb = b as TypedArray;
    return a.elementType.equals(bb.elementType) && variantEquals([...a.values], [...bb.values]);
  }
  if (a instanceof TypedDictionary) {
    const bb = b as TypedDictionary;
    return a.keyType.equals(bb.keyType) && a.valueType.equals(bb.valueType) && sameEntries(a.entries, bb.entries);
  }
  if (a instanceof EncodedObject) {
    const bb = b as EncodedObject;
    return (
      a.className === bb.className &&
      a.objectId === bb.objectId &&
      sameEntries(a.properties as Map<Variant, Variant>, bb.properties as Map<Variant, Variant>)
    );
  }
  if (a instanceof NodePath || a instanceof ContainerType || hasEquals(a)) return (a as Equalish).equals(b);
  return false;
}

/** A short printable form for test messages. */
export function show(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Map) return `Map(${[...v].map(([k, x]) => `${show(k)}: ${show(x)}`).join(', ')})`;
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  return String(v);
}
