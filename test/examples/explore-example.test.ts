import t from 'tap';
import { MultiplayerSynchronizer, Node } from '../../scenetree/index.js';
import { Simulation, assertExplore, converges, neverRegresses } from '../../plugins/loopback/index.js';

class Score extends Node {
  points = 0;
}

t.test('every client ends up with the server’s score, whatever the network does', (t) => {
  const score = (peer: { root: Node }) => peer.root.getNode('Score', Score).points;
  const result = Simulation.explore(
    {
      clients: 3,
      frames: 300,
      setup(peer) {
        const node = new Score('Score');
        const sync = new MultiplayerSynchronizer('Sync');
        sync.replicationConfig!.addProperty('.:points');
        node.addChild(sync);
        peer.root.addChild(node);
      },
      frame(ctx) {
        if (ctx.frame < 200 && ctx.rng.nextUint32() % 8 === 0) ctx.sim.server.root.getNode('Score', Score).points++;
      },
      invariants: [converges({ state: score, within: 180 }), neverRegresses({ value: score })],
    },
    { seeds: 20 }, // random latency, jitter, loss, duplication, reordering, a partition, a late join, a leave
  );
  assertExplore(t, result); // on failure: what broke, the one-line repro, and a timeline page
  t.end();
});
