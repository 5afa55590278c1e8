import t from 'tap';
import { TransferMode } from '../../../core/index.js';
import { PacketQueue } from '../../../plugins/loopback/packet-queue.js';

t.test('PacketQueue: first in, first out, with each packet\'s sender, mode and channel', (t) => {
  const q = new PacketQueue();
  t.equal(q.size, 0);
  t.equal(q.nextFrom, 0, 'empty: sender 0');
  t.equal(q.nextMode(TransferMode.RELIABLE), TransferMode.RELIABLE, 'empty: the fallback mode');
  t.equal(q.nextChannel, 0, 'empty: channel 0');
  t.equal(q.shift(), undefined);
  const packets = Array.from({ length: 3000 }, (_, i) => Uint8Array.of(i & 0xff, i >> 8));
  let next = 0;
  let problems = 0;
  const take = () => {
    const ok = q.nextFrom === next + 2 && q.nextMode(TransferMode.RELIABLE) === next % 3 && q.nextChannel === next % 7;
    if (!ok || q.shift() !== packets[next]) problems++;
    next++;
  };
  for (let i = 0; i < packets.length; i++) {
    q.push(i + 2, (i % 3) as TransferMode, i % 7, packets[i]!);
    if (i % 3 === 2) take(); // the queue grows past its compaction threshold while being read
  }
  t.equal(q.size, packets.length - next, 'size counts what is left');
  while (q.size > 0) take();
  t.equal(next, packets.length, 'every packet came out once');
  t.equal(problems, 0, 'in order, each with its own sender, mode and channel');
  q.push(9, TransferMode.UNRELIABLE, 1, packets[0]!);
  q.clear();
  t.equal(q.size, 0, 'clear drops everything');
  t.end();
});
