import t from 'tap';
import { Node, rpc } from '../../scenetree/index.js';
import { Simulation } from '../../plugins/loopback/index.js';

class Door extends Node {
  open = false;

  @rpc('any_peer', 'call_local', 'reliable')
  requestOpen(): void {
    if (this.multiplayer!.isServer()) this.rpc('setOpen', true); // only the server decides
  }

  @rpc('authority', 'call_local', 'reliable')
  setOpen(open: boolean): void {
    this.open = open;
  }
}

t.test('a client opens the door for everyone, even over a lossy network', async (t) => {
  const sim = new Simulation({
    seed: 1,
    clients: 3,
    conditions: { latencyMs: 80, jitterMs: 30, loss: 0.2 },
    setup: (peer) => peer.root.addChild(new Door('Door')),
  });
  t.teardown(() => sim.close());
  const door = (i: number) => sim.peers[i]!.root.getNode('Door', Door);

  await sim.until(() => sim.clients.every((c) => c.multiplayer.getPeers().length === 3));
  door(2).rpcId(1, 'requestOpen');
  const frames = await sim.until(() => sim.peers.every((_, i) => door(i).open));

  t.ok(frames > 5, 'it took network time');
  t.match(sim.traceHash(), /^[0-9a-f]{16}$/, 'same seed, same trace hash: assert it to pin a scenario');
});
