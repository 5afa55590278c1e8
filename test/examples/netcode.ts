import { Vector2 } from '../../core/index.js';
import { NetworkTime, SnapshotInterpolator } from '../../netcode/index.js';
import { MultiplayerSynchronizer, Node } from '../../scenetree/index.js';
import { Simulation } from '../../plugins/loopback/index.js';

class Ship extends Node {
  position = new Vector2(0, 0);
  tick = 0; // synced with position, for the interpolator
}

const sim = new Simulation({
  seed: 7,
  clients: 1,
  conditions: { latencyMs: 60, jitterMs: 20, loss: 0.05 },
  setup: (peer) => {
    const time = new NetworkTime({ tickRate: 30 }); // every peer, same path
    peer.root.addChild(time);
    const ship = new Ship('Ship');
    const synchronizer = new MultiplayerSynchronizer('Sync');
    synchronizer.replicationConfig!.addProperty('.:position');
    synchronizer.replicationConfig!.addProperty('.:tick');
    ship.addChild(synchronizer);
    peer.root.addChild(ship);
    if (peer.index === 0) {
      time.networkTick.connect((tick) => {
        // server: fixed-step game logic
        ship.position = new Vector2(ship.position.x + 4, ship.position.y);
        ship.tick = tick;
      });
    } else {
      // a client, for a ship it does not control: render between snapshots, never jump
      ship.addChild(new SnapshotInterpolator({ synchronizer, time, properties: ['position'], tickProperty: 'tick' }));
    }
  },
});
sim.step(5 * sim.fps); // five virtual seconds, in no time
const [onServer, onClient] = sim.peers.map((peer) => peer.root.getNode('Ship', Ship));
console.log(`server x ${onServer!.position.x}, client renders x ${onClient!.position.x.toFixed(1)}`);
sim.close();
