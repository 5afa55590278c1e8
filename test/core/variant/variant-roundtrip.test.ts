import fc from 'fast-check';
import t from 'tap';
import {
  ErrorCode,
  decodeAndDecompressVariants,
  decodeVariant,
  encodeAndCompressVariants,
  encodeVariant,
  variantTypeName,
  variantTypeOf,
} from '../../../core/index.js';
import type { Variant } from '../../../core/index.js';
import { LEAF_ARBITRARIES, expectedRoundTrip, fullObjectArbitrary, variantArbitrary } from '../../helpers/variant-arbitraries.js';
import { hex, show, variantEquals } from '../../helpers/variant.js';

/** decode(encode(v)) gives back v (after the codec's documented normalisations) and uses every byte. */
function roundTrips(v: Variant, fullObjects = false): boolean {
  const bytes = encodeVariant(v, { fullObjects });
  if (typeof bytes === 'number') throw new Error(`encode failed with ${bytes} for ${show(v)}`);
  if (bytes.length % 4 !== 0) throw new Error(`length ${bytes.length} is not a multiple of 4`);
  const r = decodeVariant(bytes, 0, { allowObjects: fullObjects });
  if (r.error !== ErrorCode.OK) throw new Error(`decode failed with ${r.error} for ${hex(bytes)}`);
  if (r.length !== bytes.length) throw new Error(`consumed ${r.length} of ${bytes.length}`);
  if (!variantEquals(r.value, expectedRoundTrip(v))) throw new Error(`${show(r.value)} != ${show(v)}`);
  return true;
}

for (const [id, arb] of Object.entries(LEAF_ARBITRARIES)) {
  const name = variantTypeName(Number(id));
  t.test(`round trip ${name}: decode(encode(v)) == v`, (t) => {
    fc.assert(
      fc.property(arb, (v) => variantTypeOf(v) === Number(id) && roundTrips(v)),
      { numRuns: 300 },
    );
    t.pass(`${name} round-trips`);
    t.end();
  });
}

t.test('round trip ARRAY and DICTIONARY: nested, typed and untyped, Maps and plain objects', (t) => {
  fc.assert(
    fc.property(variantArbitrary, (v) => roundTrips(v)),
    { numRuns: 3000 },
  );
  t.pass();
  t.end();
});

t.test('round trip OBJECT in full: fullObjects on the encoder, allowObjects on the decoder', (t) => {
  fc.assert(
    fc.property(fullObjectArbitrary, (v) => roundTrips(v, true)),
    { numRuns: 500 },
  );
  t.pass();
  t.end();
});

t.test('round trip through the compressed wrapper: a list of values, as RPC arguments travel', (t) => {
  fc.assert(
    fc.property(fc.array(variantArbitrary, { maxLength: 5 }), (values) => {
      const bytes = encodeAndCompressVariants(values);
      if (typeof bytes === 'number') return false;
      const r = decodeAndDecompressVariants(bytes, 0, values.length);
      return r.error === ErrorCode.OK && r.length === bytes.length && variantEquals(r.values, values.map(expectedRoundTrip));
    }),
    { numRuns: 1500 },
  );
  t.pass();
  t.end();
});
