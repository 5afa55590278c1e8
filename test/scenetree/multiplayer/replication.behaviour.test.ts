import t from 'tap';
import { Simulation } from '../../../plugins/loopback/index.js';
import { LogLevel } from '../../../core/index.js';
import { MultiplayerSpawner, MultiplayerSynchronizer, Node } from '../../../scenetree/index.js';
import { PLAYER_SCENE, type Player, Vector2, addWorld, player, players } from '../../helpers/replication-nodes.js';

function connected(clients = 2, conditions = {}): Simulation {
  const sim = new Simulation({ seed: 7, clients, conditions, setup: (p) => addWorld(p) });
  sim.step(5);
  return sim;
}

function spawnPlayer(sim: Simulation, name: string, setup?: (p: Player) => void): Player {
  const p = sim.server.tree.scenes.load(PLAYER_SCENE)!.instantiate() as Player;
  p.name = name;
  setup?.(p);
  players(sim.server).addChild(p, true);
  return p;
}

t.test(
  'MultiplayerSpawner: a spawnable scene added on the authority appears on every client, with its spawn state before _ready',
  async (t) => {
    const sim = connected();
    t.teardown(() => sim.close());
    const spawnedOn: string[] = [];
    for (const c of sim.clients)
      c.root.getNode('World/Spawner', MultiplayerSpawner).spawned.connect((n) => spawnedOn.push(`${c.name}:${n.name}`));
    spawnPlayer(sim, 'Alice', (p) => {
      p.position = new Vector2(100, 50);
      p.colour = 'red';
      p.hp = 42; // not a spawn property
    });
    await sim.until(() => sim.clients.every((c) => player(c, 'Alice') !== null), { maxFrames: 30 });
    for (const c of sim.clients) {
      const alice = player(c, 'Alice')!;
      t.same(alice.readyState, { position: new Vector2(100, 50), colour: 'red' }, `${c.name}: spawn state applied before _ready`);
      t.equal(alice.sceneFilePath, PLAYER_SCENE, `${c.name}: instantiated from the same scene`);
    }
    t.same(spawnedOn.sort(), ['client1:Alice', 'client2:Alice'], 'spawned fires once on each client');
    await sim.until(() => sim.clients.every((c) => player(c, 'Alice')!.hp === 42), { maxFrames: 30 });
    t.pass('hp (ALWAYS, not spawn) arrives with the first SYNC');
  },
);

t.test('MultiplayerSynchronizer: ALWAYS properties follow the authority every frame, ON_CHANGE ones when they change', async (t) => {
  const sim = connected();
  t.teardown(() => sim.close());
  const alice = spawnPlayer(sim, 'Alice');
  await sim.until(() => sim.clients.every((c) => player(c, 'Alice') !== null), { maxFrames: 30 });
  const remote = player(sim.clients[0]!, 'Alice')!;
  const sync = remote.getNode('Sync', MultiplayerSynchronizer);
  let syncs = 0;
  let deltas = 0;
  sync.synchronized.connect(() => syncs++);
  sync.deltaSynchronized.connect(() => deltas++);

  alice.position = new Vector2(7, 8);
  alice.score = 3;
  await sim.until(() => remote.position.equals(new Vector2(7, 8)) && remote.score === 3, { maxFrames: 30 });
  sim.step(10);
  t.ok(syncs >= 10, `a SYNC every frame (${syncs})`);
  t.equal(deltas, 1, 'one delta for one change');
  alice.score = 4;
  await sim.until(() => remote.score === 4, { maxFrames: 30 });
  t.equal(deltas, 2, 'another change, another delta');
});

t.test('MultiplayerSynchronizer: a non-authority peer cannot change the state, and only the authority sends', async (t) => {
  const sim = connected();
  t.teardown(() => sim.close());
  spawnPlayer(sim, 'Alice', (p) => (p.hp = 10));
  await sim.until(() => sim.clients.every((c) => player(c, 'Alice')?.hp === 10), { maxFrames: 30 });
  const onClient = player(sim.clients[0]!, 'Alice')!;
  onClient.hp = 999; // local change on a non-authority
  sim.step(5);
  t.equal(player(sim.server, 'Alice')!.hp, 10, 'the server did not take it');
  t.equal(onClient.hp, 10, 'the authority state overwrote the local change');
});

