/** SceneMultiplayer#stats: per-peer and total traffic counters, drops by reason. */
import t from 'tap';
import { Vector2 } from '../../../core/index.js';
import { Simulation } from '../../../plugins/loopback/simulation.js';
import { DropReason, installServerPolicy } from '../../../scenetree/index.js';
import { fromHex } from '../../helpers/recording-peer.js';
import { NodeLevelPlayer, SpecPlayer, addGame } from '../../helpers/sim-nodes.js';

// Limits, stats, typed argument checks and readable checksum errors are the server policy (GameServer installs it).
installServerPolicy();

async function connected(
  clients: number,
  make: () => import('../../../scenetree/index.js').Node = () => new SpecPlayer(),
): Promise<Simulation> {
  const sim = new Simulation({ seed: 3, clients, setup: (p) => addGame(p, make()) });
  await sim.until(() => sim.peers.every((p) => p.multiplayer.getPeers().length === clients));
  return sim;
}
const player = <T>(sim: Simulation, i: number) => sim.peers[i]!.root.getNode('Game/Player') as T;

t.test('counts RPCs, packets and bytes in and out, per peer and in total, and agrees with the other side', async (t) => {
  const sim = await connected(2);
  t.teardown(() => sim.close());
  const server = sim.server.multiplayer;
  const [a, b] = sim.clients.map((c) => c.multiplayer);
  const idA = a!.getUniqueId();
  const before = server.stats.peer(idA)!.toJSON();
  for (let i = 0; i < 5; i++) player<SpecPlayer>(sim, 1).rpcId(1, 'hit', i);
  await sim.until(() => player<SpecPlayer>(sim, 0).calls.length === 5);
  const sa = server.stats.peer(idA)!;
  t.equal(sa.rpcsIn - before.rpcsIn, 5, 'the server counted 5 RPCs from A');
  t.equal(a!.stats.peer(1)!.rpcsOut, 5, 'A counted 5 RPCs to the server');
  t.equal(sa.packetsIn, a!.stats.peer(1)!.packetsOut, 'packets: server in = A out');
  t.equal(sa.bytesIn, a!.stats.peer(1)!.bytesOut, 'bytes: server in = A out');
  t.equal(sa.packetsOut, a!.stats.peer(1)!.packetsIn, 'packets: server out = A in');
  t.equal(sa.bytesOut, a!.stats.peer(1)!.bytesIn, 'bytes: server out = A in');
  t.ok(sa.bytesIn > 5 * 4, 'bytes grew');

  // A server broadcast counts once per peer.
  const outBefore = server.stats.total.rpcsOut;
  player<SpecPlayer>(sim, 0).rpc('hit', 9);
  t.equal(server.stats.total.rpcsOut - outBefore, 2, 'a broadcast to 2 clients is 2 RPCs out');
  sim.step(3);

  // Totals are the sum over peers while nobody left.
  const total = server.stats.total;
  const peers = [...server.stats.peers()];
  t.equal(peers.length, 2);
  for (const key of ['rpcsIn', 'rpcsOut', 'bytesIn', 'bytesOut', 'packetsIn', 'packetsOut'] as const) {
    t.equal(
      total[key],
      peers.reduce((s, p) => s + p[key], 0),
      `total ${key} = sum of peers`,
    );
  }
  const json = JSON.parse(JSON.stringify(server.stats)) as { total: { rpcsIn: number }; peers: Record<string, unknown> };
  t.equal(json.total.rpcsIn, total.rpcsIn, 'JSON form');
  t.same(Object.keys(json.peers).sort(), peers.map((p) => String(p.id)).sort());

  // A client that leaves is forgotten per peer; totals keep its traffic.
  const rpcsIn = total.rpcsIn;
  sim.clients[1]!.peer.close();
  await sim.until(() => server.getPeers().length === 1);
  t.equal(server.stats.peer(b!.getUniqueId()), undefined, 'per-peer record dropped on disconnect');
  t.equal(server.stats.total.rpcsIn, rpcsIn, 'totals survive');
});

t.test('drops are counted by reason: unauthorized, malformed', async (t) => {
  const sim = await connected(1, () => new NodeLevelPlayer());
  t.teardown(() => sim.close());
  const server = sim.server.multiplayer;
  const id = sim.clients[0]!.multiplayer.getUniqueId();
  player<NodeLevelPlayer>(sim, 1).rpcId(1, 'set_position', new Vector2(1, 1)); // AUTHORITY method, client is not
  sim.step(5);
  t.equal(server.stats.peer(id)!.drops[DropReason.UNAUTHORIZED], 1, 'unauthorized RPC counted on the peer');
  t.equal(server.stats.total.drops.unauthorized, 1, 'and in total');
  t.equal(server.stats.peer(id)!.dropped, 1);
  sim.clients[0]!.loopback.setTargetPeer(1);
  sim.clients[0]!.loopback.putPacket(fromHex('30 01 00')); // node id size 3
  sim.step(3);
  t.equal(server.stats.total.drops.malformed, 1, 'malformed counted');
  t.equal(server.stats.total.drops.rate_limited + server.stats.total.drops.bad_arguments, 0);
});
