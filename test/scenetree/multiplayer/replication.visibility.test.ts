import t from 'tap';
import { ErrorCode, LogLevel } from '../../../core/index.js';
import { Simulation, type SimPeer } from '../../../plugins/loopback/index.js';
import { MultiplayerSpawner, MultiplayerSynchronizer, rpc } from '../../../scenetree/index.js';
import { RecordingPeer } from '../../helpers/recording-peer.js';
import { PLAYER_SCENE, Player, Vector2, addWorld, makePlayer, player, players } from '../../helpers/replication-nodes.js';

/** A Player that can be poked by RPC, to see who RPCs reach. */
class Pokable extends Player {
  pokes = 0;
  @rpc('any_peer')
  poke(): void {
    this.pokes++;
  }
}

function world(p: SimPeer): MultiplayerSpawner {
  const spawner = addWorld(p);
  p.tree.scenes.registerScene(PLAYER_SCENE, () => {
    const base = makePlayer();
    const pokable = new Pokable();
    for (const child of base.getChildren()) {
      base.removeChild(child);
      pokable.addChild(child);
    }
    return pokable;
  });
  return spawner;
}

function sim2(options: { seed?: number; conditions?: object } = {}): Simulation {
  const sim = new Simulation({ seed: options.seed ?? 3, clients: 2, conditions: options.conditions, setup: (p) => world(p) });
  sim.step(5);
  return sim;
}

function spawnOnServer(sim: Simulation, name: string, setup?: (p: Pokable, sync: MultiplayerSynchronizer) => void): Pokable {
  const p = sim.server.tree.scenes.load(PLAYER_SCENE)!.instantiate() as Pokable;
  p.name = name;
  setup?.(p, p.getNode('Sync', MultiplayerSynchronizer));
  players(sim.server).addChild(p, true);
  return p;
}

const id = (p: SimPeer): number => p.multiplayer.getUniqueId();
const errors = (p: SimPeer): string[] => p.log.at(LogLevel.ERROR).map((r) => r.message);

t.test('setVisibilityFor: a private synchronizer spawns its node only where it is visible, and despawns when hidden', async (t) => {
  const sim = sim2();
  t.teardown(() => sim.close());
  const [c1, c2] = sim.clients as [SimPeer, SimPeer];
  let sync!: MultiplayerSynchronizer;
  spawnOnServer(sim, 'Secret', (_, s) => {
    sync = s;
    s.publicVisibility = false;
    s.setVisibilityFor(id(c1), true);
  });
  sim.step(5);
  t.ok(player(c1, 'Secret'), 'visible peer has it');
  t.equal(player(c2, 'Secret'), null, 'hidden peer does not');

  sync.setVisibilityFor(id(c2), true);
  await sim.until(() => player(c2, 'Secret') !== null, { maxFrames: 20 });
  sync.setVisibilityFor(id(c1), false);
  await sim.until(() => player(c1, 'Secret') === null, { maxFrames: 20 });
  t.ok(player(c2, 'Secret'), 'still on the other peer');
});

t.test('addVisibilityFilter: filters run every process frame (IDLE) and all must agree', async (t) => {
  const sim = sim2();
  t.teardown(() => sim.close());
  const [c1, c2] = sim.clients as [SimPeer, SimPeer];
  let allowed = id(c1);
  spawnOnServer(sim, 'Filtered', (_, s) => s.addVisibilityFilter((peer) => peer === allowed));
  sim.step(5);
  t.ok(player(c1, 'Filtered') && !player(c2, 'Filtered'), 'only the filtered-in peer');
  allowed = id(c2);
  await sim.until(() => player(c2, 'Filtered') !== null && player(c1, 'Filtered') === null, { maxFrames: 20 });
  t.pass('the filter was re-evaluated without any call');
});

t.test('is_rpc_visible: RPCs on a synchronized node skip peers that cannot see it; an explicit target is refused', async (t) => {
  const sim = sim2();
  t.teardown(() => sim.close());
  const [c1, c2] = sim.clients as [SimPeer, SimPeer];
  const secret = spawnOnServer(sim, 'Secret', (_, s) => {
    s.publicVisibility = false;
    s.setVisibilityFor(id(c1), true);
  });
  sim.step(5);
  t.equal(secret.rpc('poke'), ErrorCode.OK, 'broadcast is fine');
  t.equal(secret.rpcId(id(c2), 'poke'), ErrorCode.ERR_INVALID_PARAMETER, 'explicit target that cannot see it');
  t.match(errors(sim.server).at(-1), /cannot see this node/);
  await sim.until(() => (player(c1, 'Secret') as Pokable).pokes === 1, { maxFrames: 20 });
  const onC1 = player(c1, 'Secret') as Pokable;
  t.equal(onC1.rpcId(1, 'poke'), ErrorCode.OK, 'a client may always call the peer that spawned the node');
  await sim.until(() => secret.pokes === 1, { maxFrames: 20 });
});

