import t from 'tap';
import { FlightQueue } from '../../../plugins/loopback/flight-queue.js';
import { SeededRng } from '../../../core/index.js';

interface Item {
  atMs: number;
  order: number;
}

const byTime = (a: Item, b: Item) => a.atMs - b.atMs || a.order - b.order;

t.test('FlightQueue: pops in (atMs, order) order whether items come in order, out of order or mixed', (t) => {
  const rng = new SeededRng(7);
  for (const shape of ['in order', 'random', 'mostly in order']) {
    const q = new FlightQueue<Item>();
    const pending: Item[] = [];
    let pops = 0;
    let problems = 0;
    let order = 0;
    let now = 0;
    for (let step = 0; step < 5000; step++) {
      if (rng.nextUint32() % 3 !== 0) {
        const late = shape === 'random' || (shape === 'mostly in order' && rng.nextUint32() % 10 === 0);
        const item = { atMs: now + (late ? rng.nextUint32() % 50 : 0), order: order++ };
        q.push(item);
        pending.push(item);
      } else {
        pending.sort(byTime);
        const expected = pending.shift();
        if (q.peek() !== expected || q.pop() !== expected) problems++;
        if (expected !== undefined) pops++;
      }
      if (q.size !== pending.length) problems++;
      if (step % 7 === 0) now += rng.nextUint32() % 3;
    }
    t.equal(problems, 0, `${shape}: ${pops} pops, each the earliest item, and the size right after every step`);
  }
  t.end();
});

t.test('FlightQueue.retain: keeps the order of what remains', (t) => {
  const q = new FlightQueue<Item>();
  const items = [5, 1, 9, 3, 3, 7, 2, 8].map((atMs, order) => ({ atMs, order }));
  for (const item of items) q.push(item);
  q.retain((item) => item.order % 2 === 0);
  const out: Item[] = [];
  for (let item = q.pop(); item !== undefined; item = q.pop()) out.push(item);
  t.same(out, items.filter((i) => i.order % 2 === 0).sort(byTime));
  t.equal(q.size, 0);
  t.end();
});
