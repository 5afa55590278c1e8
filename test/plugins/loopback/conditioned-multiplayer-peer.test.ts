import t from 'tap';
import { ConnectionStatus, ErrorCode, ManualClock, SeededRng, TransferMode, errorName } from '../../../core/index.js';
import {
  ConditionedMultiplayerPeer,
  LoopbackMultiplayerPeer,
  VirtualNetwork,
  type LinkConditions,
} from '../../../plugins/loopback/index.js';
import { runMultiplayerPeerConformance, tapRunner } from '../../../testing/index.js';
import { drain, put, step, stepUntil } from './fixtures/network.js';

const { UNRELIABLE, UNRELIABLE_ORDERED, RELIABLE } = TransferMode;

/** A loopback server and `n` clients over a perfect network; the server is wrapped in a conditioner. */
function setup(seed: number, conditions: Partial<LinkConditions>, n = 1) {
  const clock = new ManualClock();
  const network = new VirtualNetwork({ clock, rng: new SeededRng(seed) });
  const inner = new LoopbackMultiplayerPeer();
  const server = new ConditionedMultiplayerPeer(inner, { clock, rng: new SeededRng(seed + 1), conditions });
  inner.createServer(network);
  const clients = Array.from({ length: n }, () => {
    const c = new LoopbackMultiplayerPeer();
    c.createClient(network);
    return c;
  });
  stepUntil(clock, [server, ...clients], () => clients.every((c) => c.getConnectionStatus() === ConnectionStatus.CONNECTED));
  return { clock, server, clients, client: clients[0]! };
}

t.test('poll: latency holds packets back on the wrapper although the inner peer has them', (t) => {
  const { clock, server, client } = setup(1, { latencyMs: 50 });
  t.teardown(() => server.close());
  put(client, 1, Uint8Array.of(1), RELIABLE);
  server.poll();
  t.equal(server.inner.getAvailablePacketCount() + server.getAvailablePacketCount(), 0, 'the inner peer handed it over');
  step(clock, [server, client], 49);
  t.equal(server.getAvailablePacketCount(), 0, 'not before 50 ms after the poll that received it');
  step(clock, [server, client], 1);
  t.same(
    drain(server).map((p) => [p.from, p.data[0]]),
    [[client.getUniqueId(), 1]],
  );
  t.end();
});

t.test('RELIABLE stays exactly-once and ordered under loss, duplication, reordering and jitter', (t) => {
  const { clock, server, client } = setup(2, { latencyMs: 20, jitterMs: 15, loss: 0.5, duplicate: 0.3, reorder: 0.3 });
  t.teardown(() => server.close());
  for (let i = 0; i < 200; i++) put(client, 1, Uint8Array.of(i), RELIABLE, 2);
  const got: number[] = [];
  for (let ms = 0; ms < 500; ms++) {
    step(clock, [server, client]);
    got.push(...drain(server).map((p) => p.data[0]!));
  }
  t.same(
    got,
    Array.from({ length: 200 }, (_, i) => i),
  );
  t.equal(server.trace.filter((e) => e.type === 'packet' && e.outcome !== 'delivered').length, 0, 'only deliveries traced');
  t.end();
});

t.test('UNRELIABLE: loss 0.2 over 1000 packets with this seed drops exactly 193 (19.3 %)', (t) => {
  const { clock, server, client } = setup(3, { loss: 0.2 });
  t.teardown(() => server.close());
  for (let i = 0; i < 1000; i++) put(client, 1, Uint8Array.of(i & 0xff), UNRELIABLE);
  step(clock, [server, client]);
  t.equal(drain(server).length, 807);
  t.equal(server.trace.filter((e) => e.type === 'packet' && e.outcome === 'dropped').length, 193);
  t.end();
});

t.test('UNRELIABLE_ORDERED: jitter never makes it go backwards; late packets are stale', (t) => {
  const { clock, server, client } = setup(4, { latencyMs: 20, jitterMs: 15, reorder: 0.2 });
  t.teardown(() => server.close());
  const got: number[] = [];
  for (let ms = 0; ms < 400; ms++) {
    if (ms < 250) put(client, 1, Uint8Array.of(ms), UNRELIABLE_ORDERED);
    step(clock, [server, client]);
    got.push(...drain(server).map((p) => p.data[0]!));
  }
  t.ok(
    got.every((v, i) => i === 0 || v > got[i - 1]!),
    'strictly increasing',
  );
  const stale = server.trace.filter((e) => e.type === 'packet' && e.outcome === 'stale').length;
  t.ok(stale > 0, `late ones discarded (${stale})`);
  t.equal(got.length + stale, 250);
  t.end();
});

