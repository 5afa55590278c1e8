/** SceneMultiplayer#limits: malformed-packet threshold, per-peer and per-API budgets, sustained abuse. */
import t from 'tap';
import { LogLevel } from '../../../core/index.js';
import { Simulation, type SimPeer } from '../../../plugins/loopback/index.js';
import {
  DEFAULT_LIMITS,
  Node,
  SceneMultiplayer,
  UNLIMITED,
  installServerPolicy,
  rpc,
  type MultiplayerLimits,
} from '../../../scenetree/index.js';
import { fromHex } from '../../helpers/recording-peer.js';

// Limits, stats, typed argument checks and readable checksum errors are the server policy (GameServer installs it).
installServerPolicy();

class Counter extends Node {
  readonly bySender = new Map<number, number>();
  constructor() {
    super('Counter');
  }
  @rpc('any_peer', 'reliable')
  bump(n: number): void {
    const from = this.multiplayer!.getRemoteSenderId();
    this.bySender.set(from, (this.bySender.get(from) ?? 0) + n);
  }
}

async function connected(clients: number, limits: Partial<MultiplayerLimits> = {}, seed = 31): Promise<Simulation> {
  const sim = new Simulation({
    seed,
    clients,
    setup: (p) => {
      p.root.addChild(new Counter());
      p.multiplayer.limits = limits;
    },
  });
  await sim.until(() => sim.peers.every((p) => p.multiplayer.getPeers().length === clients));
  return sim;
}
const counter = (p: SimPeer) => p.root.getNode('Counter', Counter);
const id = (p: SimPeer) => p.multiplayer.getUniqueId();
const errors = (p: SimPeer) => p.log.at(LogLevel.ERROR).map((r) => r.message);
const MALFORMED = fromHex('30 01 00'); // an RPC whose node-id size is 3

t.test('limits: defaults, partial assignment, validation', (t) => {
  const mp = new SceneMultiplayer();
  t.same(mp.limits, DEFAULT_LIMITS);
  mp.limits = { malformedPerWindow: 0 };
  t.equal(mp.limits.malformedPerWindow, 0);
  t.equal(mp.limits.peerRpcsPerSecond, DEFAULT_LIMITS.peerRpcsPerSecond, 'missing keys take the defaults');
  mp.limits = UNLIMITED;
  t.equal(mp.limits.peerRpcsPerSecond, Infinity);
  t.throws(() => (mp.limits = { peerRpcBurst: -1 }), /must be a number >= 0/);
  t.throws(() => (mp.limits = { windowMs: 0 }), /windowMs/);
  t.throws(() => (mp.limits = { nope: 1 } as never), /Unknown multiplayer limit 'nope'/);
  t.equal(new SceneMultiplayer({ limits: { peerRpcBurst: 5 } }).limits.peerRpcBurst, 5);
  t.end();
});

t.test('malformed packets: dropped, logged once and counted; the sender is disconnected only past the threshold per window', async (t) => {
  const sim = await connected(2);
  t.teardown(() => sim.close());
  const [bad, good] = sim.clients as [SimPeer, SimPeer];
  const badId = id(bad);
  const server = sim.server;
  bad.loopback.setTargetPeer(1);
  for (let i = 0; i < DEFAULT_LIMITS.malformedPerWindow; i++) bad.loopback.putPacket(MALFORMED);
  sim.step(3);
  t.ok(server.multiplayer.getPeers().includes(id(bad)), `${DEFAULT_LIMITS.malformedPerWindow} in a window: still connected (as Godot)`);
  t.equal(server.multiplayer.stats.peer(id(bad))!.drops.malformed, DEFAULT_LIMITS.malformedPerWindow, 'each one counted');
  t.equal(errors(server).filter((m) => m.includes('Invalid RPC packet')).length, 1, 'logged once');
  // A new window: the count starts again.
  sim.step(Math.ceil((DEFAULT_LIMITS.windowMs / 1000) * 60) + 1);
  for (let i = 0; i < DEFAULT_LIMITS.malformedPerWindow; i++) bad.loopback.putPacket(MALFORMED);
  sim.step(3);
  t.ok(server.multiplayer.getPeers().includes(id(bad)), 'the next window starts from zero');
  bad.loopback.putPacket(MALFORMED);
  await sim.until(() => !server.multiplayer.getPeers().includes(badId));
  t.equal(errors(server).filter((m) => m.includes(`Disconnecting peer ${badId}`)).length, 1, 'one past the threshold disconnects, logged');
  t.equal(server.multiplayer.stats.total.drops.malformed, 2 * DEFAULT_LIMITS.malformedPerWindow + 1);
  counter(good).rpcId(1, 'bump', 1);
  await sim.until(() => counter(server).bySender.get(id(good)) === 1);
  t.pass('the other client is served');
});

