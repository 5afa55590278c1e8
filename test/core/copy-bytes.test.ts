/** copyBytes: packet copies that own their bytes, whether they get their own buffer or a slab's slice. */
import t from 'tap';
import { ByteWriter, copyBytes, decodeVariant, encodeVariant } from '../../core/index.js';

t.test('copyBytes: equal bytes, independent of the source and of each other, for every size class', (t) => {
  for (const n of [0, 1, 64, 65, 100, 256, 257, 1024, 1025, 5000]) {
    const src = Uint8Array.from({ length: n + 6 }, (_, i) => (i * 7 + n) & 0xff);
    const copies = Array.from({ length: 300 }, () => copyBytes(src, 3, 3 + n)); // 300 × 1 KiB crosses slabs
    for (const c of copies) {
      if (c.length !== n || c.some((b, i) => b !== src[3 + i])) t.fail(`bad copy of ${n} bytes`);
    }
    copies[0]!.fill(0xee);
    src.fill(0);
    t.same(
      [...copies[1]!],
      Array.from({ length: n }, (_, i) => ((3 + i) * 7 + n) & 0xff),
      `${n} B: copies own their bytes`,
    );
    t.equal(copies[1]!.byteOffset % 8, 0, `${n} B: 8-byte aligned`);
  }
  t.end();
});

t.test('copyBytes: a Node Buffer source gives a copy, not a view', (t) => {
  const buf = Buffer.from(Array.from({ length: 200 }, (_, i) => i));
  const c = copyBytes(buf, 10, 150);
  buf.fill(0);
  t.equal(c[0], 10);
  t.equal(c[139], 149);
  t.end();
});

t.test('ByteWriter.toPacket and decoded PackedByteArrays are copies', (t) => {
  const w = new ByteWriter();
  for (let i = 0; i < 100; i++) w.u8(i);
  const a = w.toPacket();
  w.reset();
  for (let i = 0; i < 100; i++) w.u8(255);
  t.equal(a[99], 99, 'writing on does not touch an earlier packet');
  const bytes = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
  const encoded = encodeVariant(bytes) as Uint8Array;
  const decoded = decodeVariant(encoded);
  encoded.fill(0);
  t.same(decoded.value, bytes, 'the decoded array survives its packet being overwritten');
  t.end();
});
