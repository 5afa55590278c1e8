import t from 'tap';
import { LogLevel, TransferMode } from '../../core/index.js';
import { Simulation } from '../../plugins/loopback/index.js';
import { addWorld, player, players, PLAYER_SCENE, type Player } from '../helpers/replication-nodes.js';

// SceneMultiplayer makes its replication interface only once a MultiplayerSpawner or
// MultiplayerSynchronizer exists (that is what keeps replication out of a client bundle that never
// imports them). This file runs in its own process, so no spawner exists until the second half.
t.test(
  'replication loads on first use: packets before any spawner are dropped with one error, spawners made after peers joined still work',
  async (t) => {
    const sim = new Simulation({ seed: 3, clients: 1 });
    t.teardown(() => sim.close());
    sim.step(5);
    const client = sim.clients[0]!;
    t.equal(client.multiplayer.getPeers().length, 1, 'connected before any replication code ran');

    // A SPAWN command (Command.SPAWN = 4) from the server, to a program with no spawner at all.
    sim.server.peer.setTargetPeer(client.multiplayer.getUniqueId());
    sim.server.peer.transferMode = TransferMode.RELIABLE;
    sim.server.peer.putPacket(new Uint8Array([4, 0, 1, 0, 0, 0]));
    sim.step(3);
    const errors = client.log.records.filter((r) => r.level === LogLevel.ERROR).map((r) => r.message);
    t.match(errors, [/Replication packet from peer 1 dropped: this program has no MultiplayerSpawner/], 'one clear error');
    t.equal(client.multiplayer.getPeers().length, 1, 'the sender stays connected');

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
  },
);
