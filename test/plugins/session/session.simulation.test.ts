/** Session resume in the Simulation: partitions, loss, expiry, refusal, determinism. */
import t from 'tap';
import { ManualClock, MemoryLogger, SeededRng } from '../../../core/index.js';
import { LoopbackMultiplayerPeer, Simulation, type SimPeer } from '../../../plugins/loopback/index.js';
import { SessionClientPeer, SessionServerPeer } from '../../../plugins/session/index.js';
import { Node, rpc } from '../../../scenetree/index.js';
import { PLAYER_SCENE, Vector2, addWorld, player, players, type Player } from '../../helpers/replication-nodes.js';

/** Both directions send numbered reliable RPCs; each receiver records what arrived, in order. */
class Stream extends Node {
  readonly got = new Map<number, number[]>();
  readonly owned: number[] = [];
  @rpc('authority', 'reliable')
  ownerSays(n: number): void {
    this.owned.push(n);
  }
  constructor() {
    super('Stream');
  }
  @rpc('any_peer', 'reliable')
  seq(n: number): void {
    const from = this.multiplayer!.getRemoteSenderId();
    let list = this.got.get(from);
    if (list === undefined) this.got.set(from, (list = []));
    list.push(n);
  }
}

interface SessionSim {
  readonly sim: Simulation;
  readonly server: SessionServerPeer;
  readonly serverLog: MemoryLogger;
  readonly client: (i: number) => SessionClientPeer;
  /** Cuts client i (and every connection it makes meanwhile) off the network, or restores it. */
  offline(i: number, off: boolean): void;
}

function sessionSim(
  seed: number,
  clients: number,
  loss = 0,
  session: { graceMs?: number; maxBufferedPackets?: number } = {},
  setup?: (p: SimPeer) => void,
): SessionSim {
  const clock = new ManualClock();
  const wrappers = new Map<string, SessionClientPeer>();
  const addresses = new Map<string, string[]>();
  const off = new Set<string>();
  const rng = new SeededRng(seed * 7919);
  let server: SessionServerPeer | null = null;
  const serverLog = new MemoryLogger();
  const sim: Simulation = new Simulation({
    seed,
    clients,
    clock,
    conditions: { latencyMs: 30, jitterMs: 10, loss },
    setup: (p) => {
      p.root.addChild(new Stream());
      setup?.(p);
    },
    wrapPeer: (lb, name) => {
      if (name === 'server') return (server = new SessionServerPeer(lb, { clock, tokenRng: rng.fork(), logger: serverLog, ...session }));
      const wrapper = new SessionClientPeer(lb, {
        clock,
        ...session,
        reconnect: () => {
          // A fresh address per attempt; an offline client's attempts are cut off before they start.
          const list = addresses.get(name)!;
          const address = `${name}-attempt${list.length}`;
          list.push(address);
          if (off.has(name)) sim.network.partition(address);
          const next = new LoopbackMultiplayerPeer({ clock, rng: rng.fork() });
          next.createClient(sim.network, { localAddress: address });
          return next;
        },
      });
      wrappers.set(name, wrapper);
      return wrapper;
    },
  });
  for (const c of sim.clients) addresses.set(c.name, [c.loopback.address]);
  return {
    sim,
    server: server!,
    serverLog,
    client: (i) => wrappers.get(`client${i}`)!,
    offline(i, isOff) {
      const name = `client${i}`;
      if (isOff) off.add(name);
      else off.delete(name);
      for (const a of addresses.get(name)!) isOff ? sim.network.partition(a) : sim.network.heal(a);
    },
  };
}

const stream = (p: SimPeer) => p.root.getNode('Stream', Stream);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Every frame, each client sends its next number to the server and the server its next to each client. */
function pump(sim: Simulation, counters: Map<string, number>, frames: number): void {
  for (let f = 0; f < frames; f++) {
    for (const c of sim.clients) {
      const n = (counters.get(c.name) ?? 0) + 1;
      if (stream(c).rpcId(1, 'seq', n) === 0) counters.set(c.name, n);
      const id = c.multiplayer.getUniqueId();
      const m = (counters.get(`to-${c.name}`) ?? 0) + 1;
      if (stream(sim.server).rpcId(id, 'seq', m) === 0) counters.set(`to-${c.name}`, m);
    }
    sim.step();
  }
}