t.test('bandwidth: a 1000 B/s cap spreads arrivals 100 ms apart for 100-byte packets', (t) => {
  const { clock, server, client } = setup(5, { bandwidthBytesPerSec: 1000 });
  t.teardown(() => server.close());
  for (let i = 0; i < 5; i++) put(client, 1, new Uint8Array(100).fill(i), UNRELIABLE);
  const arrivals: number[] = [];
  for (let ms = 0; ms < 600; ms++) {
    step(clock, [server, client]);
    for (const _ of drain(server)) arrivals.push(clock.nowMs());
  }
  const start = arrivals[0]! - 100;
  t.same(
    arrivals.map((a) => a - start),
    [100, 200, 300, 400, 500],
  );
  t.end();
});

t.test('setPeerConditions: conditions apply per remote peer; null restores the default', (t) => {
  const { clock, server, clients } = setup(6, {}, 2);
  t.teardown(() => server.close());
  const [a, b] = clients as [LoopbackMultiplayerPeer, LoopbackMultiplayerPeer];
  server.setPeerConditions(a.getUniqueId(), { latencyMs: 100 });
  put(a, 1, Uint8Array.of(1), RELIABLE);
  put(b, 1, Uint8Array.of(2), RELIABLE);
  step(clock, [server, a, b]);
  t.same(
    drain(server).map((p) => p.data[0]),
    [2],
    'b is not delayed',
  );
  step(clock, [server, a, b], 100);
  t.same(
    drain(server).map((p) => p.data[0]),
    [1],
    'a is',
  );
  server.setPeerConditions(a.getUniqueId(), null);
  server.setConditions({ latencyMs: 7 });
  t.equal(server.conditions.latencyMs, 7);
  t.end();
});

t.test('delegation: transfer settings, target, refuseNewConnections and ids reach the inner peer', (t) => {
  const { clock, server, client } = setup(7, {});
  t.teardown(() => server.close());
  server.transferMode = UNRELIABLE_ORDERED;
  server.transferChannel = 3;
  server.refuseNewConnections = true;
  t.equal(server.inner.transferMode, UNRELIABLE_ORDERED);
  t.equal(server.inner.transferChannel, 3);
  t.equal(server.inner.refuseNewConnections, true);
  t.equal(server.getUniqueId(), 1);
  t.ok(server.isServer() && server.isServerRelaySupported());
  t.equal(server.getMaxPacketSize(), server.inner.getMaxPacketSize());
  server.setTargetPeer(client.getUniqueId());
  t.equal(server.putPacket(Uint8Array.of(9)), ErrorCode.OK);
  step(clock, [server, client]);
  t.same(
    drain(client).map((p) => [p.mode, p.channel, p.data[0]]),
    [[UNRELIABLE_ORDERED, 3, 9]],
  );
  t.equal(server.getPacket(), ErrorCode.ERR_UNAVAILABLE);
  t.end();
});

t.test('peerDisconnected: packets still held from that peer become readable before the signal', (t) => {
  const { clock, server, client } = setup(8, { latencyMs: 500 });
  t.teardown(() => server.close());
  const id = client.getUniqueId();
  let readableAtSignal = -1;
  server.peerDisconnected.connect(() => (readableAtSignal = server.getAvailablePacketCount()));
  put(client, 1, Uint8Array.of(1), RELIABLE);
  client.close();
  step(clock, [server]);
  t.equal(readableAtSignal, 1, 'the held packet was readable when peerDisconnected fired');
  t.same(
    drain(server).map((p) => p.from),
    [id],
  );
  t.end();
});

t.test('traceHash: same seeds and steps → same hash', (t) => {
  const run = () => {
    const { clock, server, client } = setup(9, { latencyMs: 10, jitterMs: 8, loss: 0.2, duplicate: 0.1 });
    for (let i = 0; i < 100; i++) {
      put(client, 1, Uint8Array.of(i), i % 3 === 0 ? RELIABLE : UNRELIABLE);
      step(clock, [server, client]);
    }
    server.close();
    return server.traceHash();
  };
  t.equal(run(), run());
  t.end();
});

