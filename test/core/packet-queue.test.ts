/** core's PacketQueue: the one received-packet FIFO of every transport (loopback, WebSocket, ENet). */
import t from 'tap';
import { PacketQueue, TransferMode } from '../../core/index.js';

const bytes = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);

t.test("PacketQueue: first in, first out, with each packet's sender, mode and channel", (t) => {
  const q = new PacketQueue();
  t.equal(q.size, 0);
  t.equal(q.peekFrom(0), 0, 'empty: the fallback sender');
  t.equal(q.peekMode(TransferMode.RELIABLE), TransferMode.RELIABLE, 'empty: the fallback mode');
  t.equal(q.peekChannel(0), 0, 'empty: the fallback channel');
  t.equal(q.shift(), undefined);
  const packets = Array.from({ length: 3000 }, (_, i) => Uint8Array.of(i & 0xff, i >> 8));
  let next = 0;
  let problems = 0;
  const take = () => {
    const ok = q.peekFrom(0) === next + 2 && q.peekMode(TransferMode.RELIABLE) === next % 3 && q.peekChannel(0) === next % 7;
    if (!ok || q.shift() !== packets[next]) problems++;
    next++;
  };
  for (let i = 0; i < packets.length; i++) {
    q.push(packets[i]!, i + 2, (i % 3) as TransferMode, i % 7);
    if (i % 3 === 2) take(); // the queue grows past its compaction threshold while being read
  }
  t.equal(q.size, packets.length - next, 'size counts what is left');
  while (q.size > 0) take();
  t.equal(next, packets.length, 'every packet came out once');
  t.equal(problems, 0, 'in order, each with its own sender, mode and channel');
  q.push(packets[0]!, 9, TransferMode.UNRELIABLE, 1);
  q.clear();
  t.equal(q.size, 0, 'clear drops everything');
  t.end();
});

t.test('PacketQueue bytes: counts queued payload bytes through push, shift and clear', (t) => {
  const q = new PacketQueue();
  q.push(bytes(3, 1), 10);
  q.push(bytes(5, 2), 20);
  t.equal(q.size, 2);
  t.equal(q.bytes, 8);
  t.equal(q.peekFrom(0), 10);
  t.same(q.shift(), bytes(3, 1));
  t.equal(q.peekFrom(0), 20);
  t.equal(q.bytes, 5);
  t.same(q.shift(), bytes(5, 2));
  t.equal(q.size, 0);
  t.equal(q.bytes, 0);
  t.equal(q.peekFrom(-1), -1);
  q.push(bytes(4, 0), 1);
  q.shift();
  q.push(bytes(6, 0), 2);
  q.clear();
  t.equal(q.size, 0);
  t.equal(q.bytes, 0);
  t.equal(q.shift(), undefined);
  q.push(bytes(2, 9), 3);
  t.equal(q.peekFrom(0), 3);
  t.same(q.shift(), bytes(2, 9));
  t.end();
});

t.test('PacketQueue shift: order and senders survive compaction of a long queue', (t) => {
  const q = new PacketQueue();
  const n = 5000;
  for (let i = 0; i < n; i++) q.push(bytes(1, i & 0xff), i);
  let ok = true;
  for (let i = 0; i < n; i++) {
    if (i === 3000) for (let k = n; k < n + 100; k++) q.push(bytes(1, k & 0xff), k); // pushes between shifts
    const from = q.peekFrom(-1);
    const data = q.shift();
    ok &&= from === i && data?.[0] === (i & 0xff);
  }
  for (let k = n; k < n + 100; k++) ok &&= q.peekFrom(-1) === k && q.shift()?.[0] === (k & 0xff);
  t.ok(ok, 'every packet came out in order with its own sender');
  t.equal(q.size, 0);
  t.equal(q.bytes, 0);
  t.end();
});
