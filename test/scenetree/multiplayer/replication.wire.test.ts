/** Byte-exact replication packets against docs/wire/multiplayer.md §7 (SPAWN, DESPAWN, SYNC, delta), both directions. */
import t from 'tap';
import { LogLevel, TransferMode, Vector2 } from '../../../core/index.js';
import { Simulation, type SimPeer } from '../../../plugins/loopback/simulation.js';
import { MultiplayerSpawner, MultiplayerSynchronizer, Node, ReplicationMode } from '../../../scenetree/index.js';
import { RecordingPeer, fromHex, toHex } from '../../helpers/recording-peer.js';
import { SpecPlayer } from '../../helpers/sim-nodes.js';

const PAWN_SCENE = 'res://pawn.tscn';
const EMPTY_MD5 = 'd41d8cd98f00b204e9800998ecf8427e';

/** The §7 examples' node: position is spawned and synced, rotation synced, health watched. */
class Pawn extends Node {
  position = new Vector2(0, 0);
  rotation = 0.5;
  health = 100;
}

function makePawn(): Pawn {
  const pawn = new Pawn();
  const sync = new MultiplayerSynchronizer('Sync');
  const config = sync.replicationConfig!;
  config.addProperty('.:position');
  config.addProperty('.:rotation');
  config.propertySetSpawn('.:rotation', false);
  config.addProperty('.:health');
  config.propertySetSpawn('.:health', false);
  config.propertySetReplicationMode('.:health', ReplicationMode.ON_CHANGE);
  pawn.addChild(sync);
  return pawn;
}

/** A static (not spawned) node with one synced int, for the path-based net id example. */
class Flag extends Node {
  value = 0;
}

function makeFlag(): Flag {
  const flag = new Flag('Flag');
  const sync = new MultiplayerSynchronizer('Sync');
  sync.replicationConfig!.addProperty('.:value');
  flag.addChild(sync);
  return flag;
}

/** `/root/Game` with Player (for cache id 1), Spawner (spawns into Pawns) and Pawns. */
function addGame(p: SimPeer): void {
  p.tree.scenes.registerScene(PAWN_SCENE, makePawn);
  const game = new Node('Game');
  game.addChild(new SpecPlayer());
  const spawner = new MultiplayerSpawner('Spawner');
  spawner.spawnPath = '../Pawns';
  spawner.addSpawnableScene(PAWN_SCENE);
  game.addChild(spawner);
  game.addChild(new Node('Pawns'));
  p.root.addChild(game);
}

function recordedSim() {
  const recorders = new Map<string, RecordingPeer>();
  const sim = new Simulation({
    seed: 7,
    clients: 1,
    setup: addGame,
    wrapPeer: (peer, name) => {
      const r = new RecordingPeer(peer);
      recorders.set(name, r);
      return r;
    },
  });
  sim.step(5);
  return { sim, server: recorders.get('server')!, client: sim.clients[0]! };
}

const SIMPLIFY_SPAWNER = `01 ${toHex(new TextEncoder().encode(EMPTY_MD5))} 00 02 00 00 00 47 61 6d 65 2f 53 70 61 77 6e 65 72 00`;
const SPAWN =
  '04 00 02 00 00 00 01 00 00 00 01 00 00 00 08 00 00 00 02 00 00 00 31 32 33 34 35 36 37 00 05 00 00 00 00 00 c8 42 00 00 48 42';
const SYNC_T7 = '06 07 00 02 00 00 00 14 00 00 00 05 00 00 00 00 00 ca 42 00 00 48 42 03 00 00 00 00 00 80 3e';
const DELTA = '16 02 00 00 00 01 00 00 00 00 00 00 00 02 00 00 00 02 5a';
const DESPAWN = '05 01 00 00 00';
const CUSTOM_SPAWN = '04 ff 02 00 00 00 03 00 00 00 00 00 00 00 08 00 00 00 31 32 33 34 35 36 37 00 05 00 00 00 82 87 d6 12 00';
const STATIC_SYNC_T8 = '06 08 00 03 00 00 80 02 00 00 00 02 64';

/** The SYNC packet's hex with its u16 time replaced by `tt tt`. */
function withoutTime(hex: string): string {
  return hex.slice(0, 3) + 'tt tt' + hex.slice(8);
}

