import t from 'tap';
import {
  ByteWriter,
  ErrorCode,
  Vector2,
  decodeAndDecompressVariant,
  decodeAndDecompressVariants,
  encodeAndCompressVariant,
  encodeAndCompressVariants,
  float,
  isRawArguments,
} from '../../../core/index.js';
import { COMPRESSED_VECTORS } from '../../fixtures/variant/vectors.js';
import { hex, ok, show, unhex, variantEquals } from '../../helpers/variant.js';

// docs/wire/multiplayer.md §2.10 / §3.2 compressed-wrapper table, both directions.
for (const v of COMPRESSED_VECTORS) {
  t.test(`encode_and_compress_variant ${v.id}: ${v.name}`, (t) => {
    t.equal(hex(ok(encodeAndCompressVariant(v.value))), v.hex);
    t.end();
  });

  t.test(`decode_and_decompress_variant ${v.id}: ${v.name}`, (t) => {
    const bytes = unhex(v.hex);
    const r = decodeAndDecompressVariant(bytes);
    t.equal(r.error, ErrorCode.OK);
    t.equal(r.length, bytes.length);
    t.ok(variantEquals(r.value, v.value), `decoded ${show(r.value)}`);
    t.end();
  });
}

t.test('encode_and_compress_variant: bigint ints take the same smallest form as numbers', (t) => {
  t.equal(hex(ok(encodeAndCompressVariant(5n))), '02 05');
  t.equal(hex(ok(encodeAndCompressVariant(-2147483649n))), 'c2 ff ff ff 7f ff ff ff ff');
  t.equal(hex(ok(encodeAndCompressVariant(-(1n << 63n)))), 'c2 00 00 00 00 00 00 00 80');
  t.end();
});

t.test('encode_and_compress_variant: only the top level is compressed (an int in an Array is 8 bytes)', (t) => {
  t.equal(hex(ok(encodeAndCompressVariant([25]))), '1c 00 00 00 01 00 00 00 02 00 00 00 19 00 00 00');
  t.equal(hex(ok(encodeAndCompressVariant(float(1)))), '03 00 00 00 00 00 80 3f', 'a FLOAT is not compressed');
  t.end();
});

