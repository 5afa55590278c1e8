import t from 'tap';
import { LogLevel, TransferMode, encodeAndCompressVariants, encodeUint32 } from '../../core/index.js';
import { Simulation, type SimPeer } from '../../plugins/loopback/index.js';
import { MultiplayerSpawner, MultiplayerSynchronizer, Node } from '../../scenetree/index.js';
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
    t.equal(
      stats(c).applied + stats(c).superseded,
      stats(c).held,
      `${c.name}: every held state was applied after the spawn (or replaced by a newer SYNC)`,
    );
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
    t.equal(
      c.log.at(LogLevel.ERROR).filter((r) => /has not spawned here/.test(r.message)).length,
      1,
      `${c.name}: the overflow logged once`,
    );
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

/** A static (not spawned) door with a synchronized angle: its SYNC ids are path ids (bit 31). */
class Door extends Node {
  angle = 0;
}

/** `World/Level/Door` (+ its synchronizer): the level a client loads on its own, some time after it joined. */
function makeLevel(): Node {
  const level = new Node('Level');
  const door = new Door('Door');
  const sync = new MultiplayerSynchronizer('Sync');
  sync.replicationConfig!.addProperty('.:angle');
  door.addChild(sync);
  level.addChild(door);
  return level;
}

const door = (p: SimPeer): Door | null => p.root.getNodeOrNull('World/Level/Door') as Door | null;

/**
 * The server has the level from the start; each client loads it `loadAfter[i]` frames after the server's
 * SIMPLIFY_PATH for the door's synchronizer reached it (as a game does once the server has told it which
 * level to load): that SIMPLIFY_PATH names a node the client does not have yet.
 */
async function lateLevel(seed: number, loadAfter: readonly number[], maxWaiting?: number): Promise<Simulation> {
  const sim = new Simulation({ seed, clients: loadAfter.length, conditions: LOSSY, setup: (p) => addWorld(p) });
  sim.server.root.getNode('World').addChild(makeLevel());
  if (maxWaiting !== undefined) for (const c of sim.clients) c.multiplayer.maxWaitingPaths = maxWaiting;
  const announcedAt = new Map<SimPeer, number>();
  let frame = 0;
  await sim.until(
    () => {
      frame++;
      for (const [i, c] of sim.clients.entries()) {
        if (!announcedAt.has(c) && stats(c).pathsWaiting + stats(c).pathsDropped > 0) announcedAt.set(c, frame);
        const at = announcedAt.get(c);
        if (at !== undefined && door(c) === null && frame - at >= loadAfter[i]!) c.root.getNode('World').addChild(makeLevel());
      }
      return sim.clients.every((c) => door(c) !== null);
    },
    { maxFrames: 900 },
  );
  return sim;
}

t.test(
  'static sync before its node: a SIMPLIFY_PATH for a node a client loads later waits, is confirmed when it appears, and the door syncs',
  async (t) => {
    const sim = await lateLevel(21, [20, 45, 5]);
    t.teardown(() => sim.close());
    const serverDoor = door(sim.server)!;
    for (let i = 1; i <= 40; i++) {
      serverDoor.angle = i;
      sim.step();
    }
    await sim.until(() => sim.clients.every((c) => door(c)!.angle === 40), { maxFrames: 600 });
    for (const c of sim.clients) {
      t.equal(stats(c).pathsWaiting, 1, `${c.name}: the door's path arrived before the door and waited`);
      t.equal(stats(c).pathsConfirmed, stats(c).pathsWaiting, `${c.name}: every waiting path was confirmed once its node entered`);
      t.equal(stats(c).pathsDropped, 0);
      t.equal(door(c)!.angle, 40, `${c.name}: the door follows the server`);
      t.same(c.log.at(LogLevel.ERROR), [], `${c.name}: no error logged`);
      t.equal(
        c.log.at(LogLevel.WARN).filter((r) => /does not exist under .* yet/.test(r.message)).length,
        1,
        `${c.name}: the wait is logged once`,
      );
    }
  },
);

