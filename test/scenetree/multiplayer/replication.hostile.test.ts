/** Replication packets from hostile or broken peers (docs/wire/multiplayer.md §9): nothing crashes, nobody else suffers. */
import t, { type Test } from 'tap';
import { LogLevel, SeededRng, TransferMode } from '../../../core/index.js';
import { Simulation, type SimPeer } from '../../../plugins/loopback/index.js';
import { MultiplayerSpawner, installServerPolicy } from '../../../scenetree/index.js';
import { fromHex, toHex } from '../../helpers/recording-peer.js';
import { PLAYER_SCENE, type Player, Vector2, addWorld, player, players } from '../../helpers/replication-nodes.js';

// Limits, stats, typed argument checks and readable checksum errors are the server policy (GameServer installs it).
installServerPolicy();

const EMPTY_MD5_HEX = toHex(new TextEncoder().encode('d41d8cd98f00b204e9800998ecf8427e'));
const hexOf = (s: string): string => toHex(new TextEncoder().encode(s));
/** SIMPLIFY_PATH announcing `path` as cache id `id` (the nodes here have no RPCs: the empty checksum). */
const simplify = (id: number, path: string): string => `01 ${EMPTY_MD5_HEX} 00 ${toHex(u32(id))} ${hexOf(path)} 00`;
function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, true);
  return b;
}
/** A SPAWN of scene 0 on cache id 1 with `name`, net id `netId`, no synchronizers and no state. */
const spawn = (name: string, netId = 1, scene = '00'): string =>
  `04 ${scene} 01 00 00 00 ${toHex(u32(netId))} 00 00 00 00 ${toHex(u32(new TextEncoder().encode(name).length + 1))} ${hexOf(name)} 00`;

async function connected(): Promise<Simulation> {
  const sim = new Simulation({ seed: 5, clients: 2, setup: (p) => addWorld(p) });
  await sim.until(() => sim.peers.every((p) => p.multiplayer.getPeers().length === 2));
  return sim;
}

const id = (p: SimPeer): number => p.multiplayer.getUniqueId();
const errors = (p: SimPeer): string[] => p.log.at(LogLevel.ERROR).map((r) => r.message);

/** Sends raw bytes from `from` to `to` (reliable, channel 0), as a modified peer could. */
function inject(from: SimPeer, to: number, hex: string | Uint8Array, mode: TransferMode = TransferMode.RELIABLE): void {
  from.loopback.setTargetPeer(to);
  from.loopback.transferMode = mode;
  from.loopback.transferChannel = 0;
  from.loopback.putPacket(typeof hex === 'string' ? fromHex(hex) : hex);
}

/** The server keeps syncing a player to the well-behaved client. */
async function stillServes(t: Test, sim: Simulation, good: SimPeer): Promise<void> {
  sim.server.root.getNode('World/Spawner').setMultiplayerAuthority(1);
  const p = sim.server.tree.scenes.load(PLAYER_SCENE)!.instantiate() as Player;
  p.name = `Check${sim.frame}`;
  players(sim.server).addChild(p, true);
  p.position = new Vector2(3, 4);
  await sim.until(() => player(good, p.name)?.position.equals(new Vector2(3, 4)) === true, { maxFrames: 30 });
  t.ok(sim.server.multiplayer.getPeers().includes(id(good)), 'the other client is still connected and served');
}

t.test('malformed replication packets disconnect their sender, logged once', async (t) => {
  const cases: Array<[string, string]> = [
    ['SPAWN shorter than 18 bytes', '04 00 01 00 00 00 01 00 00 00'],
    ['SPAWN whose name length runs past the end', '04 00 01 00 00 00 01 00 00 00 00 00 00 00 ff ff ff 7f 41 00'],
    ['SPAWN whose synchronizer count runs past the end', '04 00 01 00 00 00 01 00 00 00 ff ff ff 3f 02 00 00 00 41 00'],
    ['SPAWN with a zero name length', '04 00 01 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00 41'],
    ['DESPAWN shorter than 5 bytes', '05 01 00'],
    ['SYNC shorter than 11 bytes', '06 01 00 01 00 00 00'],
    ['SYNC whose state size runs past the end', '06 01 00 01 00 00 00 ff 00 00 00 02 05'],
    ['delta whose size runs past the end', '16 01 00 00 00 01 00 00 00 00 00 00 00 ff 00 00 00 02 05'],
  ];
  for (const [name, hex] of cases) {
    await t.test(name, async (t) => {
      const sim = await connected();
      t.teardown(() => sim.close());
      sim.server.multiplayer.limits = { malformedPerWindow: 0 }; // the first malformed packet disconnects
      const [bad, good] = sim.clients as [SimPeer, SimPeer];
      const badId = id(bad);
      // The bad client owns the spawner, so its SPAWNs get past the authority check to the size checks.
      sim.server.root.getNode('World/Spawner').setMultiplayerAuthority(badId);
      inject(bad, 1, simplify(1, 'World/Spawner'));
      inject(bad, 1, hex);
      await sim.until(() => !sim.server.multiplayer.getPeers().includes(badId), { maxFrames: 20 });
      t.equal(errors(sim.server).filter((m) => m.includes(`Disconnecting peer ${badId}`)).length, 1, 'logged once');
      await stillServes(t, sim, good);
    });
  }
});

