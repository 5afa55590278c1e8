/** The Simulation beyond 32 clients, late joins and leaves, notes and address names. */
import t from 'tap';
import { ErrorCode, RPCMode, TransferMode } from '../../../core/index.js';
import { Node } from '../../../scenetree/index.js';
import { Simulation, renderTimeline, simulationTimeline, timelineModel } from '../../../plugins/loopback/index.js';
import { counterScenario } from '../../helpers/explore-scenarios.js';

class Tally extends Node {
  got = 0;
  constructor() {
    super('Tally');
    this.rpcConfig('ping', { rpcMode: RPCMode.ANY_PEER, transferMode: TransferMode.UNRELIABLE });
  }
  ping(): void {
    this.got++;
  }
}

function crowd(seed: number): { hash: string; got: number; peers: number } {
  const sim = new Simulation({
    seed,
    clients: 100,
    keepTrace: false,
    conditions: { latencyMs: 30, jitterMs: 10, loss: 0.05 },
    setup: (p) => p.root.addChild(new Tally()),
  });
  try {
    for (let f = 0; f < 200; f++) {
      for (const c of sim.clients) {
        if (c.multiplayer.getUniqueId() > 1) c.root.getNode('Tally', Tally).rpcId(1, 'ping');
      }
      sim.step();
    }
    return { hash: sim.traceHash(), got: sim.server.root.getNode('Tally', Tally).got, peers: sim.server.multiplayer.getPeers().length };
  } finally {
    sim.close();
  }
}

t.test('scale: 1 server + 100 clients all connect (the 32-client default grows with clients), same hash twice', (t) => {
  const [a, b] = [crowd(5), crowd(5)];
  t.equal(a.peers, 100, 'all 100 clients admitted');
  t.ok(a.got > 100 * 150, `the server got most pings (${a.got})`);
  t.equal(b.hash, a.hash, 'same seed, same trace hash');
  t.equal(b.got, a.got);
  t.end();
});

t.test('maxClients: an explicit cap refuses the clients beyond it', (t) => {
  const sim = new Simulation({ clients: 4, maxClients: 2 });
  t.teardown(() => sim.close());
  sim.step(30);
  t.equal(sim.server.multiplayer.getPeers().length, 2);
  t.equal(sim.clients.filter((c) => c.multiplayer.getUniqueId() > 1).length, 2, 'two clients connected');
  t.equal(sim.clients.filter((c) => !sim.isActive(c)).length, 2, 'two were rejected');
  t.end();
});

t.test('join/leave: a late client joins from a fresh address, a client leaves and rejoins', async (t) => {
  const sim = new Simulation({ seed: 3, clients: 3, connectAtStart: (c) => c.index !== 3, conditions: { latencyMs: 20 } });
  t.teardown(() => sim.close());
  const late = sim.clients[2]!;
  await sim.until(() => sim.server.multiplayer.getPeers().length === 2);
  t.notOk(sim.isActive(late), 'the late client has not connected');
  sim.note('late join');
  sim.join(late);
  t.throws(() => sim.join(late), { code: ErrorCode.ERR_ALREADY_IN_USE });
  await sim.until(() => sim.server.multiplayer.getPeers().length === 3 && late.multiplayer.getUniqueId() > 1);
  const first = sim.clients[0]!;
  const oldId = first.multiplayer.getUniqueId();
  sim.leave(first);
  await sim.until(() => sim.server.multiplayer.getPeers().length === 2);
  sim.join(first);
  await sim.until(() => sim.server.multiplayer.getPeers().length === 3 && first.multiplayer.getUniqueId() > 1);
  t.not(first.multiplayer.getUniqueId(), oldId, 'a rejoining client gets a new id');
  t.same([...new Set(sim.addressNames.values())].sort(), ['client1', 'client2', 'client3', 'server']);
  t.equal(sim.addressNames.size, 5, 'client1 used two addresses');
  t.ok(
    sim.trace.some((e) => e.type === 'note' && e.text === 'late join'),
    'the note is in the trace',
  );
  t.ok(
    sim.events.some((e) => e.peer === 'server' && e.event === 'peerDisconnected'),
    'the server saw the leave',
  );
  t.throws(() => sim.join(sim.server), { code: ErrorCode.ERR_INVALID_PARAMETER });
});

t.test('explore and the timeline at 1 server + 100 clients', (t) => {
  // Two random worlds of 100 clients (latency, loss, reordering, partitions, joins and leaves): the real
  // replication rule holds; the planted off-by-one is still found at this size.
  const good = Simulation.explore(counterScenario({ planted: false, clients: 100, frames: 240 }), { seeds: 2 });
  t.ok(good.ok, good.failure === null ? '2 worlds of 100 clients, no invariant broken' : good.failure.repro);
  const bad = Simulation.explore(counterScenario({ planted: true, clients: 100, frames: 240 }), { seeds: 10, shrink: false });
  t.notOk(bad.ok, 'the planted bug is found among 100 clients');
  t.match(bad.failure!.repro, /clients=100 frames=240/);

  // A 100-client run draws as a timeline: 101 columns, every packet of the trace as an arrow.
  const sim = new Simulation({ seed: 3, clients: 100, conditions: { latencyMs: 20, loss: 0.05 } });
  t.teardown(() => sim.close());
  sim.step(30);
  t.equal(sim.server.multiplayer.getPeers().length, 100);
  const model = timelineModel(simulationTimeline(sim));
  t.equal(model.peers.length, 101, 'one column per peer');
  t.equal(model.peers[0], 'server');
  t.ok(
    model.packets.length > 0 && model.packets.length === Math.min(sim.trace.filter((e) => e.type === 'packet').length, 20_000),
    `${model.packets.length} arrows`,
  );
  t.match(renderTimeline(simulationTimeline(sim)), /^<!doctype html>/i);
  t.end();
});