async function run(seed: number) {
  const s = sessionSim(seed, 8, 0.05);
  const { sim, server } = s;
  await sim.until(() => sim.server.multiplayer.getPeers().length === 8 && sim.clients.every((c) => c.multiplayer.getPeers().length === 8));
  const victim = sim.clients[2]!;
  const victimId = victim.multiplayer.getUniqueId();
  const ids = sim.clients.map((c) => c.multiplayer.getUniqueId());
  const counters = new Map<string, number>();
  const paused: number[] = [];
  const resumed: number[] = [];
  server.peerPaused.connect((id) => paused.push(id));
  server.peerResumed.connect((id) => resumed.push(id));
  pump(sim, counters, 60);
  s.offline(3, true);
  pump(sim, counters, 5 * 60); // 5 s of partition, both sides keep sending
  s.offline(3, false);
  await sim.until(() => !s.client(3).isPaused, { maxFrames: 600 });
  pump(sim, counters, 60);
  await sim.until(
    () =>
      sim.clients.every((c) => (stream(sim.server).got.get(c.multiplayer.getUniqueId()) ?? []).length === counters.get(c.name)) &&
      sim.clients.every((c) => (stream(c).got.get(1) ?? []).length === counters.get(`to-${c.name}`)),
    { maxFrames: 1200 },
  );
  return { s, sim, victimId, ids, counters, paused, resumed };
}

t.test('a 5 s partition of one client out of 8 under 5 % loss loses nothing, duplicates nothing, keeps ids', async (t) => {
  const { s, sim, victimId, ids, counters, paused, resumed } = await run(5);
  t.teardown(() => sim.close());
  t.same(
    sim.clients.map((c) => c.multiplayer.getUniqueId()),
    ids,
    'every client kept its id',
  );
  t.equal(sim.clients[2]!.multiplayer.getUniqueId(), victimId);
  t.same(paused, [victimId], 'the server saw the victim pause');
  t.same(resumed, [victimId], 'and resume');
  t.ok(s.client(3).inner !== sim.clients[2]!.loopback, 'on a new connection');
  for (const c of sim.clients) {
    t.same(
      stream(sim.server).got.get(c.multiplayer.getUniqueId()),
      range(1, counters.get(c.name)!),
      `server got ${c.name}'s numbers once, in order`,
    );
    t.same(stream(c).got.get(1), range(1, counters.get(`to-${c.name}`)!), `${c.name} got the server's numbers once, in order`);
  }
  t.equal(counters.get('client3'), 7 * 60, 'the victim sent during the gap too');
  const disconnects = sim.events.filter((e) => e.event === 'peerDisconnected' || e.event === 'serverDisconnected');
  t.same(disconnects, [], 'nobody saw a disconnection');
  t.same(sim.server.multiplayer.getPeers().sort(), [...ids].sort());
});

t.test('determinism: the same seed gives the same trace and events', async (t) => {
  const a = await run(9);
  const hashA = [a.sim.traceHash(), a.sim.eventsHash()];
  a.sim.close();
  const b = await run(9);
  const hashB = [b.sim.traceHash(), b.sim.eventsHash()];
  b.sim.close();
  t.same(hashA, hashB);
});

t.test('expiry: past the grace window the session ends as a normal disconnect, for everyone', async (t) => {
  const s = sessionSim(3, 2, 0, { graceMs: 2000 });
  const { sim } = s;
  t.teardown(() => sim.close());
  await sim.until(() => sim.clients.every((c) => c.multiplayer.getPeers().length === 2));
  const victimId = sim.clients[0]!.multiplayer.getUniqueId();
  s.offline(1, true);
  await sim.until(() => s.server.getPausedPeers().includes(victimId), { maxFrames: 600 });
  const pausedAt = sim.clock.nowMs();
  t.ok(sim.clients[1]!.multiplayer.getPeers().includes(victimId), 'still listed while paused');
  await sim.until(() => !sim.server.multiplayer.getPeers().includes(victimId), { maxFrames: 600 });
  t.ok(sim.clock.nowMs() - pausedAt >= 2000, 'only after the grace');
  await sim.until(() => !sim.clients[1]!.multiplayer.getPeers().includes(victimId));
  t.ok(
    sim.events.some((e) => e.peer === 'client2' && e.event === 'peerDisconnected' && e.args[0] === victimId),
    'the other client saw peer_disconnected',
  );
  await sim.until(() => sim.clients[0]!.multiplayer.getPeers().length === 0, { maxFrames: 600 });
  t.ok(
    sim.events.some((e) => e.peer === 'client1' && e.event === 'serverDisconnected'),
    'the victim ends with server_disconnected',
  );
  s.offline(1, false);
  sim.step(120);
  t.notOk(sim.server.multiplayer.getPeers().includes(victimId), 'a late resume is refused');
});