t.test('direction send: putPacket is held back and handed to the inner peer from poll()', (t) => {
  const clock = new ManualClock();
  const network = new VirtualNetwork({ clock, rng: new SeededRng(10) });
  const server = new LoopbackMultiplayerPeer();
  server.createServer(network);
  const inner = new LoopbackMultiplayerPeer();
  const client = new ConditionedMultiplayerPeer(inner, { clock, rng: new SeededRng(11), conditions: { latencyMs: 50 }, direction: 'send' });
  t.teardown(() => server.close());
  inner.createClient(network);
  stepUntil(clock, [server, client], () => client.getConnectionStatus() === ConnectionStatus.CONNECTED);
  t.equal(put(client, 1, Uint8Array.of(1), RELIABLE, 2), ErrorCode.OK);
  t.equal(put(client, 777, Uint8Array.of(2), RELIABLE), ErrorCode.ERR_INVALID_PARAMETER, 'unknown targets are refused at once');
  step(clock, [server, client], 49);
  t.same(drain(server), [], 'still held at 49 ms');
  step(clock, [client, server], 1);
  t.same(
    drain(server).map((p) => [p.channel, p.data[0]]),
    [[2, 1]],
    'sent at 50 ms, on its channel',
  );
  t.equal(client.transferChannel, 0, "the user's transfer settings are restored after the flush");
  t.end();
});

t.test('direction send: RELIABLE exactly once and in order under loss; UNRELIABLE loses some', (t) => {
  const clock = new ManualClock();
  const network = new VirtualNetwork({ clock, rng: new SeededRng(12) });
  const server = new LoopbackMultiplayerPeer();
  server.createServer(network);
  const inner = new LoopbackMultiplayerPeer();
  const conditions = { latencyMs: 10, jitterMs: 8, loss: 0.4, duplicate: 0.2, reorder: 0.2 };
  const client = new ConditionedMultiplayerPeer(inner, { clock, rng: new SeededRng(13), conditions, direction: 'both' });
  t.teardown(() => server.close());
  inner.createClient(network);
  stepUntil(clock, [server, client], () => client.getConnectionStatus() === ConnectionStatus.CONNECTED);
  for (let i = 0; i < 100; i++) {
    put(client, 1, Uint8Array.of(i), RELIABLE);
    put(client, 1, Uint8Array.of(i), UNRELIABLE, 1);
  }
  const got: Array<[number, number]> = [];
  for (let ms = 0; ms < 300; ms++) {
    step(clock, [client, server]);
    got.push(...drain(server).map((p): [number, number] => [p.channel, p.data[0]!]));
  }
  t.same(
    got.filter(([c]) => c === 0).map(([, v]) => v),
    Array.from({ length: 100 }, (_, i) => i),
  );
  const unreliable = got.filter(([c]) => c === 1).length;
  t.ok(unreliable > 0 && unreliable < 100, `some unreliable packets lost (${100 - unreliable} of 100)`);
  t.end();
});

// The conditioner is itself a MultiplayerPeer: it must pass the same suite, over a bad network.
const clock = new ManualClock();
const network = new VirtualNetwork({ clock, rng: new SeededRng(77), conditions: { latencyMs: 5, loss: 0.1 } });
const conditions = { latencyMs: 15, jitterMs: 10, loss: 0.2, duplicate: 0.1, reorder: 0.1, bandwidthBytesPerSec: 2_000_000 };
let seed = 1000;
const wrap = (inner: LoopbackMultiplayerPeer) =>
  new ConditionedMultiplayerPeer(inner, { clock, rng: new SeededRng(seed++), conditions, direction: 'both' });
runMultiplayerPeerConformance<ConditionedMultiplayerPeer>(tapRunner(t), {
  name: 'conditioned loopback',
  capabilities: { channels: 4, unreliable: true, serverRelay: true, maxTestedPacketSize: 1 << 20 },
  createPeer: () => wrap(new LoopbackMultiplayerPeer()),
  startServer: (peer) => (peer.inner as LoopbackMultiplayerPeer).createServer(network, { address: network.allocateAddress('server') }),
  async createClient(server) {
    const inner = new LoopbackMultiplayerPeer();
    const err = inner.createClient(network, { address: (server.inner as LoopbackMultiplayerPeer).address });
    if (err !== ErrorCode.OK) throw new Error(`createClient failed: ${errorName(err)}`);
    return wrap(inner);
  },
  tick: () => clock.advance(5),
});
