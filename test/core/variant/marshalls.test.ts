import t from 'tap';
import {
  decodeDouble,
  decodeFloat,
  decodeHalf,
  decodeUint16,
  decodeUint32,
  decodeUint64,
  encodeCString,
  decodeCString,
  encodeDouble,
  encodeFloat,
  encodeHalf,
  encodeUint16,
  encodeUint32,
  encodeUint64,
} from '../../../core/index.js';
import { hex, unhex } from '../../helpers/variant.js';

// docs/wire/multiplayer.md §3.1 G1–G13 (Godot's tests/core/io/test_marshalls.h), each as a table row.
const ENCODERS: ReadonlyArray<{ id: string; name: string; run: (out: Uint8Array) => number; hex: string }> = [
  { id: 'G1', name: 'encode_uint16(0x1234)', run: (o) => encodeUint16(0x1234, o), hex: '34 12' },
  { id: 'G2', name: 'encode_uint32(0x12345678)', run: (o) => encodeUint32(0x12345678, o), hex: '78 56 34 12' },
  { id: 'G3', name: 'encode_uint64(0xF123456789ABCDEF)', run: (o) => encodeUint64(0xf123456789abcdefn, o), hex: 'ef cd ab 89 67 45 23 f1' },
  { id: 'G7', name: 'encode_half(0.33325195)', run: (o) => encodeHalf(0.33325195, o), hex: '55 35' },
  { id: 'G8', name: 'encode_float(0.15625)', run: (o) => encodeFloat(0.15625, o), hex: '00 00 20 3e' },
  { id: 'G9', name: 'encode_double(0.3333333333333333)', run: (o) => encodeDouble(0.3333333333333333, o), hex: '55 55 55 55 55 55 d5 3f' },
  { id: 'G13', name: 'encode_cstring("Godot")', run: (o) => encodeCString('Godot', o), hex: '47 6f 64 6f 74 00' },
];

for (const row of ENCODERS) {
  t.test(`${row.id} ${row.name}`, (t) => {
    const out = new Uint8Array(12).fill(0xaa);
    const n = row.run(out);
    const want = unhex(row.hex);
    t.equal(n, want.length, 'returns the byte count');
    t.equal(hex(out.subarray(0, n)), row.hex);
    t.equal(out[n], 0xaa, 'writes nothing past its bytes');
    t.end();
  });
}

const DECODERS: ReadonlyArray<{ id: string; name: string; run: (b: Uint8Array) => number | bigint; hex: string; want: number | bigint }> = [
  { id: 'G4', name: 'decode_uint16', run: (b) => decodeUint16(b), hex: '34 12', want: 0x1234 },
  { id: 'G5', name: 'decode_uint32', run: (b) => decodeUint32(b), hex: '78 56 34 12', want: 0x12345678 },
  { id: 'G6', name: 'decode_uint64', run: (b) => decodeUint64(b), hex: 'ef cd ab 89 67 45 23 f1', want: 0xf123456789abcdefn },
  { id: 'G10', name: 'decode_half', run: (b) => decodeHalf(b), hex: '55 35', want: 0.333251953125 },
  { id: 'G11', name: 'decode_float', run: (b) => decodeFloat(b), hex: '00 00 20 3e', want: 0.15625 },
  { id: 'G12', name: 'decode_double', run: (b) => decodeDouble(b), hex: '55 55 55 55 55 55 d5 3f', want: 0.3333333333333333 },
];

for (const row of DECODERS) {
  t.test(`${row.id} ${row.name}(${row.hex})`, (t) => {
    t.equal(row.run(unhex(row.hex)), row.want);
    t.end();
  });
}

t.test('decode_uint32: reads at an offset, unsigned', (t) => {
  t.equal(decodeUint32(unhex('00 ff ff ff ff'), 1), 0xffffffff);
  t.end();
});

t.test("encode_uint64: negative bigints are written as two's complement", (t) => {
  const out = new Uint8Array(8);
  encodeUint64(-1n, out);
  t.equal(hex(out), 'ff ff ff ff ff ff ff ff');
  t.end();
});

t.test('encode_half/decode_half: special values', (t) => {
  const out = new Uint8Array(2);
  const cases: Array<[number, string, number]> = [
    [0, '00 00', 0],
    [1, '00 3c', 1],
    [-2, '00 c0', -2],
    [65504, 'ff 7b', 65504],
    [Infinity, '00 7c', Infinity],
    [1e9, '00 7c', Infinity],
  ];
  for (const [value, bytes, back] of cases) {
    encodeHalf(value, out);
    t.equal(hex(out), bytes, `encode ${value}`);
    t.equal(decodeHalf(out), back, `decode ${bytes}`);
  }
  encodeHalf(NaN, out);
  t.ok(Number.isNaN(decodeHalf(out)), 'NaN stays NaN');
  t.equal(decodeHalf(unhex('01 00')), 2 ** -24, 'smallest subnormal');
  t.end();
});

t.test('encode_cstring: without an output buffer only measures (UTF-8 bytes + NUL)', (t) => {
  t.equal(encodeCString('é'), 3);
  t.end();
});

t.test('decodeCString: UTF-8 up to the first NUL or end, BOM dropped, malformed → null, end clamped', (t) => {
  const bytes = Uint8Array.of(0x68, 0xc3, 0xa9, 0x00, 0x7a);
  t.equal(decodeCString(bytes, 0), 'hé', 'stops at the NUL');
  t.equal(decodeCString(bytes, 4), 'z', 'to the end when there is no NUL');
  t.equal(decodeCString(bytes, 0, 1), 'h', 'stops at end');
  t.equal(decodeCString(bytes, 4, 99), 'z', 'an end past the bytes is clamped');
  t.equal(decodeCString(bytes, 9), '', 'an offset past the bytes reads nothing');
  t.equal(decodeCString(Uint8Array.of(0xef, 0xbb, 0xbf, 0x61), 0), 'a', 'a leading BOM is dropped');
  t.equal(decodeCString(Uint8Array.of(0x61, 0xc3), 0), null, 'a cut sequence is malformed');
  t.equal(decodeCString(new Uint8Array(60).fill(0x61), 0)?.length, 60, 'the long path too');
  t.end();
});
