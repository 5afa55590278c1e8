import t from 'tap';
import { Vector2 } from '../../core/index.js';
import { MultiplayerSpawner, MultiplayerSynchronizer, Node } from '../../scenetree/index.js';
import { Simulation, type SimPeer } from '../../plugins/loopback/index.js';

class Ship extends Node {
  position = new Vector2(0, 0);
}

// The "res://ship.tscn" scene: a Ship whose position is sent at spawn and then every frame.
function shipScene(): Ship {
  const ship = new Ship();
  const sync = new MultiplayerSynchronizer('Sync'); // replicates its parent (rootPath '..')
  sync.replicationConfig!.addProperty('.:position');
  ship.addChild(sync);
  return ship;
}

// Every peer builds the same world: a spawner that replicates what the server adds to /root/Ships.
function world(peer: SimPeer): void {
  peer.tree.scenes.registerScene('res://ship.tscn', shipScene);
  const ships = new Node('Ships');
  const spawner = new MultiplayerSpawner('Spawner');
  spawner.spawnPath = '../Ships';
  spawner.addSpawnableScene('res://ship.tscn');
  peer.root.addChild(ships);
  peer.root.addChild(spawner);
}

t.test('the server spawns a ship and moves it; every client sees it', async (t) => {
  const sim = new Simulation({ seed: 1, clients: 2, conditions: { latencyMs: 50, loss: 0.05 }, setup: world });
  t.teardown(() => sim.close());
  await sim.until(() => sim.clients.every((c) => c.multiplayer.getPeers().length > 0));

  const ship = sim.server.tree.scenes.load('res://ship.tscn')!.instantiate() as Ship;
  ship.name = 'Enterprise';
  ship.position = new Vector2(10, 20);
  sim.server.root.getNode('Ships').addChild(ship, true); // the spawner sends SPAWN to every client

  const remote = (c: SimPeer) => c.root.getNodeOrNull('Ships/Enterprise') as Ship | null;
  await sim.until(() => sim.clients.every((c) => remote(c)?.position.equals(new Vector2(10, 20))));

  ship.position = new Vector2(11, 20); // SYNC packets carry it, unreliably, every frame
  await sim.until(() => sim.clients.every((c) => remote(c)!.position.x === 11));

  ship.queueFree(); // DESPAWN
  await sim.until(() => sim.clients.every((c) => remote(c) === null));
  t.pass('spawned, synchronized and despawned on every client');
});
