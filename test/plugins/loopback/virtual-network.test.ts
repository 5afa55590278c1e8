import t from 'tap';
import { ErrorCode, MultiplayerError, TransferMode } from '../../../core/index.js';
import { Fnv1a64, type PacketTraceEntry, type TraceEntry, type VirtualNetwork } from '../../../plugins/loopback/index.js';
import { makeNetwork } from './fixtures/network.js';

const { UNRELIABLE, UNRELIABLE_ORDERED, RELIABLE } = TransferMode;

function pair(seed: number, conditions = {}) {
  const { clock, network } = makeNetwork(seed, conditions);
  network.attach('a');
  network.attach('b');
  const send = (i: number, mode: TransferMode, size = 4, from = 'a', to = 'b') => {
    const payload = new Uint8Array(size);
    payload[0] = i & 0xff;
    payload[1] = i >> 8;
    return network.send(from, to, { message: 'data', mode, channel: 0, payload, value: 0 });
  };
  const indices = (address = 'b') => network.receive(address).map((d) => d.payload[0]! | (d.payload[1]! << 8));
  return { clock, network, send, indices };
}

function packets(network: VirtualNetwork): PacketTraceEntry[] {
  return network.trace.filter((e): e is PacketTraceEntry => e.type === 'packet');
}

function outcomes(network: VirtualNetwork, outcome: string): number {
  return packets(network).filter((e) => e.outcome === outcome).length;
}

t.test('receive: a packet is deliverable only once the clock reaches its arrival time', (t) => {
  const { clock, network, send, indices } = pair(1, { latencyMs: 50 });
  t.ok(send(0, RELIABLE));
  clock.advance(49);
  t.same(indices(), [], 'not at 49 ms');
  clock.advance(1);
  t.same(indices(), [0], 'at 50 ms');
  t.same(indices(), [], 'received once');
  t.match(network.trace[0], {
    type: 'packet',
    timeMs: 0,
    from: 'a',
    to: 'b',
    message: 'data',
    mode: RELIABLE,
    size: 4,
    outcome: 'delivered',
    deliverAtMs: 50,
  });
  t.end();
});

t.test('loss: 1000 UNRELIABLE packets at loss 0.2 with seed 1 lose exactly 191 (19.1 %)', (t) => {
  const { clock, network, send, indices } = pair(1, { loss: 0.2 });
  for (let i = 0; i < 1000; i++) send(i, UNRELIABLE);
  clock.advance(1);
  const got = indices();
  t.equal(got.length, 809, 'delivered count for this seed');
  t.equal(outcomes(network, 'dropped'), 191, 'the trace records each loss');
  t.ok(
    got.every((v, i) => i === 0 || v > got[i - 1]!),
    'no jitter: arrival order is send order',
  );
  t.end();
});

t.test('RELIABLE under 20 % loss with jitter: every packet exactly once, in order, via retransmission', (t) => {
  const { clock, network, send, indices } = pair(2, { loss: 0.2, latencyMs: 10, jitterMs: 5 });
  const got: number[] = [];
  for (let ms = 0; ms < 5000 && got.length < 500; ms++) {
    if (ms < 500) send(ms, RELIABLE);
    clock.advance(1);
    got.push(...indices());
  }
  t.same(
    got,
    Array.from({ length: 500 }, (_, i) => i),
    'exactly once, in order',
  );
  const retries = packets(network).filter((e) => e.attempt > 0);
  t.ok(outcomes(network, 'dropped') > 50, `losses happened (${outcomes(network, 'dropped')})`);
  t.ok(retries.length > 0 && retries.some((e) => e.outcome === 'delivered'), 'retransmissions delivered the lost ones');
  t.equal(outcomes(network, 'delivered'), 500, 'one delivered transmission per packet');
  t.equal(outcomes(network, 'duplicated'), 0);
  t.end();
});

t.test('UNRELIABLE_ORDERED with jitter and reordering: never out of order; late ones are stale', (t) => {
  const { clock, network, send, indices } = pair(3, { latencyMs: 20, jitterMs: 15, reorder: 0.2, loss: 0.1, duplicate: 0.1 });
  const got: number[] = [];
  for (let ms = 0; ms < 600; ms++) {
    if (ms < 500) send(ms, UNRELIABLE_ORDERED);
    clock.advance(1);
    got.push(...indices());
  }
  t.ok(
    got.every((v, i) => i === 0 || v > got[i - 1]!),
    'strictly increasing',
  );
  const stale = outcomes(network, 'stale');
  t.ok(stale > 0, `late packets were discarded (${stale})`);
  t.equal(
    got.length + stale,
    outcomes(network, 'delivered') + outcomes(network, 'duplicated'),
    'every arrival is either released or stale',
  );
  t.end();
});

