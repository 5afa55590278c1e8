import fc from 'fast-check';
import t from 'tap';
import { ErrorCode, decodeAndDecompressVariant, decodeAndDecompressVariants, decodeVariant, encodeVariant } from '../../../core/index.js';
import type { VariantDecodeResult } from '../../../core/index.js';
import { variantArbitrary } from '../../helpers/variant-arbitraries.js';
import { hex, unhex } from '../../helpers/variant.js';

// Absurd counts and lengths in a few bytes: each must fail at once, before allocating for the count.
const ABSURD: ReadonlyArray<[string, string]> = [
  ['ARRAY count 2^31-1 in 10 bytes', '1c 00 00 00 ff ff ff 7f 00 00'],
  ['ARRAY count 2^31 (bit 31 masked) in 12 bytes', '1c 00 00 00 ff ff ff ff 02 00 00 00'],
  ['DICTIONARY count 2^31-1', '1b 00 00 00 ff ff ff 7f 00 00 00 00 00 00 00 00'],
  ['PACKED_BYTE_ARRAY count 2^31-1', '1d 00 00 00 ff ff ff 7f 01 02'],
  ['PACKED_BYTE_ARRAY negative count', '1d 00 00 00 ff ff ff ff 01 02'],
  ['PACKED_INT32_ARRAY count 2^31-1', '1e 00 00 00 ff ff ff 7f 01 02 03 04'],
  ['PACKED_INT32_ARRAY negative count', '1e 00 00 00 00 00 00 80'],
  ['PACKED_INT64_ARRAY count 2^28 (×8 = 2^31)', '1f 00 00 00 00 00 00 10 01 02 03 04'],
  ['PACKED_FLOAT32_ARRAY count 2^30 (×4 = 2^32)', '20 00 00 00 00 00 00 40 01 02 03 04'],
  ['PACKED_FLOAT64_ARRAY count 2^31-1', '21 00 00 00 ff ff ff 7f'],
  ['PACKED_STRING_ARRAY count 2^31-1', '22 00 00 00 ff ff ff 7f 00 00 00 00'],
  ['PACKED_VECTOR2_ARRAY count 2^29 (×8 = 2^32)', '23 00 00 00 00 00 00 20 00 00 00 00'],
  ['PACKED_VECTOR2_ARRAY 64-bit, count 2^28', '23 00 01 00 00 00 00 10 00 00 00 00'],
  ['PACKED_VECTOR3_ARRAY count 2^31-1', '24 00 00 00 ff ff ff 7f'],
  ['PACKED_COLOR_ARRAY count 2^28 (×16 = 2^32)', '25 00 00 00 00 00 00 10'],
  ['PACKED_VECTOR4_ARRAY count 2^31-1', '26 00 00 00 ff ff ff 7f'],
  ['STRING length 2^31-1', '04 00 00 00 ff ff ff 7f 61 62'],
  ['NODE_PATH 2^31-1 names and 2^32-1 subnames', '16 00 00 00 ff ff ff ff ff ff ff ff 03 00 00 00'],
  ['SIGNAL name length 2^31-1', '1a 00 00 00 ff ff ff 7f'],
  ['typed ARRAY class name length 2^31-1', '1c 00 02 00 ff ff ff 7f'],
];

for (const [name, h] of ABSURD) {
  t.test(`decodeVariant hostile: ${name} → an error, not an allocation`, (t) => {
    const r = decodeVariant(unhex(h));
    t.not(r.error, ErrorCode.OK);
    t.ok(([ErrorCode.ERR_INVALID_DATA, ErrorCode.ERR_FILE_EOF] as ErrorCode[]).includes(r.error), `Godot's code (${r.error})`);
    t.equal(r.length, 0);
    t.end();
  });
}

t.test('decodeVariant hostile: full object with 2^31-1 properties (objects allowed) fails on truncation', (t) => {
  const r = decodeVariant(unhex('18 00 00 00 01 00 00 00 41 00 00 00 ff ff ff 7f'), 0, { allowObjects: true });
  t.equal(r.error, ErrorCode.ERR_INVALID_DATA);
  t.end();
});

/** The result-shape contract every decode must keep, whatever the input. */
function wellFormed(r: VariantDecodeResult, bytes: Uint8Array, offset: number, minLength: number): boolean {
  if (r.error !== ErrorCode.OK) return r.value === null && r.length === 0;
  // A trailing PackedByteArray may report up to 3 padding bytes past the end, as Godot does.
  if (r.length < minLength || offset + r.length > bytes.length + 3) return false;
  return typeof encodeVariant(r.value) !== 'number'; // anything decoded can be sent again
}