t.test('encode_and_compress_variant: a non-Variant gives ERR_INVALID_PARAMETER, never a throw', (t) => {
  t.equal(encodeAndCompressVariant((() => 1) as never), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(encodeAndCompressVariant((1n << 64n) as never), ErrorCode.ERR_INVALID_PARAMETER);
  t.end();
});

t.test('decode_and_decompress_variant: mode bits of BOOL carry the value; INT sign-extends i8/i16/i32', (t) => {
  t.equal(decodeAndDecompressVariant(unhex('c1')).value, true, 'any set bit 7 is true');
  t.equal(decodeAndDecompressVariant(unhex('41')).value, false, 'bit 6 alone is false');
  t.equal(decodeAndDecompressVariant(unhex('02 ff')).value, -1);
  t.equal(decodeAndDecompressVariant(unhex('42 00 80')).value, -32768);
  t.equal(decodeAndDecompressVariant(unhex('82 00 00 00 80')).value, -2147483648);
  t.equal(decodeAndDecompressVariant(unhex('c2 ff ff ff ff ff ff ff 7f')).value, (1n << 63n) - 1n);
  t.end();
});

t.test('decode_and_decompress_variant: bad input is an error code with length 0', (t) => {
  const cases: Array<[string, string, ErrorCode]> = [
    ['empty', '', ErrorCode.ERR_INVALID_DATA],
    ['type id ≥ VARIANT_MAX', '27', ErrorCode.ERR_INVALID_DATA],
    ['INT 8-bit truncated', '02', ErrorCode.ERR_INVALID_DATA],
    ['INT 16-bit truncated', '42 01', ErrorCode.ERR_INVALID_DATA],
    ['INT 32-bit truncated', '82 01 02 03', ErrorCode.ERR_INVALID_DATA],
    ['INT 64-bit truncated', 'c2 01 02 03 04 05 06 07', ErrorCode.ERR_INVALID_DATA],
    ['mode bits on another type make the header type invalid', '45 00 00 00 00 00 80 3f 00 00 00 40', ErrorCode.ERR_INVALID_DATA],
    ['plain Variant truncated', '05 00 00 00 00 00 80 3f', ErrorCode.ERR_INVALID_DATA],
    ["full object without allowObjects (Godot's null-Object bug bytes)", '18 00 00 00', ErrorCode.ERR_UNAUTHORIZED],
  ];
  for (const [name, h, code] of cases) {
    const r = decodeAndDecompressVariant(unhex(h));
    t.equal(r.error, code, name);
    t.equal(r.length, 0, `${name}: length 0`);
  }
  t.equal(decodeAndDecompressVariant(unhex('02 00'), -1).error, ErrorCode.ERR_INVALID_PARAMETER, 'negative offset');
  t.end();
});

t.test('encode_and_compress_variants: concatenation with no count or separators', (t) => {
  const bytes = ok(encodeAndCompressVariants([25, true, new Vector2(1, 2), 'x']));
  t.equal(hex(bytes), '02 19 81 05 00 00 00 00 00 80 3f 00 00 00 40 04 00 00 00 01 00 00 00 78 00 00 00');
  const r = decodeAndDecompressVariants(bytes, 0, 4);
  t.equal(r.error, ErrorCode.OK);
  t.equal(r.length, bytes.length);
  t.ok(variantEquals(r.values, [25, true, new Vector2(1, 2), 'x']));
  t.end();
});

t.test('isRawArguments: zero values, or exactly one PackedByteArray', (t) => {
  t.equal(isRawArguments([]), true);
  t.equal(isRawArguments([new Uint8Array([1])]), true);
  t.equal(isRawArguments([new Uint8Array(0)]), true);
  t.equal(isRawArguments([1]), false);
  t.equal(isRawArguments([new Uint8Array(1), 1]), false);
  t.equal(isRawArguments([new Int32Array(1)]), false);
  t.end();
});

t.test('encode_and_compress_variants raw: no values write nothing; one PackedByteArray is copied verbatim', (t) => {
  t.equal(hex(ok(encodeAndCompressVariants([], { raw: true }))), '');
  t.equal(hex(ok(encodeAndCompressVariants([new Uint8Array([1, 2, 3])], { raw: true }))), '01 02 03');
  t.equal(
    hex(ok(encodeAndCompressVariants([new Uint8Array([1, 2, 3])]))),
    '1d 00 00 00 03 00 00 00 01 02 03 00',
    'without raw: a plain PackedByteArray',
  );
  t.equal(hex(ok(encodeAndCompressVariants([7], { raw: true }))), '02 07', 'one non-byte value: compressed as usual');
  t.end();
});

t.test('encode_and_compress_variants with out: appends after existing bytes; padding is relative to the value', (t) => {
  const w = new ByteWriter(4);
  w.u8(0xee); // an odd-sized packet header before the arguments
  const view = ok(encodeAndCompressVariants([new Uint8Array([9]), 'ab'], {}, w));
  t.equal(hex(view), '1d 00 00 00 01 00 00 00 09 00 00 00 04 00 00 00 02 00 00 00 61 62 00 00');
  t.equal(hex(w.toBytes()), `ee ${hex(view)}`);
  t.end();
});

t.test('encode_and_compress_variants with out: a bad value returns the code and leaves out unchanged', (t) => {
  const w = new ByteWriter();
  w.u8(1);
  t.equal(encodeAndCompressVariants([1, 'a', Symbol('x')], {}, w), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(hex(w.toBytes()), '01');
  const cyclic: unknown[] = [];
  cyclic.push(cyclic);
  t.equal(encodeAndCompressVariants([cyclic], {}, w), ErrorCode.ERR_OUT_OF_MEMORY, 'a cycle hits the recursion limit');
  t.equal(hex(w.toBytes()), '01');
  t.end();
});

t.test('decode_and_decompress_variants raw: count 0 reads nothing, count 1 takes the rest, others fail', (t) => {
  const bytes = unhex('aa 01 02 03');
  const zero = decodeAndDecompressVariants(bytes, 1, 0, { raw: true });
  t.same([zero.error, zero.values.length, zero.length], [ErrorCode.OK, 0, 0]);
  const one = decodeAndDecompressVariants(bytes, 1, 1, { raw: true });
  t.equal(one.error, ErrorCode.OK);
  t.equal(hex(one.values[0] as Uint8Array), '01 02 03');
  t.equal(one.length, 3);
  (one.values[0] as Uint8Array)[0] = 0xff;
  t.equal(bytes[1], 1, 'the PackedByteArray is a copy');
  t.equal(decodeAndDecompressVariants(bytes, 1, 2, { raw: true }).error, ErrorCode.ERR_INVALID_DATA);
  t.end();
});

t.test('decode_and_decompress_variants: too few bytes for the count is ERR_INVALID_DATA; decoded values are kept', (t) => {
  const r = decodeAndDecompressVariants(unhex('02 05 81'), 0, 3);
  t.equal(r.error, ErrorCode.ERR_INVALID_DATA);
  t.equal(r.length, 0);
  t.same(r.values, [5, true, null], "Godot's RPC receiver still calls the method with the rest as null");
  const bad = decodeAndDecompressVariants(unhex('02 05 18 00 00 00'), 0, 2);
  t.equal(bad.error, ErrorCode.ERR_UNAUTHORIZED, "the first failing value's code");
  t.same(bad.values, [5, null]);
  t.equal(decodeAndDecompressVariants(unhex('02 05'), 0, -1).error, ErrorCode.ERR_INVALID_PARAMETER);
  t.end();
});

t.test('encode_and_compress_variants raw: the argument bytes of the docs/wire/multiplayer.md §6.6 RPC examples', (t) => {
  const cases: Array<[string, unknown[], string, boolean]> = [
    ['hit(25)', [25], '02 19', false],
    ['move(Vector2(0.5, -1))', [new Vector2(0.5, -1)], '05 00 00 00 00 00 00 3f 00 00 80 bf', false],
    ['ping()', [], '', true],
    ['upload(PackedByteArray([0xde, 0xad, 0xbe, 0xef]))', [new Uint8Array([0xde, 0xad, 0xbe, 0xef])], 'de ad be ef', true],
    ['hit(25, true, "x")', [25, true, 'x'], '02 19 81 04 00 00 00 01 00 00 00 78 00 00 00', false],
  ];
  for (const [name, args, want, raw] of cases) {
    t.equal(hex(ok(encodeAndCompressVariants(args, { raw: true }))), want, name);
    t.equal(isRawArguments(args), raw, `${name}: raw/no-args flag ${raw}`);
  }
  t.end();
});