t.test('malformedPerWindow Infinity never disconnects (Godot behaviour)', async (t) => {
  const sim = await connected(1, { malformedPerWindow: Infinity });
  t.teardown(() => sim.close());
  const bad = sim.clients[0]!;
  bad.loopback.setTargetPeer(1);
  for (let i = 0; i < 500; i++) bad.loopback.putPacket(MALFORMED);
  sim.step(3);
  t.ok(sim.server.multiplayer.getPeers().includes(id(bad)));
  t.equal(sim.server.multiplayer.stats.total.drops.malformed, 500);
});

/** One client floods `perSecond` RPCs for `seconds` of virtual time while the others send a few per frame. */
async function flood(limits: Partial<MultiplayerLimits>, perSecond: number, seconds: number, seed = 31) {
  const sim = await connected(3, limits, seed);
  const [flooder, ...honest] = sim.clients as [SimPeer, SimPeer, SimPeer];
  const flooderId = id(flooder);
  const perFrame = Math.round(perSecond / 60);
  let sentByHonest = 0;
  let maxQueued = 0;
  const start = sim.clock.nowMs();
  for (let f = 0; f < seconds * 60; f++) {
    if (flooder.multiplayer.getPeers().length > 0) for (let i = 0; i < perFrame; i++) counter(flooder).rpcId(1, 'bump', 1);
    for (const h of honest) for (let i = 0; i < 3; i++) counter(h).rpcId(1, 'bump', 1);
    sentByHonest += 3;
    sim.step();
    maxQueued = Math.max(maxQueued, sim.server.loopback.getAvailablePacketCount());
  }
  sim.step(10);
  return { sim, flooderId, honest, sentByHonest, maxQueued, elapsedS: (sim.clock.nowMs() - start) / 1000 };
}

t.test('a client flooding 100,000 RPCs/s: at most its quota runs, honest clients lose nothing, nothing piles up', async (t) => {
  const limits = { peerRpcsPerSecond: 500, peerRpcBurst: 200, rateLimitedPerWindow: Infinity };
  const { sim, flooderId, honest, sentByHonest, maxQueued, elapsedS } = await flood(limits, 100_000, 2);
  t.teardown(() => sim.close());
  const server = sim.server;
  const ran = counter(server).bySender.get(flooderId) ?? 0;
  const quota = limits.peerRpcBurst + limits.peerRpcsPerSecond * elapsedS + 1;
  t.ok(ran <= quota, `the flooder ran ${ran} RPCs, quota ${quota} (of ~${100_000 * 2} sent)`);
  t.ok(ran >= limits.peerRpcsPerSecond * 2, 'and it did get its quota');
  for (const h of honest) t.equal(counter(server).bySender.get(id(h)), sentByHonest, `honest client ${h.name}: every RPC arrived`);
  const stats = server.multiplayer.stats.peer(flooderId)!;
  t.equal(stats.rpcsIn, ran + stats.drops.rate_limited, 'every RPC not run was dropped as rate_limited');
  t.ok(server.multiplayer.getPeers().includes(flooderId), 'rateLimitedPerWindow Infinity: never disconnected');
  t.equal(maxQueued, 0, 'the server drains its transport every frame: nothing is buffered');
  t.equal([...server.multiplayer.stats.peers()].length, 3, 'per-peer state: one record per peer');
  t.equal(errors(server).filter((m) => m.includes('over its budget')).length, 1, 'logged once');
});