const header = fc
  .tuple(fc.integer({ min: 0, max: 38 }), fc.constantFrom(0, 1, 2, 3, 5, 0xf, 0xff))
  .map(([type, flags]) => [type, 0, flags, 0]);
const typedGarbage = fc.tuple(header, fc.uint8Array({ maxLength: 64 })).map(([h, rest]) => Uint8Array.from([...h, ...rest]));
const hugeWords = [0x7fffffff, 0xffffffff, 0x80000000, 0x10000000, 0x40000000, 3, 0].map((w) => [
  w & 0xff,
  (w >>> 8) & 0xff,
  (w >>> 16) & 0xff,
  w >>> 24,
]);
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('word' as const), at: fc.nat(), word: fc.constantFrom(...hugeWords) }),
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 8 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(bytes: Uint8Array, ops: Mutation[]): Uint8Array {
  let b = Array.from(bytes);
  for (const op of ops) {
    if (b.length === 0) break;
    const at = op.at % b.length;
    if (op.kind === 'set') b[at] = op.byte;
    else if (op.kind === 'truncate') b = b.slice(0, at);
    else if (op.kind === 'word') b.splice(at & ~3, 4, ...op.word);
    else b.splice(at, op.n);
  }
  return Uint8Array.from(b);
}

// A fixed pool of valid encodings to mutate (sampling nested Variants per run would dominate the time).
const pool = fc
  .sample(variantArbitrary, { numRuns: 600, seed: 2024 })
  .map((v) => encodeVariant(v))
  .filter((b): b is Uint8Array => typeof b !== 'number' && b.length > 0);
const encoded = fc.constantFrom(...pool);
const mutated = fc.tuple(encoded, fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([b, ops]) => mutate(b, ops));

// ≥ 100,000 hostile inputs in all: 35k typed garbage + 15k raw random + 35k mutated + 20k compressed.
t.test('decodeVariant property: 35,000 random payloads behind a valid type id never throw and keep the result contract', (t) => {
  fc.assert(
    fc.property(typedGarbage, fc.boolean(), (b, allow) => wellFormed(decodeVariant(b, 0, { allowObjects: allow }), b, 0, 4)),
    { numRuns: 35_000 },
  );
  t.pass();
  t.end();
});

t.test('decodeVariant property: 15,000 fully random buffers at random offsets never throw', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 48 }), fc.nat({ max: 52 }), (b, off) => wellFormed(decodeVariant(b, off), b, off, 4)),
    { numRuns: 15_000 },
  );
  t.pass();
  t.end();
});

t.test('decodeVariant property: 35,000 mutated valid encodings (bytes set, truncated, dropped, huge counts) never throw', (t) => {
  fc.assert(
    fc.property(mutated, fc.boolean(), (b, allow) => wellFormed(decodeVariant(b, 0, { allowObjects: allow }), b, 0, 4)),
    { numRuns: 35_000 },
  );
  t.pass();
  t.end();
});

t.test('decodeAndDecompressVariant(s) property: 20,000 random and mutated inputs never throw', (t) => {
  const input = fc.oneof(
    fc.uint8Array({ maxLength: 40 }),
    mutated,
    typedGarbage.map((b) => b.subarray(1)),
  );
  fc.assert(
    fc.property(input, fc.integer({ min: 0, max: 4 }), fc.boolean(), (b, count, raw) => {
      const one = decodeAndDecompressVariant(b);
      const many = decodeAndDecompressVariants(b, 0, count, { raw });
      const manyOk = many.values.length === count && (many.error === ErrorCode.OK || many.length === 0);
      return wellFormed(one, b, 0, 1) && manyOk;
    }),
    { numRuns: 20_000 },
  );
  t.pass();
  t.end();
});

t.test('decodeVariant: a deep nest of 100,000 Arrays fails with ERR_OUT_OF_MEMORY, no stack overflow', (t) => {
  const levels = 100_000;
  const b = new Uint8Array(levels * 8);
  for (let i = 0; i < levels; i++) b.set([0x1c, 0, 0, 0, 1, 0, 0, 0], i * 8);
  t.equal(decodeVariant(b).error, ErrorCode.ERR_OUT_OF_MEMORY);
  t.equal(hex(b.subarray(0, 8)), '1c 00 00 00 01 00 00 00', 'input untouched');
  t.end();
});