t.test('MultiplayerSpawner: removing the node on the authority despawns it everywhere', async (t) => {
  const sim = connected();
  t.teardown(() => sim.close());
  const alice = spawnPlayer(sim, 'Alice');
  await sim.until(() => sim.clients.every((c) => player(c, 'Alice') !== null), { maxFrames: 30 });
  const despawned: string[] = [];
  for (const c of sim.clients) c.root.getNode('World/Spawner', MultiplayerSpawner).despawned.connect((n) => despawned.push(n.name));
  alice.queueFree();
  await sim.until(() => sim.clients.every((c) => player(c, 'Alice') === null), { maxFrames: 30 });
  t.same(despawned, ['Alice', 'Alice'], 'despawned fires on each client');
  t.same(
    sim.peers.flatMap((p) => p.log.at(LogLevel.ERROR)),
    [],
    'no errors anywhere',
  );
});

t.test('MultiplayerSpawner: a peer that connects later receives every visible spawned node', async (t) => {
  const sim = connected(1);
  t.teardown(() => sim.close());
  spawnPlayer(sim, 'Alice', (p) => (p.position = new Vector2(1, 2)));
  spawnPlayer(sim, 'Bob');
  sim.step(5);
  const late = sim.clients[0]!;
  t.ok(player(late, 'Alice') && player(late, 'Bob'), 'both spawned');
  t.same(player(late, 'Alice')!.readyState!.position, new Vector2(1, 2));
  t.same(
    players(late)
      .getChildren()
      .map((n) => n.name),
    ['Alice', 'Bob'],
    'in spawn order',
  );
});

t.test('replication works with every peer as a subtree of one SceneTree (setMultiplayer per root)', async (t) => {
  const sim = new Simulation({ seed: 7, clients: 2, layout: 'subtrees', setup: (p) => addWorld(p) });
  t.teardown(() => sim.close());
  sim.step(5);
  t.equal(sim.server.tree, sim.clients[0]!.tree, 'one tree');
  spawnPlayer(sim, 'Alice', (p) => (p.position = new Vector2(9, 9)));
  await sim.until(() => sim.clients.every((c) => player(c, 'Alice')?.readyState?.position.equals(new Vector2(9, 9)) === true), {
    maxFrames: 30,
  });
  player(sim.server, 'Alice')!.hp = 1;
  await sim.until(() => sim.clients.every((c) => player(c, 'Alice')!.hp === 1), { maxFrames: 30 });
  t.equal(players(sim.server).getChildCount(), 1, 'the server subtree still has exactly one Alice');
});

t.test('a throwing spawned/synchronized handler is logged and does not stop the packet loop', async (t) => {
  const sim = connected(1);
  t.teardown(() => sim.close());
  const client = sim.clients[0]!;
  client.root.getNode('World/Spawner', MultiplayerSpawner).spawned.connect(() => {
    throw new Error('game bug');
  });
  spawnPlayer(sim, 'A');
  spawnPlayer(sim, 'B');
  await sim.until(() => player(client, 'A') !== null && player(client, 'B') !== null, { maxFrames: 20 });
  t.equal(client.log.at(LogLevel.ERROR).filter((r) => r.message.includes('game bug')).length, 2, 'logged once per spawn');
});

t.test('nested spawns: a spawned node that spawns in its _ready reaches clients parent first', async (t) => {
  const SHIP = 'res://ship.tscn';
  const TURRET = 'res://turret.tscn';
  class Ship extends Node {
    override _ready(): void {
      if (!this.multiplayer!.isServer()) return;
      const turret = this.getTree().scenes.load(TURRET)!.instantiate();
      turret.name = 'Turret';
      this.getNode('Mounts').addChild(turret, true); // spawned by the ship's own spawner
    }
  }
  const shipScene = (): Node => {
    const ship = new Ship();
    ship.addChild(new Node('Mounts'));
    const spawner = new MultiplayerSpawner('MountSpawner');
    spawner.spawnPath = '../Mounts';
    spawner.addSpawnableScene(TURRET);
    ship.addChild(spawner);
    return ship;
  };
  const sim = new Simulation({
    seed: 3,
    clients: 1,
    setup: (p) => {
      addWorld(p).addSpawnableScene(SHIP);
      p.tree.scenes.registerScene(SHIP, shipScene);
      p.tree.scenes.registerScene(TURRET, () => new Node());
    },
  });
  t.teardown(() => sim.close());
  sim.step(5);
  const ship = sim.server.tree.scenes.load(SHIP)!.instantiate();
  ship.name = 'Ship';
  players(sim.server).addChild(ship, true);
  const client = sim.clients[0]!;
  await sim.until(() => client.root.getNodeOrNull('World/Players/Ship/Mounts/Turret') !== null, { maxFrames: 20 });
  t.same(client.log.at(LogLevel.ERROR), [], 'no errors: the ship existed when the turret arrived');
});
