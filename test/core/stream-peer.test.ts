/**
 * StreamPeer's typed helpers and StreamPeerBuffer, byte for byte against Godot's framing
 * (core/io/stream_peer.cpp): little-endian unless `bigEndian`, u32-length strings, and put_var's
 * 32-bit length followed by exactly the Variant codec's bytes (the golden vectors of the wire spec).
 */
import t from 'tap';
import fc from 'fast-check';
import { ErrorCode, MemoryLogger, StreamPeerBuffer, detachStream } from '../../core/index.js';
import { BIG, VARIANT_VECTORS } from '../fixtures/variant/vectors.js';
import { hex, unhex, variantEquals } from '../helpers/variant.js';

function written(fill: (b: StreamPeerBuffer) => void, bigEndian = false): string {
  const b = new StreamPeerBuffer();
  b.bigEndian = bigEndian;
  fill(b);
  return hex(b.dataArray);
}

function reader(bytes: string, bigEndian = false, logger?: MemoryLogger): StreamPeerBuffer {
  const b = new StreamPeerBuffer({ logger });
  b.dataArray = unhex(bytes);
  b.bigEndian = bigEndian;
  return b;
}

t.test('typed puts: little-endian by default, big-endian with the flag', (t) => {
  const cases: [string, (b: StreamPeerBuffer) => void, string, string][] = [
    ['put8(-2)', (b) => b.put8(-2), 'fe', 'fe'],
    ['putU8(200)', (b) => b.putU8(200), 'c8', 'c8'],
    ['put16(-2)', (b) => b.put16(-2), 'fe ff', 'ff fe'],
    ['putU16(0x1234)', (b) => b.putU16(0x1234), '34 12', '12 34'],
    ['put32(0x01020304)', (b) => b.put32(0x01020304), '04 03 02 01', '01 02 03 04'],
    ['putU32(0xdeadbeef)', (b) => b.putU32(0xdeadbeef), 'ef be ad de', 'de ad be ef'],
    ['put64(BIG)', (b) => b.put64(BIG), 'ef cd ab 89 67 45 23 f1', 'f1 23 45 67 89 ab cd ef'],
    ['put64(-1)', (b) => b.put64(-1), 'ff ff ff ff ff ff ff ff', 'ff ff ff ff ff ff ff ff'],
    ['putU64(2^53 + 1)', (b) => b.putU64(2n ** 53n + 1n), '01 00 00 00 00 00 20 00', '00 20 00 00 00 00 00 01'],
    ['putHalf(1.5)', (b) => b.putHalf(1.5), '00 3e', '3e 00'],
    ['putFloat(0.15625)', (b) => b.putFloat(0.15625), '00 00 20 3e', '3e 20 00 00'],
    ['putDouble(1/3)', (b) => b.putDouble(1 / 3), '55 55 55 55 55 55 d5 3f', '3f d5 55 55 55 55 55 55'],
    ['putString("hé!") (ASCII; é becomes a space)', (b) => b.putString('hé!'), '03 00 00 00 68 20 21', '00 00 00 03 68 20 21'],
    ['putUtf8String("é")', (b) => b.putUtf8String('é'), '02 00 00 00 c3 a9', '00 00 00 02 c3 a9'],
  ];
  for (const [name, fill, le, be] of cases) {
    t.equal(written(fill), le, `${name} little-endian`);
    t.equal(written(fill, true), be, `${name} big-endian`);
  }
  t.end();
});

t.test('typed gets read back what the puts wrote, in both byte orders', (t) => {
  for (const bigEndian of [false, true]) {
    const b = new StreamPeerBuffer();
    b.bigEndian = bigEndian;
    b.put8(-100);
    b.putU8(250);
    b.put16(-30000);
    b.putU16(60000);
    b.put32(-2_000_000_000);
    b.putU32(4_000_000_000);
    b.put64(BIG);
    b.put64(-42);
    b.putU64(2n ** 64n - 1n);
    b.putHalf(-0.5);
    b.putFloat(1.5);
    b.putDouble(Math.PI);
    b.putString('plain');
    b.putUtf8String('héllo ✓');
    b.seek(0);
    t.same(
      [
        b.get8(),
        b.getU8(),
        b.get16(),
        b.getU16(),
        b.get32(),
        b.getU32(),
        b.get64(),
        b.get64(),
        b.getU64(),
        b.getHalf(),
        b.getFloat(),
        b.getDouble(),
        b.getString(),
        b.getUtf8String(),
      ],
      [-100, 250, -30000, 60000, -2_000_000_000, 4_000_000_000, BIG, -42, 2n ** 64n - 1n, -0.5, 1.5, Math.PI, 'plain', 'héllo ✓'],
      bigEndian ? 'big-endian' : 'little-endian',
    );
    t.equal(b.getAvailableBytes(), 0);
  }
  t.end();
});