t.test('sustained abuse disconnects the flooder (default limits); the others stay', async (t) => {
  const { sim, flooderId, honest, sentByHonest } = await flood({}, 100_000, 1);
  t.teardown(() => sim.close());
  const server = sim.server;
  t.notOk(server.multiplayer.getPeers().includes(flooderId), 'disconnected');
  t.equal(
    errors(server).filter((m) => m.includes(`packets over budget within ${DEFAULT_LIMITS.windowMs} ms. Disconnecting peer ${flooderId}`))
      .length,
    1,
  );
  t.ok((counter(server).bySender.get(flooderId) ?? 0) <= DEFAULT_LIMITS.peerRpcBurst + DEFAULT_LIMITS.peerRpcsPerSecond + 1);
  for (const h of honest) t.equal(counter(server).bySender.get(id(h)), sentByHonest, `${h.name}: every RPC arrived`);
});

t.test('the flood is deterministic: same seed, same trace and same counters', async (t) => {
  const limits = { peerRpcsPerSecond: 300, peerRpcBurst: 100, rateLimitedPerWindow: 5000 };
  const runs = [];
  for (let i = 0; i < 2; i++) {
    const { sim, flooderId } = await flood(limits, 20_000, 1, 77);
    runs.push({
      hash: sim.traceHash(),
      stats: JSON.stringify(sim.server.multiplayer.stats),
      ran: counter(sim.server).bySender.get(flooderId),
    });
    sim.close();
  }
  t.same(runs[0], runs[1]);
});

t.test('bytes budget per peer, and the API-wide budget shared by all peers', async (t) => {
  await t.test('bytes per peer', async (t) => {
    const sim = await connected(2, { peerBytesPerSecond: 10_000, peerBytesBurst: 10_000, rateLimitedPerWindow: Infinity });
    t.teardown(() => sim.close());
    const [big, small] = sim.clients as [SimPeer, SimPeer];
    let got = 0;
    sim.server.multiplayer.peerPacket.connect((from) => from === id(big) && got++);
    for (let f = 0; f < 60; f++) {
      for (let i = 0; i < 10; i++) big.multiplayer.sendBytes(new Uint8Array(1000), 1);
      counter(small).rpcId(1, 'bump', 1);
      sim.step();
    }
    sim.step(5);
    t.ok(got * 1001 <= 10_000 + 10_000 * 1.2 + 1001, `${got} KB of 600 KB passed in ~1 s`);
    t.ok(sim.server.multiplayer.stats.peer(id(big))!.drops.rate_limited > 0);
    t.equal(counter(sim.server).bySender.get(id(small)), 60, 'the other client is unaffected');
  });
  await t.test('API-wide RPCs', async (t) => {
    const sim = await connected(3, { totalRpcsPerSecond: 120, totalRpcBurst: 60, rateLimitedPerWindow: Infinity });
    t.teardown(() => sim.close());
    for (let f = 0; f < 60; f++) {
      for (const c of sim.clients) for (let i = 0; i < 2; i++) counter(c).rpcId(1, 'bump', 1);
      sim.step();
    }
    sim.step(5);
    const ran = [...counter(sim.server).bySender.values()].reduce((a, b) => a + b, 0);
    t.ok(ran <= 60 + 120 * 1.2 + 1, `${ran} of 360 RPCs ran under a 120/s API budget`);
    t.ok(ran >= 120, 'the budget was used');
    t.equal(sim.server.multiplayer.stats.total.drops.rate_limited, 360 - ran);
  });
});

t.test('a client never limits its server', async (t) => {
  const sim = await connected(1, { peerRpcsPerSecond: 1, peerRpcBurst: 1 });
  t.teardown(() => sim.close());
  for (let i = 0; i < 50; i++) counter(sim.server).rpcId(id(sim.clients[0]!), 'bump', 1);
  await sim.until(() => counter(sim.clients[0]!).bySender.get(1) === 50);
  t.equal(sim.clients[0]!.multiplayer.stats.total.drops.rate_limited, 0);
});