t.test(
  'SPAWN/SYNC/delta/DESPAWN §7.2–§7.5: the authority writes the spec examples byte for byte (4.1+ layout; 4.0-stable SPAWN unverified, docs/wire/multiplayer.md §10 Q3)',
  async (t) => {
    const { sim, server, client } = recordedSim();
    t.teardown(() => sim.close());
    const game = sim.server.root.getNode('Game');
    game.getNode('Player', SpecPlayer).rpc('hit', 1); // takes cache id 1, as in the spec example
    sim.step(3);
    server.sent.length = 0;

    const pawn = sim.server.tree.scenes.load(PAWN_SCENE)!.instantiate() as Pawn;
    pawn.name = '1234567';
    pawn.position = new Vector2(100, 50);
    game.getNode('Pawns').addChild(pawn, true);
    t.same(server.hex(), [SIMPLIFY_SPAWNER, SPAWN], 'SIMPLIFY_PATH for the spawner, then the 42-byte SPAWN');
    t.same(
      server.sent.map((p) => [p.mode, p.channel]),
      [
        [TransferMode.RELIABLE, 0],
        [TransferMode.RELIABLE, 0],
      ],
    );
    await sim.until(() => client.root.getNodeOrNull('Game/Pawns/1234567') !== null);

    server.sent.length = 0;
    pawn.position = new Vector2(101, 50);
    pawn.rotation = 0.25;
    sim.step();
    const syncs = server.sent.filter((p) => p.bytes[0] === 0x06);
    t.equal(syncs.length, 1, 'one SYNC per frame');
    t.equal(withoutTime(toHex(syncs[0]!.bytes)), withoutTime(SYNC_T7), 'SYNC entry layout (the time is per-peer state)');
    t.equal(syncs[0]!.mode, TransferMode.UNRELIABLE);
    const time = syncs[0]!.bytes[1]! | (syncs[0]!.bytes[2]! << 8);
    sim.step();
    const next = server.sent.filter((p) => p.bytes[0] === 0x06)[1]!;
    t.equal(next.bytes[1]! | (next.bytes[2]! << 8), time + 1, 'the sync time advances by one per network frame');

    server.sent.length = 0;
    pawn.health = 90;
    sim.step();
    t.same(
      server.sent.filter((p) => p.bytes[0] === 0x16).map((p) => [toHex(p.bytes), p.mode]),
      [[DELTA, TransferMode.RELIABLE]],
      'the delta example',
    );

    server.sent.length = 0;
    pawn.queueFree();
    sim.step();
    t.same(
      server.sent.filter((p) => p.bytes[0] === 0x05).map((p) => toHex(p.bytes)),
      [DESPAWN],
      'DESPAWN',
    );
    await sim.until(() => client.root.getNodeOrNull('Game/Pawns/1234567') === null);

    server.sent.length = 0;
    const spawner = game.getNode('Spawner', MultiplayerSpawner);
    spawner.spawnFunction = (data) => new Node(String(data));
    spawner.spawn(1234567);
    t.same(
      server.hex().filter((h) => h.startsWith('04')),
      [CUSTOM_SPAWN],
      'the custom-spawn example (net id 3)',
    );
  },
);

t.test('SYNC §7.4: a static synchronizer uses 0x80000000 | its cache id, once the peer confirmed the path', async (t) => {
  const { sim, server } = recordedSim();
  t.teardown(() => sim.close());
  const game = sim.server.root.getNode('Game');
  game.getNode('Player', SpecPlayer).rpc('hit', 1); // cache id 1
  const spawner = game.getNode('Spawner', MultiplayerSpawner);
  spawner.spawnFunction = () => new Node('Dummy');
  spawner.spawn(null); // the spawner takes cache id 2
  for (const p of [sim.server, sim.clients[0]!]) p.root.getNode('Game').addChild(makeFlag());
  game.getNode('Flag', Flag).value = 100;
  server.sent.length = 0;
  sim.step();
  const simplify = server.sent.find((p) => p.bytes[0] === 0x01);
  t.ok(
    simplify !== undefined && toHex(simplify.bytes).endsWith('00 03 00 00 00 47 61 6d 65 2f 46 6c 61 67 2f 53 79 6e 63 00'),
    'the synchronizer is announced as cache id 3',
  );
  t.equal(server.sent.filter((p) => p.bytes[0] === 0x06).length, 0, 'no SYNC before the confirmation');
  await sim.until(() => server.sent.some((p) => p.bytes[0] === 0x06));
  const sync = server.sent.find((p) => p.bytes[0] === 0x06)!;
  t.equal(withoutTime(toHex(sync.bytes)), withoutTime(STATIC_SYNC_T8));
  await sim.until(() => sim.clients[0]!.root.getNode('Game/Flag', Flag).value === 100);
});

t.test('SPAWN/SYNC/delta/DESPAWN §7.2–§7.5: a receiver applies the spec examples', async (t) => {
  const { sim, client } = recordedSim();
  t.teardown(() => sim.close());
  const inject = (hex: string): void => {
    sim.server.loopback.setTargetPeer(client.multiplayer.getUniqueId());
    sim.server.loopback.transferMode = TransferMode.RELIABLE;
    sim.server.loopback.putPacket(fromHex(hex));
  };
  const pawns = client.root.getNode('Game/Pawns');
  const spawner = client.root.getNode('Game/Spawner', MultiplayerSpawner);
  const spawned: string[] = [];
  spawner.spawned.connect((n) => spawned.push(n.name));

  inject(SIMPLIFY_SPAWNER);
  inject(SPAWN);
  await sim.until(() => pawns.getNodeOrNull('1234567') !== null);
  const pawn = pawns.getNode('1234567', Pawn);
  t.ok(pawn.position.equals(new Vector2(100, 50)), 'spawn state applied');
  t.same(spawned, ['1234567']);

  inject(SYNC_T7);
  await sim.until(() => pawn.rotation === 0.25);
  t.ok(pawn.position.equals(new Vector2(101, 50)), 'SYNC applied');
  inject(SYNC_T7.replace('06 07 00', '06 06 00').replace('ca 42', 'cc 42'));
  sim.step(3);
  t.ok(pawn.position.equals(new Vector2(101, 50)), 'an older sync time is ignored');

  inject(DELTA);
  await sim.until(() => pawn.health === 90);
  t.pass('delta applied');

  inject(DESPAWN);
  await sim.until(() => pawns.getNodeOrNull('1234567') === null);
  t.notOk(pawn.isInsideTree(), 'despawned');

  spawner.spawnFunction = (data) => Object.assign(new Node('FromFunction'), { data });
  inject(CUSTOM_SPAWN);
  await sim.until(() => pawns.getNodeOrNull('1234567') !== null);
  t.equal(
    (pawns.getNode('1234567') as Node & { data: unknown }).data,
    1234567,
    'the spawn function got the argument; the node got the sent name',
  );
  t.same(client.log.at(LogLevel.ERROR), [], 'no errors');
});