t.test('putVar writes a 32-bit length and exactly the Variant vector bytes; getVar reads them back', (t) => {
  for (const v of VARIANT_VECTORS) {
    const body = unhex(v.hex);
    const length = new Uint8Array(4);
    new DataView(length.buffer).setInt32(0, body.length, true);
    t.equal(
      written((b) => t.equal(b.putVar(v.value), ErrorCode.OK)),
      `${hex(length)} ${v.hex}`,
      `${v.id} ${v.name}`,
    );
    const r = reader(`${hex(length)} ${v.hex}`);
    t.ok(variantEquals(r.getVar(), v.decoded ?? v.value), `${v.id} decodes`);
    t.equal(r.getAvailableBytes(), 0, `${v.id} consumed whole`);
  }
  // The flag changes the length prefix only; the Variant itself is always little-endian.
  t.equal(
    written((b) => b.putVar(0x12345678), true),
    '00 00 00 08 02 00 00 00 78 56 34 12',
  );
  t.equal(reader('00 00 00 08 02 00 00 00 78 56 34 12', true).getVar(), 0x12345678);
  t.end();
});

t.test('getVar: an incomplete frame consumes nothing; bad bytes and negative lengths give null', (t) => {
  const log = new MemoryLogger();
  const partial = reader('08 00 00 00 02 00 00 00 78 56', false, log);
  t.equal(partial.getVar(), null);
  t.equal(partial.getPosition(), 0, 'nothing consumed');
  partial.seek(partial.getSize());
  partial.putData(unhex('34 12'));
  partial.seek(0);
  t.equal(partial.getVar(), 0x12345678, 'the rest arrived: the same call now succeeds');

  t.equal(reader('04 00 00 00 ff 00 00 00').getVar(), null, 'unknown Variant type');
  t.equal(reader('ff ff ff ff 00').getVar(), null, 'negative length');
  const object = reader('0c 00 00 00 18 00 00 00 02 00 00 00 41 42 00 00');
  t.equal(object.getVar(), null, 'full objects are refused unless allowed');
  t.ok(log.records.length > 0, 'failures are logged');
  t.end();
});

t.test('typed gets with too few bytes return 0 and consume nothing', (t) => {
  const b = reader('01 02 03');
  t.equal(b.getU32(), 0);
  t.equal(b.get64(), 0);
  t.equal(b.getString(), '');
  t.equal(b.getPosition(), 0);
  t.equal(b.getU16(), 0x0201);
  t.end();
});

t.test('getString is Latin-1 up to the first NUL; getUtf8String rejects malformed UTF-8', (t) => {
  t.equal(reader('05 00 00 00 41 e9 00 42 43').getString(), 'Aé');
  t.equal(reader('41 42 43').getString(2), 'AB', 'an explicit byte count skips the length');
  t.equal(reader('02 00 00 00 c3 28').getUtf8String(), '');
  t.equal(reader('e2 9c 93').getUtf8String(3), '✓');
  t.end();
});

t.test('StreamPeerBuffer: Godot semantics of get_data, seek, resize, clear, duplicate', (t) => {
  const b = reader('01 02 03');
  t.same(b.getData(2), [ErrorCode.OK, unhex('01 02')]);
  t.same(b.getData(5), [ErrorCode.ERR_INVALID_PARAMETER, unhex('03')], 'short: what there was, and an error');
  t.same(b.getPartialData(4), [ErrorCode.OK, new Uint8Array(0)]);
  t.same(b.getData(-1), [ErrorCode.ERR_INVALID_PARAMETER, new Uint8Array(0)]);
  t.same(b.putPartialData(unhex('04 05')), [ErrorCode.OK, 2]);
  t.equal(hex(b.dataArray), '01 02 03 04 05');
  b.seek(1);
  b.putData(unhex('aa'));
  t.equal(hex(b.dataArray), '01 aa 03 04 05', 'writes overwrite at the cursor');
  t.throws(() => b.seek(6), { name: 'MultiplayerError', code: ErrorCode.ERR_INVALID_PARAMETER });
  b.resize(2);
  t.equal(b.getPosition(), 2, 'the cursor is clamped');
  b.resize(4);
  t.equal(hex(b.dataArray), '01 aa 00 00', 'grown bytes are zero');
  const copy = b.duplicate();
  t.equal(copy.getPosition(), 0);
  t.equal(hex(copy.dataArray), '01 aa 00 00');
  b.clear();
  t.equal(b.getSize(), 0);
  t.equal(hex(copy.dataArray), '01 aa 00 00', 'the duplicate owns its bytes');
  t.end();
});

t.test('a StreamPeerBuffer has no platform stream to hand over', (t) => {
  t.equal(detachStream(new StreamPeerBuffer()), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(detachStream(null), ErrorCode.ERR_INVALID_PARAMETER);
  t.end();
});

t.test('property: any bytes, any sequence of getters: nothing throws, the cursor never passes the end', (t) => {
  const getters = [
    'get8',
    'getU8',
    'get16',
    'getU16',
    'get32',
    'getU32',
    'get64',
    'getU64',
    'getHalf',
    'getFloat',
    'getDouble',
    'getString',
    'getUtf8String',
    'getVar',
  ] as const;
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 256 }),
      fc.boolean(),
      fc.array(fc.constantFrom(...getters), { maxLength: 40 }),
      (bytes, bigEndian, calls) => {
        const b = new StreamPeerBuffer();
        b.dataArray = bytes;
        b.bigEndian = bigEndian;
        for (const call of calls) {
          const before = b.getPosition();
          b[call]();
          if (b.getPosition() < before || b.getPosition() > bytes.length) return false;
        }
        return true;
      },
    ),
    { numRuns: 500 },
  );
  t.pass('500 random streams');
  t.end();
});