t.test('RELIABLE and UNRELIABLE_ORDERED on one channel keep separate sequences (no stall, no false stale)', (t) => {
  const { clock, send, network } = pair(14, { latencyMs: 20, jitterMs: 15, loss: 0.3 });
  const reliable: number[] = [];
  const ordered: number[] = [];
  for (let ms = 0; ms < 3000; ms++) {
    if (ms < 200) send(ms, ms % 2 === 0 ? RELIABLE : UNRELIABLE_ORDERED);
    clock.advance(1);
    for (const d of network.receive('b')) (d.mode === RELIABLE ? reliable : ordered).push(d.payload[0]!);
  }
  t.same(
    reliable,
    Array.from({ length: 100 }, (_, i) => 2 * i),
    'every reliable packet, in order',
  );
  t.ok(ordered.length > 0 && ordered.every((v, i) => i === 0 || v > ordered[i - 1]!), 'ordered ones never go backwards');
  t.end();
});

t.test('UNRELIABLE with jitter: arrival order differs from send order (reordering is real)', (t) => {
  const { clock, send, indices } = pair(4, { latencyMs: 20, jitterMs: 15 });
  const got: number[] = [];
  for (let ms = 0; ms < 300; ms++) {
    if (ms < 200) send(ms, UNRELIABLE);
    clock.advance(1);
    got.push(...indices());
  }
  t.equal(got.length, 200, 'nothing lost');
  t.notSame(
    got,
    [...got].sort((a, b) => a - b),
    'some packets overtook others',
  );
  t.end();
});

t.test('duplicate 1.0: every UNRELIABLE packet arrives twice, as separate buffers; RELIABLE never', (t) => {
  const { clock, network } = pair(5, { duplicate: 1 });
  network.send('a', 'b', { message: 'data', mode: UNRELIABLE, channel: 0, payload: Uint8Array.of(7), value: 0 });
  network.send('a', 'b', { message: 'data', mode: RELIABLE, channel: 0, payload: Uint8Array.of(8), value: 0 });
  clock.advance(1);
  const got = network.receive('b');
  t.same(
    got.map((d) => d.payload[0]),
    [7, 7, 8],
  );
  t.not(got[0]!.payload, got[1]!.payload, 'copies do not share memory');
  t.end();
});

t.test('bandwidth: 1000 B/s spreads ten 100-byte packets 100 ms apart', (t) => {
  const { clock, network, send } = pair(6, { bandwidthBytesPerSec: 1000 });
  for (let i = 0; i < 10; i++) send(i, UNRELIABLE, 100);
  t.same(
    packets(network).map((e) => e.deliverAtMs),
    [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000],
  );
  clock.advance(350);
  t.equal(network.receive('b').length, 3, 'three have arrived by 350 ms');
  t.end();
});

t.test('partition then heal: UNRELIABLE is lost, RELIABLE arrives once after the heal', (t) => {
  const { clock, network, send, indices } = pair(7, { latencyMs: 10 });
  network.partition('a', 'b');
  t.ok(network.isPartitioned('a', 'b') && network.isPartitioned('b', 'a'), 'both directions cut');
  send(1, UNRELIABLE);
  send(2, RELIABLE);
  const during: number[] = [];
  for (let ms = 0; ms < 2000; ms++) {
    clock.advance(1);
    during.push(...indices());
  }
  t.same(during, [], 'nothing crosses a partition');
  t.ok(outcomes(network, 'partitioned') > 2, 'the reliable packet kept being retransmitted');
  network.heal('a', 'b');
  t.notOk(network.isPartitioned('a', 'b'));
  const after: number[] = [];
  for (let ms = 0; ms < 2000; ms++) {
    clock.advance(1);
    after.push(...indices());
  }
  t.same(after, [2], 'the reliable packet, exactly once');
  t.end();
});

t.test('partition(a) isolates a from everyone; heal(a) undoes every partition of a', (t) => {
  const { network } = pair(8);
  network.attach('c');
  network.partition('a');
  network.partition('a', 'c');
  t.ok(network.isPartitioned('b', 'a') && network.isPartitioned('a', 'c'));
  t.notOk(network.isPartitioned('b', 'c'), 'other links untouched');
  network.heal('a');
  t.notOk(network.isPartitioned('b', 'a') || network.isPartitioned('a', 'c') || network.isPartitioned('c', 'a'));
  t.end();
});