t.test('client authority: a node spawned for a client is driven by that client and seen by everyone', async (t) => {
  const sim = sim2({ conditions: { latencyMs: 20 } });
  t.teardown(() => sim.close());
  const [c1, c2] = sim.clients as [SimPeer, SimPeer];
  for (const p of sim.peers) {
    p.root.getNode('World/Spawner', MultiplayerSpawner).spawnFunction = (data) => {
      const pawn = p.tree.scenes.load(PLAYER_SCENE)!.instantiate();
      pawn.name = `P${data as number}`;
      pawn.setMultiplayerAuthority(data as number); // recursive: the synchronizer too
      return pawn;
    };
  }
  await sim.until(() => sim.peers.every((p) => p.multiplayer.getPeers().length === 2));
  sim.server.root.getNode('World/Spawner', MultiplayerSpawner).spawn(id(c1));
  const name = `P${id(c1)}`;
  await sim.until(() => sim.peers.every((p) => player(p, name) !== null), { maxFrames: 30 });
  player(c1, name)!.position = new Vector2(5, 6);
  await sim.until(() => sim.peers.every((p) => player(p, name)!.position.equals(new Vector2(5, 6))), { maxFrames: 60 });
  t.pass('the server and the other client follow the owning client');
  player(c2, name)!.position = new Vector2(-1, -1);
  sim.step(10);
  t.ok(player(sim.server, name)!.position.equals(new Vector2(5, 6)), 'a third peer cannot drive it');
  t.same(errors(sim.server), [], 'no errors on the server');
});

t.test('replicationInterval: SYNC packets go out at most once per interval', async (t) => {
  let server!: RecordingPeer;
  const sim = new Simulation({
    seed: 3,
    clients: 1,
    fps: 60,
    setup: (p) => addWorld(p),
    wrapPeer: (peer, name) => (name === 'server' ? (server = new RecordingPeer(peer)) : peer),
  });
  t.teardown(() => sim.close());
  sim.step(5);
  const p = sim.server.tree.scenes.load(PLAYER_SCENE)!.instantiate() as Player;
  p.getNode('Sync', MultiplayerSynchronizer).replicationInterval = 0.1;
  players(sim.server).addChild(p, true);
  sim.step(2);
  server.sent.length = 0;
  sim.step(60);
  const syncs = server.sent.filter((s) => s.bytes[0] === 0x06).length;
  t.ok(syncs >= 9 && syncs <= 11, `about 10 SYNCs in one second at 0.1 s (${syncs})`);
});

t.test('maxSyncPacketSize: many synchronizers are split into packets under the limit', async (t) => {
  let server!: RecordingPeer;
  const sim = new Simulation({
    seed: 3,
    clients: 1,
    setup: (p) => addWorld(p),
    wrapPeer: (peer, name) => (name === 'server' ? (server = new RecordingPeer(peer)) : peer),
  });
  t.teardown(() => sim.close());
  sim.step(5);
  sim.server.multiplayer.maxSyncPacketSize = 200;
  t.throws(() => (sim.server.multiplayer.maxSyncPacketSize = 100), /at least 128/);
  for (let i = 0; i < 20; i++) {
    const p = sim.server.tree.scenes.load(PLAYER_SCENE)!.instantiate() as Player;
    p.name = `N${i}`;
    p.hp = i;
    players(sim.server).addChild(p, true);
  }
  sim.step(3);
  server.sent.length = 0;
  sim.step();
  const syncs = server.sent.filter((s) => s.bytes[0] === 0x06);
  t.ok(syncs.length > 1, `${syncs.length} SYNC packets for one frame`);
  t.ok(
    syncs.every((s) => s.bytes.length <= 200),
    'each within the limit',
  );
  t.ok(
    syncs.every((s) => s.bytes[1] === syncs[0]!.bytes[1]),
    'all with the same time',
  );
  await sim.until(() => Array.from({ length: 20 }, (_, i) => player(sim.clients[0]!, `N${i}`)?.hp === i).every(Boolean));
});

t.test('a peer leaving frees what it spawned on the others; replacing the peer frees the rest', async (t) => {
  const sim = sim2();
  t.teardown(() => sim.close());
  const [c1, c2] = sim.clients as [SimPeer, SimPeer];
  spawnOnServer(sim, 'A');
  sim.step(5);
  const onC2 = player(c2, 'A')!;
  sim.server.multiplayer.disconnectPeer(id(c2));
  await sim.until(() => !onC2.isInsideTree(), { maxFrames: 20 });
  t.equal(player(c2, 'A'), null, 'the server left c2: its spawns are freed there');
  const a = player(c1, 'A')!;
  t.ok(a.isInsideTree());
  c1.multiplayer.multiplayerPeer = null; // Godot's on_reset frees remote spawns
  sim.step();
  t.notOk(a.isInsideTree(), 'freed on reset');
  t.equal(player(c1, 'A'), null);
});

t.test('determinism: spawning and syncing under loss gives the same trace for the same seed', async (t) => {
  const run = (seed: number): string => {
    const sim = sim2({ seed, conditions: { latencyMs: 30, jitterMs: 10, loss: 0.1 } });
    for (let i = 0; i < 5; i++) spawnOnServer(sim, `P${i}`, (p) => (p.position = new Vector2(i, i)));
    for (let f = 0; f < 60; f++) {
      player(sim.server, 'P0')!.position = new Vector2(f, 0);
      player(sim.server, 'P1')!.score = Math.floor(f / 10);
      sim.step();
    }
    const hash = sim.traceHash();
    sim.close();
    return hash;
  };
  const a = run(11);
  t.equal(run(11), a);
  t.equal(run(11), a);
  t.not(run(12), a, 'another seed, another trace');
});
