import t from 'tap';
import { TransferMode } from '../../../core/index.js';
import { PacketTrace } from '../../../plugins/loopback/packet-trace.js';

t.test('PacketTrace.record: unkept and unobserved entries still count and hash like kept ones', (t) => {
  const kept = new PacketTrace();
  const bare = new PacketTrace({ keepEntries: false });
  for (const trace of [kept, bare]) {
    for (let i = 0; i < 5; i++) {
      trace.record(i * 16, 'server', `client-${i % 2}`, 'data', TransferMode.RELIABLE, 0, 38, 0, 'delivered', i * 16 + 30);
    }
    trace.packet({ timeMs: 99, from: 'a', to: 'b', message: 'connect', mode: TransferMode.RELIABLE, channel: 0, size: 0, attempt: 1, outcome: 'dropped', deliverAtMs: null });
  }
  t.equal(bare.hash(), kept.hash());
  t.equal(bare.count, 6);
  t.equal(bare.entries.length, 0, 'nothing kept');
  t.equal(kept.entries.length, 6);
  const seen: unknown[] = [];
  bare.recorded.connect((e) => seen.push(e));
  const entry = bare.record(100, 'a', 'b', 'data', TransferMode.UNRELIABLE, 2, 4, 0, 'stale', null);
  t.match(seen, [{ type: 'packet', index: 6, timeMs: 100, channel: 2, outcome: 'stale', deliverAtMs: null }], 'an observer still gets the entry');
  t.equal(entry, seen[0]);
  t.end();
});
