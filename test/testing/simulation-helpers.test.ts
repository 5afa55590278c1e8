import t from 'tap';
import { RPCMode, TransferMode } from '../../core/index.js';
import { Simulation } from '../../plugins/loopback/index.js';
import { Node } from '../../scenetree/index.js';
import { connectedSimulation, expectDeterministic, expectNever, expectPackets, tracePackets, waitUntil } from '../../testing/index.js';

class Pinger extends Node {
  got = 0;
  constructor() {
    super('Pinger');
    this.rpcConfig('ping', { rpcMode: RPCMode.ANY_PEER });
  }
  ping(): void {
    this.got++;
  }
}

const withPinger = { setup: (p: { root: Node }) => p.root.addChild(new Pinger()) };

t.test('connectedSimulation: every client connected and admitted, on the seeded network', async (t) => {
  const sim = await connectedSimulation({ seed: 4, clients: 3, conditions: { latencyMs: 30 } });
  t.teardown(() => sim.close());
  t.equal(sim.server.multiplayer.getPeers().length, 3);
  t.ok(sim.frame > 0 && sim.frame < 60, `took ${sim.frame} frames of 30 ms links`);
});

t.test('waitUntil: resolves with the frames taken; over budget it names what, the frame and the last events', async (t) => {
  const sim = await connectedSimulation({ seed: 4, clients: 1, conditions: { latencyMs: 50 }, ...withPinger });
  t.teardown(() => sim.close());
  const pinger = (p: { root: Node }) => p.root.getNode('Pinger') as Pinger;
  pinger(sim.clients[0]!).rpcId(1, 'ping');
  const frames = await waitUntil(sim, () => pinger(sim.server).got === 1, { frames: 30, what: 'the ping' });
  t.ok(frames >= 3, `50 ms of latency is at least 3 frames (took ${frames})`);
  await t.rejects(
    waitUntil(sim, () => pinger(sim.server).got === 2, { frames: 5, what: 'a second ping' }),
    /waitUntil: a second ping not reached within 5 frames \(frame \d+, [\d.]+ ms; last events: \d+:server\.peerConnected\(\d+\)/,
  );
  await expectNever(sim, () => pinger(sim.server).got > 1, { frames: 10, what: 'a duplicate ping' });
  pinger(sim.clients[0]!).rpcId(1, 'ping');
  await t.rejects(
    expectNever(sim, () => pinger(sim.server).got > 1, { frames: 10, what: 'another ping' }),
    /expectNever: another ping happened after \d+ of 10 frames/,
  );
});

t.test('tracePackets / expectPackets: count and bound what crossed the virtual network', async (t) => {
  const sim = await connectedSimulation({ seed: 9, clients: 2, ...withPinger });
  t.teardown(() => sim.close());
  const [a, b] = sim.clients as [(typeof sim.clients)[0], (typeof sim.clients)[0]];
  const since = sim.clock.nowMs();
  for (let i = 0; i < 3; i++) (a.root.getNode('Pinger') as Pinger).rpcId(1, 'ping');
  sim.step(10);
  // Three RPCs, and before the first the path-cache packet that names /root/Pinger once.
  const sent = expectPackets(sim, { from: a, to: sim.server, sinceMs: since }, { count: 4, maxBytes: 200 });
  t.ok(
    sent.every((e) => e.mode === TransferMode.RELIABLE && e.outcome === 'delivered'),
    'reliable and delivered',
  );
  t.same(tracePackets(sim, { from: b, sinceMs: since }), [], 'the other client sent nothing');
  t.throws(
    () => expectPackets(sim, { from: a, to: sim.server, sinceMs: since }, { count: 0 }),
    /expectPackets \{from=client1 to=server sinceMs=[\d.]+\}: found \d+ packets, \d+ bytes; expected exactly 0/,
  );
  t.throws(() => expectPackets(sim, { from: a, sinceMs: since }, { maxBytes: 1 }), /expected at most 1 bytes/);
});

t.test('expectDeterministic: the same seed gives the same run; a run that is not a function of its inputs is caught', async (t) => {
  const build = () => new Simulation({ seed: 11, clients: 2, conditions: { latencyMs: 20, jitterMs: 15, loss: 0.1 }, ...withPinger });
  const pingAll = (sim: Simulation, times: number) => {
    for (let i = 0; i < times; i++) for (const c of sim.clients) (c.root.getNode('Pinger') as Pinger).rpcId(1, 'ping');
  };
  const hashes = await expectDeterministic(build, async (sim) => {
    sim.step(10);
    pingAll(sim, 3);
    sim.step(30);
  });
  t.match(hashes.traceHash, /^[0-9a-f]{16}$/);
  let run = 0;
  await t.rejects(
    expectDeterministic(build, async (sim) => {
      sim.step(10);
      pingAll(sim, ++run); // depends on state outside the simulation
      sim.step(30);
    }),
    /expectDeterministic: two runs differ/,
  );
});
