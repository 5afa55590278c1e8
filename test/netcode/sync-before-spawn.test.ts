import t from 'tap';
import { LogLevel, TransferMode } from '../../core/index.js';
import { Simulation, type SimPeer } from '../../plugins/loopback/index.js';
import { MultiplayerSpawner } from '../../scenetree/index.js';
import { PLAYER_SCENE, type Player, addWorld, player, players } from '../helpers/replication-nodes.js';

// Lossy, jittery links: a reliable SPAWN that is lost waits for its retransmission while the unreliable
// SYNCs sent in the next frames overtake it.
const LOSSY = { latencyMs: 40, jitterMs: 30, loss: 0.35, reorder: 0.2 };

interface Seen {
  /** hp (a sync property, not a spawn one) when `spawned` fired, per client. */
  readonly hpAtSpawn: Map<string, number>;
}

function run(seed: number, maxHeld?: number): { sim: Simulation; seen: Seen } {
  const sim = new Simulation({ seed, clients: 3, conditions: LOSSY, setup: (p) => addWorld(p) });
  const seen: Seen = { hpAtSpawn: new Map() };
  for (const c of sim.clients) {
    if (maxHeld !== undefined) c.multiplayer.maxHeldStates = maxHeld;
    c.root.getNode('World/Spawner', MultiplayerSpawner).spawned.connect((n) => seen.hpAtSpawn.set(c.name, (n as Player).hp));
  }
  return { sim, seen };
}

async function spawnAlice(sim: Simulation): Promise<void> {
  await sim.until(() => sim.clients.every((c) => c.multiplayer.getPeers().includes(1)), { maxFrames: 600 });
  const alice = sim.server.tree.scenes.load(PLAYER_SCENE)!.instantiate() as Player;
  alice.name = 'Alice';
  alice.hp = 42; // replicated by SYNC only: the spawn packet does not carry it
  players(sim.server).addChild(alice, true);
  await sim.until(() => sim.clients.every((c) => player(c, 'Alice') !== null), { maxFrames: 600 });
}

const stats = (c: SimPeer) => c.multiplayer.heldStateStats;

t.test('sync before spawn: a SYNC that overtakes its SPAWN is held and applied with the spawn, before `spawned`', async (t) => {
  const { sim, seen } = run(3);
  t.teardown(() => sim.close());
  await spawnAlice(sim);
  const early = sim.clients.filter((c) => stats(c).held > 0);
  t.ok(early.length > 0, `the seeded network made a SYNC overtake a SPAWN (${early.map((c) => c.name)})`);
  for (const c of early) {
    t.equal(stats(c).applied + stats(c).superseded, stats(c).held, `${c.name}: every held state was applied after the spawn (or replaced by a newer SYNC)`);
    t.ok(stats(c).applied > 0);
    t.equal(stats(c).dropped, 0, `${c.name}: nothing dropped`);
    t.equal(seen.hpAtSpawn.get(c.name), 42, `${c.name}: the spawned node already had the SYNC state when \`spawned\` fired`);
  }
  for (const c of sim.clients) t.same(c.log.at(LogLevel.ERROR), [], `${c.name}: no error logged`);
});

t.test('sync before spawn: with holding off (maxHeldStates = 0) the same run loses those states, as Godot does', async (t) => {
  const { sim, seen } = run(3, 0);
  t.teardown(() => sim.close());
  await spawnAlice(sim);
  const early = sim.clients.filter((c) => stats(c).held > 0);
  t.ok(early.length > 0);
  for (const c of early) {
    t.equal(stats(c).applied, 0, `${c.name}: nothing applied`);
    t.equal(stats(c).dropped + stats(c).superseded, stats(c).held, `${c.name}: each early state dropped and counted`);
    t.equal(seen.hpAtSpawn.get(c.name), 100, `${c.name}: spawned with the default hp`);
    t.equal(c.log.at(LogLevel.ERROR).filter((r) => /has not spawned here/.test(r.message)).length, 1, `${c.name}: the overflow logged once`);
  }
});

t.test('sync before spawn: the held buffer is bounded per peer; overflow is counted and logged once per episode', async (t) => {
  const sim = new Simulation({ seed: 5, clients: 1, setup: (p) => addWorld(p) });
  t.teardown(() => sim.close());
  sim.step(5);
  const client = sim.clients[0]!;
  client.multiplayer.maxHeldStates = 4;
  // A SYNC packet (docs/wire/multiplayer.md §7.4) for unknown net ids 100…109, each with an empty state.
  for (let id = 100; id < 110; id++) {
    const packet = Uint8Array.of(0x06, id, 0, id, 0, 0, 0, 0, 0, 0, 0, 0);
    injectFromServer(sim, client, packet);
  }
  sim.step(3);
  t.equal(stats(client).held, 10);
  t.equal(stats(client).dropped, 6, 'six evicted beyond the bound of four');
  t.equal(client.log.at(LogLevel.ERROR).filter((r) => /more than 4 states/.test(r.message)).length, 1, 'logged once');
  t.ok(client.multiplayer.getPeers().includes(1), 'still connected');
});

t.test('sync before spawn: a SYNC arriving after its DESPAWN is stale, not held', async (t) => {
  const sim = new Simulation({ seed: 9, clients: 1, setup: (p) => addWorld(p) });
  t.teardown(() => sim.close());
  sim.step(5);
  const client = sim.clients[0]!;
  const alice = sim.server.tree.scenes.load(PLAYER_SCENE)!.instantiate() as Player;
  alice.name = 'Alice';
  players(sim.server).addChild(alice, true);
  await sim.until(() => player(client, 'Alice') !== null, { maxFrames: 30 });
  const syncId = (player(client, 'Alice')!.getNode('Sync') as unknown as { state: { netId: number } }).state.netId;
  players(sim.server).removeChild(alice);
  await sim.until(() => player(client, 'Alice') === null, { maxFrames: 30 });
  injectFromServer(sim, client, Uint8Array.of(0x06, 0xff, 0, syncId, 0, 0, 0, 0, 0, 0, 0, 0));
  sim.step(3);
  t.equal(stats(client).stale, 1, 'counted as stale');
  t.equal(stats(client).held, 0, 'not held');
});

t.test('sync before spawn: the same seed gives the same holds, every run', async (t) => {
  const counts: string[] = [];
  for (let i = 0; i < 2; i++) {
    const { sim } = run(11);
    await spawnAlice(sim);
    counts.push(`${sim.clients.map((c) => JSON.stringify(stats(c))).join()}|${sim.traceHash()}`);
    sim.close();
  }
  t.equal(counts[0], counts[1]);
});

/** Sends raw bytes from the server to `client` on channel 0, reliable (as a modified server could). */
function injectFromServer(sim: Simulation, client: SimPeer, packet: Uint8Array): void {
  const peer = sim.server.loopback;
  peer.setTargetPeer(client.multiplayer.getUniqueId());
  peer.transferMode = TransferMode.RELIABLE;
  peer.transferChannel = 0;
  peer.putPacket(packet);
}
