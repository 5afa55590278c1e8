/**
 * DatagramQueue (plugins/net/packet-peer-udp.ts): the bounded receive queue of PacketPeerUDP and
 * UDPServer on core's PacketQueue: order, source addresses, the byte budget, and the address
 * table's reset and rebuild.
 */
import t from 'tap';
import { DatagramQueue } from '../../../plugins/net/packet-peer-udp.js';

const drain = (q: DatagramQueue): Array<[number, string, number]> => {
  const out: Array<[number, string, number]> = [];
  while (q.count > 0) {
    const ip = q.peekIp();
    const port = q.peekPort();
    out.push([q.shift()![0]!, ip, port]);
  }
  return out;
};

t.test('datagrams come out in order with their source address and port', async (t) => {
  const q = new DatagramQueue();
  t.equal(q.peekIp(), '');
  t.equal(q.peekPort(), 0);
  t.equal(q.shift(), undefined);
  t.ok(q.push(Uint8Array.of(1), '10.0.0.1', 1000));
  t.ok(q.push(Uint8Array.of(2), '::1', 2000));
  t.ok(q.push(Uint8Array.of(3), '10.0.0.1', 1001));
  t.equal(q.count, 3);
  t.same(drain(q), [
    [1, '10.0.0.1', 1000],
    [2, '::1', 2000],
    [3, '10.0.0.1', 1001],
  ]);
  t.equal(q.count, 0);
});

t.test('a datagram past the budget (24 bytes each counted) is dropped; room comes back as datagrams are taken', async (t) => {
  const q = new DatagramQueue(100);
  t.ok(q.push(new Uint8Array(26), 'a', 1), '50 of 100');
  t.ok(q.push(new Uint8Array(26), 'b', 2), '100 of 100');
  t.notOk(q.push(new Uint8Array(0), 'c', 3), '124 would not fit');
  t.equal(q.count, 2);
  q.shift();
  t.ok(q.push(new Uint8Array(26), 'c', 3));
  t.same(
    drain(q).map(([, ip, port]) => [ip, port]),
    [
      ['b', 2],
      ['c', 3],
    ],
  );
  q.push(new Uint8Array(26), 'd', 4);
  q.clear();
  t.equal(q.count, 0);
  t.ok(q.push(new Uint8Array(76), 'e', 5), 'clear() returns the whole budget');
});

t.test('a queue never drained to empty, fed by more senders than the address table holds, keeps every address', async (t) => {
  const q = new DatagramQueue(1 << 30);
  const expected: Array<[number, string, number]> = [];
  const got: Array<[number, string, number]> = [];
  // 10,000 distinct senders, one datagram each, with two always left queued.
  for (let i = 0; i < 10_000; i++) {
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    q.push(Uint8Array.of(i & 255), ip, i);
    expected.push([i & 255, ip, i]);
    if (q.count > 2) {
      const ipOut = q.peekIp();
      const port = q.peekPort();
      got.push([q.shift()![0]!, ipOut, port]);
    }
  }
  got.push(...drain(q));
  t.same(got, expected);
});