t.test('setLinkConditions: overrides one direction only; null restores the default', (t) => {
  const { network } = pair(9, { latencyMs: 5 });
  network.setLinkConditions('a', 'b', { latencyMs: 100 });
  t.equal(network.getLinkConditions('a', 'b').latencyMs, 100);
  t.equal(network.getLinkConditions('b', 'a').latencyMs, 5, 'reverse direction keeps the default');
  network.setConditions({ loss: 0.5 });
  t.equal(network.getLinkConditions('b', 'a').loss, 0.5, 'defaults change at run time');
  network.setLinkConditions('a', 'b', null);
  t.same(network.getLinkConditions('a', 'b'), network.conditions);
  t.end();
});

t.test('setConditions: out-of-range values throw MultiplayerError(ERR_INVALID_PARAMETER)', (t) => {
  const { network } = pair(10);
  for (const bad of [{ loss: 1.5 }, { duplicate: -0.1 }, { reorder: NaN }, { latencyMs: -1 }, { bandwidthBytesPerSec: Infinity }]) {
    const err = t.throws(() => network.setConditions(bad)) as unknown;
    t.ok(MultiplayerError.is(err) && err.code === ErrorCode.ERR_INVALID_PARAMETER, JSON.stringify(bad));
  }
  t.equal(network.conditions.loss, 0, 'a rejected change leaves the conditions as they were');
  t.end();
});

t.test('attach/send: taken and empty addresses fail with codes; sending to nobody is unreachable', (t) => {
  const { network } = pair(11);
  t.equal(network.attach('a'), ErrorCode.ERR_ALREADY_IN_USE);
  t.equal(network.attach(''), ErrorCode.ERR_INVALID_PARAMETER);
  t.notOk(network.send('a', 'nobody', { message: 'data', mode: RELIABLE, channel: 0, payload: new Uint8Array(1), value: 0 }));
  t.equal(outcomes(network, 'unreachable'), 1);
  t.equal(network.allocateAddress('client'), 'client-1');
  t.end();
});

t.test('detach: packets on their way to the address vanish; packets it sent still arrive', (t) => {
  const { clock, network, send, indices } = pair(12, { latencyMs: 10 });
  send(1, RELIABLE, 4, 'a', 'b');
  send(2, RELIABLE, 4, 'b', 'a');
  network.detach('a');
  t.notOk(network.hasEndpoint('a'));
  clock.advance(10);
  t.same(indices('b'), [1], 'the goodbye of a detached endpoint still arrives');
  t.same(network.receive('a'), [], 'nothing for a detached address');
  t.end();
});

t.test('detach: right after a run of sends to it, the next send is unreachable; attached again, its streams restart', (t) => {
  const { clock, network, send, indices } = pair(14);
  for (let i = 0; i < 3; i++) t.ok(send(i, RELIABLE));
  t.same(indices(), [0, 1, 2]);
  network.detach('b');
  t.notOk(send(3, RELIABLE), 'nobody at b any more');
  t.equal(outcomes(network, 'unreachable'), 1);
  t.equal(network.attach('b'), ErrorCode.OK);
  t.ok(send(4, RELIABLE));
  t.ok(send(5, UNRELIABLE_ORDERED));
  clock.advance(1);
  t.same(indices(), [4, 5], 'the new endpoint gets both: its reliable and ordered streams start from 0');
  t.end();
});

t.test('traced and note(): the observer sees every entry; notes are part of the hash', (t) => {
  const { network, send } = pair(13);
  const seen: TraceEntry[] = [];
  network.traced.connect((e) => seen.push(e));
  send(1, RELIABLE);
  const before = network.traceHash();
  network.note('frame 1');
  t.same(
    seen.map((e) => e.type),
    ['packet', 'note'],
  );
  t.match(seen[1], { type: 'note', index: 1, timeMs: 0, text: 'frame 1' });
  t.not(network.traceHash(), before, 'the note changed the hash');
  t.match(network.traceHash(), /^[0-9a-f]{16}$/);
  t.end();
});

t.test('Fnv1a64: matches the reference FNV-1a 64 vectors', (t) => {
  const cases: Array<[string, string]> = [
    ['', 'cbf29ce484222325'],
    ['a', 'af63dc4c8601ec8c'],
    ['foobar', '85944171f73967e8'],
    ['é€😀', '0a289ca40199fa06'],
  ];
  for (const [input, hex] of cases) t.equal(new Fnv1a64().update(input).digest(), hex, JSON.stringify(input));
  t.end();
});
