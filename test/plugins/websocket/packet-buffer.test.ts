import t from 'tap';
import { PacketBuffer } from '../../../plugins/websocket/packet-buffer.js';

const bytes = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);

t.test('PacketBuffer push/shift: first in, first out, with each packet\'s tag', (t) => {
  const b = new PacketBuffer();
  t.equal(b.shift(), undefined);
  t.equal(b.peekTag(7), 7, 'the fallback when empty');
  b.push(bytes(3, 1), 10);
  b.push(bytes(5, 2), 20);
  t.equal(b.count, 2);
  t.equal(b.bytes, 8);
  t.equal(b.peekTag(0), 10);
  t.same(b.shift(), bytes(3, 1));
  t.equal(b.peekTag(0), 20);
  t.equal(b.bytes, 5);
  t.same(b.shift(), bytes(5, 2));
  t.equal(b.count, 0);
  t.equal(b.bytes, 0);
  t.equal(b.peekTag(-1), -1);
  t.end();
});

t.test('PacketBuffer shift: order and tags survive compaction of a long queue', (t) => {
  const b = new PacketBuffer();
  const n = 5000;
  for (let i = 0; i < n; i++) b.push(bytes(1, i & 0xff), i);
  let ok = true;
  for (let i = 0; i < n; i++) {
    if (i === 3000) for (let k = n; k < n + 100; k++) b.push(bytes(1, k & 0xff), k); // pushes between shifts
    const tag = b.peekTag(-1);
    const data = b.shift();
    ok &&= tag === i && data?.[0] === (i & 0xff);
  }
  for (let k = n; k < n + 100; k++) ok &&= b.peekTag(-1) === k && b.shift()?.[0] === (k & 0xff);
  t.ok(ok, 'every packet came out in order with its own tag');
  t.equal(b.count, 0);
  t.equal(b.bytes, 0);
  t.end();
});

t.test('PacketBuffer clear: forgets packets and bytes', (t) => {
  const b = new PacketBuffer();
  b.push(bytes(4, 0), 1);
  b.shift();
  b.push(bytes(6, 0), 2);
  b.clear();
  t.equal(b.count, 0);
  t.equal(b.bytes, 0);
  t.equal(b.shift(), undefined);
  b.push(bytes(2, 9), 3);
  t.equal(b.peekTag(0), 3);
  t.same(b.shift(), bytes(2, 9));
  t.end();
});