t.test('a wrong or reused token is refused', async (t) => {
  const s = sessionSim(4, 1);
  const { sim } = s;
  t.teardown(() => sim.close());
  await sim.until(() => sim.clients[0]!.multiplayer.getPeers().length === 1);
  const { encodeHello } = await import('../../../plugins/session/session-protocol.js');
  for (const token of [new Uint8Array(16), new Uint8Array(16).fill(7)]) {
    const intruder = new LoopbackMultiplayerPeer({ clock: sim.clock, rng: new SeededRng(1) });
    intruder.createClient(sim.network);
    for (let i = 0; i < 20 && intruder.getConnectionStatus() !== 2; i++) intruder.poll(), sim.step();
    intruder.setTargetPeer(1);
    intruder.putPacket(encodeHello({ resume: true, token, lastReceived: 0 }));
    sim.step(10);
    intruder.poll();
    t.equal(intruder.getConnectionStatus(), 0, 'the server dropped the connection');
    intruder.close();
  }
  t.equal(sim.server.multiplayer.getPeers().length, 1, 'nobody joined');
  t.equal(s.serverLog.records.filter((r) => /unknown or already used resume token/.test(r.message)).length, 2, 'both refusals logged');
});

t.test('overflow: a gap longer than the buffer ends the session cleanly', async (t) => {
  const s = sessionSim(6, 1, 0, { maxBufferedPackets: 50 });
  const { sim } = s;
  t.teardown(() => sim.close());
  await sim.until(() => sim.clients[0]!.multiplayer.getPeers().length === 1);
  const id = sim.clients[0]!.multiplayer.getUniqueId();
  s.offline(1, true);
  await sim.until(() => s.server.getPausedPeers().includes(id), { maxFrames: 600 });
  for (let i = 0; i < 60; i++) stream(sim.server).rpcId(id, 'seq', i);
  sim.step(2);
  t.notOk(sim.server.multiplayer.getPeers().includes(id), 'the session ended');
  t.ok(sim.events.some((e) => e.peer === 'server' && e.event === 'peerDisconnected' && e.args[0] === id));
});

t.test('after a resume the client keeps its authority and the replicated nodes; state changed during the gap arrives', async (t) => {
  const s = sessionSim(8, 2, 0.05, {}, (p) => addWorld(p));
  const { sim } = s;
  t.teardown(() => sim.close());
  await sim.until(() => sim.peers.every((p) => p.multiplayer.getPeers().length === 2));
  const victim = sim.clients[0]!;
  const victimId = victim.multiplayer.getUniqueId();
  for (const p of sim.peers) stream(p).setMultiplayerAuthority(victimId); // the victim owns Stream everywhere
  const ship = sim.server.tree.scenes.load(PLAYER_SCENE)!.instantiate() as Player;
  ship.name = 'Ship';
  players(sim.server).addChild(ship, true);
  await sim.until(() => sim.clients.every((c) => player(c, 'Ship') !== null));
  s.offline(1, true);
  await sim.until(() => s.client(1).isPaused, { maxFrames: 600 });
  ship.position = new Vector2(7, 8); // ALWAYS (unreliable SYNC)
  ship.score = 42; // ON_CHANGE (reliable delta): sent into the gap
  sim.step(120);
  t.equal(player(victim, 'Ship')!.score, 0, 'the victim has not seen it yet');
  s.offline(1, false);
  await sim.until(() => !s.client(1).isPaused, { maxFrames: 600 });
  await sim.until(() => player(victim, 'Ship')!.score === 42 && player(victim, 'Ship')!.position.equals(new Vector2(7, 8)), {
    maxFrames: 600,
  });
  t.pass('the replicated node was kept and caught up');
  t.equal(stream(victim).rpc('ownerSays', 1), 0);
  await sim.until(() => stream(sim.server).owned.length === 1 && stream(sim.clients[1]!).owned.length === 1);
  t.same(stream(sim.server).owned, [1], 'the server still accepts the victim as the authority');
  t.equal(victim.multiplayer.getUniqueId(), victimId);
  t.same(
    sim.events.filter((e) => e.event === 'peerDisconnected'),
    [],
    'no disconnection anywhere',
  );
});