t.test('static sync before its node: with waiting off (maxWaitingPaths = 0) the door never syncs, as in Godot (godot#98052)', async (t) => {
  const sim = await lateLevel(21, [20, 45, 5], 0);
  t.teardown(() => sim.close());
  door(sim.server)!.angle = 7;
  sim.step(120);
  for (const c of sim.clients) {
    t.equal(door(c)!.angle, 0, `${c.name}: never synchronized`);
    t.equal(stats(c).pathsDropped, 1, `${c.name}: the early path counted as dropped`);
    t.equal(c.log.at(LogLevel.ERROR).filter((r) => /does not exist under/.test(r.message)).length, 1, `${c.name}: logged once`);
  }
});

t.test(
  'static sync before its node: a SYNC that overtakes the SIMPLIFY_PATH of its path id is held and applied when the path resolves',
  async (t) => {
    const sim = new Simulation({ seed: 4, clients: 1, setup: (p) => addWorld(p) });
    t.teardown(() => sim.close());
    await sim.until(() => sim.clients[0]!.multiplayer.getPeers().includes(1), { maxFrames: 60 });
    const client = sim.clients[0]!;
    const level = makeLevel();
    client.root.getNode('World').addChild(level);
    // A sender that does not wait for CONFIRM_PATH (wire spec §7.4 only says what a SYNC is): path id 9.
    const pathId = (9 | 0x80000000) >>> 0;
    injectFromServer(sim, client, syncPacket(5, pathId, 11));
    injectFromServer(sim, client, syncPacket(6, pathId, 12));
    sim.step(2);
    t.equal(door(client)!.angle, 0, 'not applied: the path id means nothing yet');
    t.equal(stats(client).held, 2);
    t.equal(stats(client).superseded, 1, 'the newer SYNC replaced the older one');
    const syncNode = level.getNode('Door/Sync');
    injectFromServer(sim, client, simplifyPacket(client.multiplayer.getRpcMd5(syncNode), 9, 'World/Level/Door/Sync'));
    sim.step(2);
    t.equal(door(client)!.angle, 12, 'the held SYNC applied once the SIMPLIFY_PATH arrived');
    t.equal(stats(client).applied, 1);
    injectFromServer(sim, client, syncPacket(7, pathId, 13));
    sim.step(2);
    t.equal(door(client)!.angle, 13, 'later SYNCs apply directly');
    t.same(client.log.at(LogLevel.ERROR), [], 'no error logged');
  },
);

/** `World/Arena` with `Items` and a spawner of Player scenes into it: a level with its own spawner. */
function makeArena(): Node {
  const arena = new Node('Arena');
  arena.addChild(new Node('Items'));
  const spawner = new MultiplayerSpawner('Spawner');
  spawner.spawnPath = '../Items';
  spawner.addSpawnableScene(PLAYER_SCENE);
  arena.addChild(spawner);
  return arena;
}

t.test(
  'spawner before its node: SPAWNs for a spawner a client loads later are held, applied in order once it appears; a DESPAWN in between cancels one',
  async (t) => {
    const sim = new Simulation({ seed: 12, clients: 2, conditions: LOSSY, setup: (p) => addWorld(p) });
    t.teardown(() => sim.close());
    sim.server.root.getNode('World').addChild(makeArena());
    const items = (p: SimPeer): Node | null => p.root.getNodeOrNull('World/Arena/Items');
    const add = (name: string, hp: number): Player => {
      const item = sim.server.tree.scenes.load(PLAYER_SCENE)!.instantiate() as Player;
      item.name = name;
      item.hp = hp; // replicated by SYNC only
      items(sim.server)!.addChild(item, true);
      return item;
    };
    add('Gem', 5);
    const trap = add('Trap', 6);
    add('Key', 7);
    // Every client got the SPAWNs while it had no arena; the server then removes the trap.
    await sim.until(() => sim.clients.every((c) => stats(c).spawnsHeld === 3), { maxFrames: 900 });
    items(sim.server)!.removeChild(trap);
    trap.free();
    await sim.until(() => sim.clients.every((c) => stats(c).spawnsCancelled === 1), { maxFrames: 900 });
    for (const c of sim.clients) c.root.getNode('World').addChild(makeArena());
    await sim.until(
      () =>
        sim.clients.every(
          (c) =>
            items(c)!.getChildCount() === 2 &&
            items(c)!
              .getChildren()
              .every((n) => (n as Player).hp !== 100),
        ),
      { maxFrames: 900 },
    );
    for (const c of sim.clients) {
      t.same(
        items(c)!
          .getChildren()
          .map((n) => [n.name, (n as Player).hp]),
        [
          ['Gem', 5],
          ['Key', 7],
        ],
        `${c.name}: the held spawns applied in order, the cancelled one never appeared, and their states followed`,
      );
      t.equal(stats(c).spawnsApplied, 2);
      t.same(c.log.at(LogLevel.ERROR), [], `${c.name}: no error logged`);
    }
  },
);

