import t from 'tap';
import { LogLevel } from '../../core/index.js';
import { Simulation } from '../../plugins/loopback/index.js';
import { addWorld, player, players, PLAYER_SCENE, type Player } from '../helpers/replication-nodes.js';

// SceneMultiplayer makes its replication interface on first use, from the factory that the spawner and
// synchronizer modules provide when they are loaded (a client bundle that never imports them has no
// replication code: test/bundle/size-limit.test.ts). Here the interface is made only once the world is
// built, after both peers connected: it must learn them.
t.test('replication made on first use: a world built after peers joined still spawns and syncs', async (t) => {
  const sim = new Simulation({ seed: 3, clients: 1 });
  t.teardown(() => sim.close());
  sim.step(5);
  const client = sim.clients[0]!;
  t.equal(client.multiplayer.getPeers().length, 1, 'connected before any replication code ran');
  t.equal(client.log.records.filter((r) => r.level === LogLevel.ERROR).length, 0, 'nothing logged');

  // Now the game builds its world, after both peers are connected: the interface learns them.
  for (const p of sim.peers) addWorld(p);
  client.multiplayer.maxSyncPacketSize = 600;
  t.equal(client.multiplayer.maxSyncPacketSize, 600, 'size limits set before the interface existed are kept');
  t.throws(() => (client.multiplayer.maxDeltaPacketSize = 12), /at least 128/);
  const alice = sim.server.tree.scenes.load(PLAYER_SCENE)!.instantiate() as Player;
  alice.name = 'Alice';
  players(sim.server).addChild(alice, true);
  await sim.until(() => player(client, 'Alice') !== null, { maxFrames: 30 });
  alice.hp = 7;
  await sim.until(() => player(client, 'Alice')!.hp === 7, { maxFrames: 30 });
  t.pass('spawn and sync reach a peer that connected before replication loaded');
});