t.test('well-formed but forbidden replication packets are dropped with one error, nothing is created', async (t) => {
  const cases: Array<[string, (sim: Simulation) => string[], RegExp]> = [
    [
      'SPAWN from a peer that is not the spawner authority',
      () => [simplify(1, 'World/Spawner'), spawn('Evil')],
      /whose authority it is not/,
    ],
    ['SPAWN on an unknown spawner', () => [spawn('Evil')], /unknown spawner/],
    ['SPAWN on a node that is not a spawner', () => [simplify(1, 'World/Players'), spawn('Evil')], /unknown spawner/],
    ['DESPAWN of a net id the peer never spawned', () => ['05 01 00 00 00'], /never spawned here/],
    [
      'delta for an unknown synchronizer',
      () => ['16 09 00 00 00 01 00 00 00 00 00 00 00 02 00 00 00 02 05'],
      /unknown or not its authority/,
    ],
  ];
  for (const [name, packets, pattern] of cases) {
    await t.test(name, async (t) => {
      const sim = await connected();
      t.teardown(() => sim.close());
      const [bad, good] = sim.clients as [SimPeer, SimPeer];
      for (const hex of packets(sim)) inject(bad, 1, hex);
      sim.step(3);
      t.same(players(sim.server).getChildren(), [], 'nothing spawned');
      t.equal(errors(sim.server).filter((m) => pattern.test(m)).length, 1, `one error: ${JSON.stringify(errors(sim.server))}`);
      t.ok(sim.server.multiplayer.getPeers().includes(id(bad)), 'not a protocol violation: still connected');
      await stillServes(t, sim, good);
    });
  }
});

t.test('SPAWN from the real authority is still checked: names, duplicates, scene index, spawn limit', async (t) => {
  const sim = await connected();
  t.teardown(() => sim.close());
  const client = sim.clients[0]!;
  const send = (hex: string): void => inject(sim.server, id(client), hex);
  send(simplify(1, 'World/Spawner'));
  send(spawn('a@b', 1));
  send(spawn('x/y', 2));
  send(spawn('Ok', 3, '07'));
  sim.step(3);
  t.same(players(client).getChildren(), [], 'bad names and a missing scene create nothing');
  t.equal(errors(client).filter((m) => /Invalid node name received/.test(m)).length, 2);
  t.equal(errors(client).filter((m) => /out of range/.test(m)).length, 1);
  send(spawn('Ok', 4));
  send(spawn('Ok', 5));
  send(spawn('Other', 4));
  sim.step(3);
  t.same(
    players(client)
      .getChildren()
      .map((n) => n.name),
    ['Ok'],
    'one Ok; the same name and the same net id again are refused',
  );
  client.root.getNode('World/Spawner', MultiplayerSpawner).spawnLimit = 1;
  send(spawn('Third', 6));
  sim.step(3);
  t.equal(player(client, 'Third'), null, 'the receiver enforces spawnLimit too');
  t.match(errors(client).at(-1), /Spawn limit reached/);
  t.ok(client.multiplayer.getPeers().includes(1), 'still connected to the server');
});

t.test('SYNC cannot change a property to another type', async (t) => {
  const sim = await connected();
  t.teardown(() => sim.close());
  const client = sim.clients[0]!;
  const p = sim.server.tree.scenes.load(PLAYER_SCENE)!.instantiate() as Player;
  p.name = 'P';
  players(sim.server).addChild(p, true);
  await sim.until(() => player(client, 'P') !== null);
  // The synchronizer's net id is 2 (after the node's 1); position and hp are its ALWAYS properties.
  const badState = `${toHex(new Uint8Array([4, 0, 0, 0, 1, 0, 0, 0, 0x41, 0, 0, 0]))} 02 07`;
  inject(sim.server, id(client), `06 ff 7f 02 00 00 00 ${toHex(u32(badState.split(' ').length))} ${badState}`, TransferMode.UNRELIABLE);
  sim.step(2);
  t.ok(player(client, 'P')!.position instanceof Vector2, 'position is still a Vector2');
  t.match(errors(client).join('\n'), /holds a Vector2; refusing a string/, JSON.stringify(errors(client)));
});

t.test('fuzz: 3,000 random replication packets from one client never throw and never hurt the other client', async (t) => {
  const sim = await connected();
  t.teardown(() => sim.close());
  const [bad, good] = sim.clients as [SimPeer, SimPeer];
  inject(bad, 1, simplify(1, 'World/Spawner'));
  const rng = new SeededRng(99);
  for (let i = 0; i < 3000; i++) {
    const bytes = new Uint8Array(1 + (rng.nextUint32() % 40));
    for (let j = 0; j < bytes.length; j++) bytes[j] = rng.nextUint32() & 0xff;
    bytes[0] = [0x04, 0x05, 0x06, 0x16][i % 4]!;
    if (!sim.server.multiplayer.getPeers().includes(id(bad))) break;
    inject(bad, 1, bytes);
    if (i % 50 === 0) sim.step();
  }
  sim.step(3);
  await stillServes(t, sim, good);
});