t.test('static sync before its node: waiting paths are bounded per peer; the overflow is counted and logged once', async (t) => {
  const sim = new Simulation({ seed: 6, clients: 1, setup: (p) => addWorld(p) });
  t.teardown(() => sim.close());
  await sim.until(() => sim.clients[0]!.multiplayer.getPeers().includes(1), { maxFrames: 60 });
  const client = sim.clients[0]!;
  client.multiplayer.maxWaitingPaths = 2;
  const md5 = client.multiplayer.getRpcMd5(new Node());
  for (let id = 1; id <= 5; id++) injectFromServer(sim, client, simplifyPacket(md5, 100 + id, `Nowhere/Node${id}`));
  sim.step(2);
  t.equal(stats(client).pathsWaiting, 2);
  t.equal(stats(client).pathsDropped, 3);
  t.equal(client.log.at(LogLevel.ERROR).filter((r) => /paths waiting for their nodes already/.test(r.message)).length, 1, 'logged once');
  t.ok(client.multiplayer.getPeers().includes(1), 'still connected');
});

t.test(
  "static sync before its node: a registered path whose node left and came back is found again by its path (Godot's fallback)",
  async (t) => {
    const sim = await lateLevel(8, [0]);
    t.teardown(() => sim.close());
    const client = sim.clients[0]!;
    door(sim.server)!.angle = 3;
    await sim.until(() => door(client)!.angle === 3, { maxFrames: 300 });
    client.root.getNode('World/Level').free(); // the client reloads its level
    client.root.getNode('World').addChild(makeLevel());
    door(sim.server)!.angle = 4;
    await sim.until(() => door(client)!.angle === 4, { maxFrames: 300 });
    t.equal(door(client)!.angle, 4, 'the reloaded door syncs under the same path id');
    t.same(client.log.at(LogLevel.ERROR), []);
  },
);

t.test('static sync before its node: the same seed gives the same waits, confirmations and trace', async (t) => {
  const runs: string[] = [];
  for (let i = 0; i < 2; i++) {
    const sim = await lateLevel(33, [10, 30]);
    door(sim.server)!.angle = 9;
    await sim.until(() => sim.clients.every((c) => door(c)!.angle === 9), { maxFrames: 600 });
    runs.push(`${sim.clients.map((c) => JSON.stringify(stats(c))).join()}|${sim.traceHash()}`);
    sim.close();
  }
  t.equal(runs[0], runs[1]);
});

/** SYNC (wire spec §7.4) with one entry: `netId` and the door's angle. */
function syncPacket(time: number, netId: number, angle: number): Uint8Array {
  const state = encodeAndCompressVariants([angle]) as Uint8Array;
  const packet = new Uint8Array(11 + state.length);
  packet[0] = 0x06;
  packet[1] = time & 0xff;
  packet[2] = time >> 8;
  encodeUint32(netId, packet, 3);
  encodeUint32(state.length, packet, 7);
  packet.set(state, 11);
  return packet;
}

/** SIMPLIFY_PATH (wire spec §6.1): `[01][32 hex md5][00][u32 id][path][00]`. */
function simplifyPacket(md5: string, id: number, path: string): Uint8Array {
  const text = new TextEncoder().encode(path);
  const packet = new Uint8Array(38 + text.length + 1);
  packet[0] = 0x01;
  packet.set(new TextEncoder().encode(md5), 1);
  encodeUint32(id, packet, 34);
  packet.set(text, 38);
  return packet;
}

/** Sends raw bytes from the server to `client` on channel 0, reliable (as a modified server could). */
function injectFromServer(sim: Simulation, client: SimPeer, packet: Uint8Array): void {
  const peer = sim.server.loopback;
  peer.setTargetPeer(client.multiplayer.getUniqueId());
  peer.transferMode = TransferMode.RELIABLE;
  peer.transferChannel = 0;
  peer.putPacket(packet);
}
