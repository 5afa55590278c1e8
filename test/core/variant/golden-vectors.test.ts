import t from 'tap';
import { ErrorCode, decodeVariant, encodeVariant, variantTypeOf } from '../../../core/index.js';
import { VARIANT_VECTORS } from '../../fixtures/variant/vectors.js';
import { hex, ok, show, unhex, variantEquals } from '../../helpers/variant.js';

// docs/wire/multiplayer.md §3: every golden vector, both directions (G14–G29 from Godot's own tests, D1–D31 derived).
for (const v of VARIANT_VECTORS) {
  t.test(`encodeVariant ${v.id}: ${v.name}`, (t) => {
    t.equal(hex(ok(encodeVariant(v.value))), v.hex);
    t.end();
  });

  t.test(`decodeVariant ${v.id}: ${v.name}`, (t) => {
    const bytes = unhex(v.hex);
    const r = decodeVariant(bytes);
    t.equal(r.error, ErrorCode.OK);
    t.equal(r.length, bytes.length, 'consumes exactly the encoding');
    const want = 'decoded' in v ? v.decoded : v.value;
    t.ok(variantEquals(r.value, want), `decoded ${show(r.value)}, want ${show(want)}`);
    t.equal(variantTypeOf(v.value), bytes[0], 'variantTypeOf agrees with the type id on the wire');
    t.end();
  });

  t.test(`decodeVariant ${v.id}: at an offset inside a larger buffer, trailing bytes ignored`, (t) => {
    const inner = unhex(v.hex);
    const bytes = new Uint8Array(inner.length + 7);
    bytes.set(inner, 3);
    const r = decodeVariant(bytes, 3);
    t.equal(r.error, ErrorCode.OK);
    t.equal(r.length, inner.length);
    t.ok(variantEquals(r.value, 'decoded' in v ? v.decoded : v.value));
    t.end();
  });
}

t.test('G19 decodeVariant: a 1-byte buffer is ERR_INVALID_DATA with length 0', (t) => {
  const r = decodeVariant(unhex('00'));
  t.equal(r.error, ErrorCode.ERR_INVALID_DATA);
  t.equal(r.length, 0);
  t.equal(r.value, null);
  t.end();
});

t.test('G20 decodeVariant: type id ≥ VARIANT_MAX is ERR_INVALID_DATA with length 0', (t) => {
  for (const h of ['ff 00 00 00', '27 00 00 00']) {
    const r = decodeVariant(unhex(h));
    t.equal(r.error, ErrorCode.ERR_INVALID_DATA, h);
    t.equal(r.length, 0);
  }
  t.end();
});
