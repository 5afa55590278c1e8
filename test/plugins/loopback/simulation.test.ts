/** The Simulation: both layouts, stepping, conditions, determinism of events and packet traces. */
import t from 'tap';
import { ErrorCode, RPCMode, TransferMode } from '../../../core/index.js';
import { Node } from '../../../scenetree/index.js';
import { Simulation } from '../../../plugins/loopback/simulation.js';

class Counter extends Node {
  hits = 0;
  constructor() {
    super('Counter');
    this.rpcConfig('hit', { rpcMode: RPCMode.ANY_PEER, transferMode: TransferMode.UNRELIABLE });
    this.rpcConfig('ack', { rpcMode: RPCMode.AUTHORITY });
  }
  hit(): void {
    this.hits++;
  }
  ack(): void {
    this.hits++;
  }
}

/** 4 clients spam unreliable RPCs at the server, which answers reliably; returns hashes. */
async function scenario(seed: number, layout: 'trees' | 'subtrees' = 'trees') {
  const sim = new Simulation({
    seed,
    clients: 4,
    layout,
    conditions: { latencyMs: 40, jitterMs: 15, loss: 0.1, duplicate: 0.02, reorder: 0.05 },
    setup: (p) => p.root.addChild(new Counter()),
  });
  try {
    await sim.until(
      () => sim.server.multiplayer.getPeers().length === 4 && sim.clients.every((c) => c.multiplayer.getPeers().length === 4),
    );
    for (let frame = 0; frame < 120; frame++) {
      for (const c of sim.clients) (c.root.getNodeOrNull('Counter') as Counter).rpcId(1, 'hit');
      if (frame % 6 === 0) (sim.server.root.getNodeOrNull('Counter') as Counter).rpc('ack');
      sim.step();
    }
    sim.step(60);
    const hits = sim.peers.map((p) => (p.root.getNodeOrNull('Counter') as Counter).hits);
    return { trace: sim.traceHash(), events: sim.eventsHash(), hits, order: sim.events.map((e) => `${e.peer}:${e.event}`) };
  } finally {
    sim.close();
  }
}

t.test('determinism: the same seed gives the same trace, events and outcome, 3 times', async (t) => {
  const runs = [await scenario(42), await scenario(42), await scenario(42)];
  t.equal(runs[1]!.trace, runs[0]!.trace);
  t.equal(runs[2]!.trace, runs[0]!.trace);
  t.equal(runs[1]!.events, runs[0]!.events);
  t.same(runs[2]!.order, runs[0]!.order);
  t.same(runs[2]!.hits, runs[0]!.hits);
  t.ok(runs[0]!.hits[0]! < 480, 'some unreliable hits were lost (10 % loss)');
  t.same(runs[0]!.hits.slice(1), [20, 20, 20, 20], 'every reliable ack arrived exactly once');
});

t.test('determinism: a different seed under loss gives a different trace', async (t) => {
  const [a, b] = [await scenario(42), await scenario(43)];
  t.not(a.trace, b.trace);
});

t.test('layout: subtrees of one tree behave like separate trees', async (t) => {
  const run = await scenario(42, 'subtrees');
  t.same(run.hits.slice(1), [20, 20, 20, 20]);
  t.ok(run.hits[0]! > 300);
});

t.test('until: rejects after maxFrames; step after close throws', async (t) => {
  const sim = new Simulation({ clients: 1 });
  await t.rejects(
    sim.until(() => false, { maxFrames: 5 }),
    { code: ErrorCode.ERR_TIMEOUT },
  );
  t.equal(sim.frame, 5);
  sim.close();
  sim.close();
  t.throws(() => sim.step(), { code: ErrorCode.ERR_UNCONFIGURED });
});

t.test('conditions: a slow link delays, a partition holds reliable data back until healed', async (t) => {
  const sim = new Simulation({ seed: 9, clients: 2 });
  t.teardown(() => sim.close());
  await sim.until(() => sim.server.multiplayer.getPeers().length === 2);
  sim.setLinkConditions(sim.server, sim.clients[0]!, { latencyMs: 200 });
  const before = sim.frame;
  sim.clients[0]!.multiplayer.sendBytes(Uint8Array.of(1));
  const got: number[] = [];
  sim.server.multiplayer.peerPacket.connect((_id, data) => got.push(data[0]!));
  await sim.until(() => got.length === 1);
  t.ok(sim.frame - before >= 12, 'a 200 ms link takes at least 12 frames at 60 fps');
  sim.partition(sim.clients[1]!);
  sim.clients[1]!.multiplayer.sendBytes(Uint8Array.of(2));
  sim.step(30);
  t.same(got, [1], 'nothing crosses a partition');
  t.ok(
    sim.trace.some((e) => 'outcome' in e && e.outcome === 'partitioned'),
    'the trace shows the partitioned sends',
  );
  sim.heal(sim.clients[1]!);
  await sim.until(() => got.length === 2);
  t.same(got, [1, 2], 'the reliable packet is retransmitted once healed');
});
