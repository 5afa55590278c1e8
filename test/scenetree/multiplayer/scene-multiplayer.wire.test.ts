/** Byte-exact SceneMultiplayer packets against the docs/wire/multiplayer.md (§4–§6), both directions. */
import t from 'tap';
import { ErrorCode, TransferMode, Vector2 } from '../../../core/index.js';
import { Simulation } from '../../../plugins/loopback/simulation.js';
import { RecordingPeer, fromHex, int32Hex, toHex } from '../../helpers/recording-peer.js';
import { NodeLevelPlayer, SpecPlayer, addGame } from '../../helpers/sim-nodes.js';

function recordedSim(clients: number, player: () => import('../../../scenetree/index.js').Node) {
  const recorders = new Map<string, RecordingPeer>();
  const sim = new Simulation({
    seed: 7,
    clients,
    setup: (p) => addGame(p, player()),
    wrapPeer: (peer, name) => {
      const r = new RecordingPeer(peer);
      recorders.set(name, r);
      return r;
    },
  });
  return { sim, rec: (name: string) => recorders.get(name)! };
}

async function connected(sim: Simulation): Promise<void> {
  const n = sim.clients.length;
  await sim.until(() => sim.server.multiplayer.getPeers().length === n && sim.clients.every((c) => c.multiplayer.getPeers().length === n));
}

function player<T>(sim: Simulation, index: number): T {
  return sim.peers[index]!.root.getNodeOrNull('Game/Player') as T;
}

t.test('RPC §6.5: SIMPLIFY_PATH, path-form RPC, CONFIRM_PATH, then the 17-byte compact form', async (t) => {
  const { sim, rec } = recordedSim(1, () => new NodeLevelPlayer());
  t.teardown(() => sim.close());
  await connected(sim);
  const server = rec('server');
  const client = rec('client1');
  server.sent.length = 0;
  client.sent.length = 0;

  t.equal(player<NodeLevelPlayer>(sim, 0).rpc('set_position', new Vector2(1, 2)), ErrorCode.OK);
  t.same(server.hex(), [
    '01 35 66 34 33 39 38 39 39 64 65 36 63 37 63 37 33 39 63 62 35 61 65 66 35 65 30 63 32 61 39 30 66 00 01 00 00 00 47 61 6d 65 2f 50 6c 61 79 65 72 00',
    '60 14 00 00 80 00 80 01 05 00 00 00 00 00 80 3f 00 00 00 40 47 61 6d 65 2f 50 6c 61 79 65 72 00',
  ]);
  t.same(
    server.sent.map((p) => [p.mode, p.channel]),
    [
      [TransferMode.RELIABLE, 0],
      [TransferMode.RELIABLE, 0],
    ],
  );

  await sim.until(() => player<NodeLevelPlayer>(sim, 1).calls.length === 1);
  t.same(client.hex(), ['02 01 01 00 00 00'], 'CONFIRM_PATH, 4.3+ id form, valid');
  const call = player<NodeLevelPlayer>(sim, 1).calls[0]!;
  t.equal(call.sender, 1);
  t.ok((call.args[0] as Vector2).equals(new Vector2(1, 2)));

  sim.step(2); // the CONFIRM_PATH reaches the server
  server.sent.length = 0;
  player<NodeLevelPlayer>(sim, 0).rpc('set_position', new Vector2(1, 2));
  t.same(server.hex(), ['40 01 00 80 01 05 00 00 00 00 00 80 3f 00 00 00 40']);
  await sim.until(() => player<NodeLevelPlayer>(sim, 1).calls.length === 2);
});

t.test('RPC §5.4: checksums of node-level and script-level method lists', (t) => {
  const sim = new Simulation({ clients: 0 });
  t.teardown(() => sim.close());
  const mp = sim.server.multiplayer;
  const spec = new SpecPlayer();
  const nodeOnly = new NodeLevelPlayer();
  sim.server.root.addChild(spec);
  sim.server.root.addChild(nodeOnly, true);
  t.equal(mp.getRpcMd5(nodeOnly), '5f439899de6c7c739cb5aef5e0c2a90f');
  t.equal(mp.getRpcMd5(spec), '52c70a6bae7cc78ec3b9ab99246fe4d3');
  t.equal(mp.getRpcMd5(sim.server.root), 'd41d8cd98f00b204e9800998ecf8427e');
  t.end();
});

t.test('RPC §6.6: script-level ids, compressed int, unreliable move, no-args ping', async (t) => {
  const { sim, rec } = recordedSim(1, () => new SpecPlayer());
  t.teardown(() => sim.close());
  await connected(sim);
  const p = player<SpecPlayer>(sim, 1);
  const target = player<SpecPlayer>(sim, 0);
  p.rpcId(1, 'hit', 25);
  await sim.until(() => target.calls.length === 1);
  const client = rec('client1');
  client.sent.length = 0;
  p.rpcId(1, 'hit', 25);
  p.rpcId(1, 'move', new Vector2(0.5, -1));
  p.rpcId(1, 'ping');
  t.same(client.hex(), ['00 01 00 01 02 19', '00 01 01 01 05 00 00 00 00 00 00 3f 00 00 80 bf', '80 01 02']);
  t.same(
    client.sent.map((s) => s.mode),
    [TransferMode.RELIABLE, TransferMode.UNRELIABLE, TransferMode.RELIABLE],
  );
  await sim.until(() => target.calls.length === 4);
  t.same(
    target.calls.map((c) => c.method),
    ['hit', 'hit', 'move', 'ping'],
  );
  t.same(target.calls[1]!.args, [25]);
  t.equal(target.calls[3]!.sender, sim.clients[0]!.multiplayer.getUniqueId());
});

t.test('RPC: receiving the spec bytes (path form and compact form) invokes the method', async (t) => {
  const sim = new Simulation({ seed: 3, clients: 1, setup: (p) => addGame(p, new SpecPlayer()) });
  t.teardown(() => sim.close());
  await connected(sim);
  const client = sim.clients[0]!;
  const server = player<SpecPlayer>(sim, 0);
  // Path form: `hit(25)` on Game/Player: meta 0x20, target 0x80000009 (the path starts at byte 9).
  client.loopback.setTargetPeer(1);
  client.loopback.putPacket(fromHex('20 09 00 00 80 00 01 02 19 47 61 6d 65 2f 50 6c 61 79 65 72 00'));
  await sim.until(() => server.calls.length === 1);
  t.same(server.calls[0], { method: 'hit', args: [25], sender: client.multiplayer.getUniqueId() });
  // Compact form needs the sender's SIMPLIFY_PATH first: cache id 5 ↔ Game/Player.
  const simplify = fromHex(
    '01 ' +
      toHex(new TextEncoder().encode(sim.server.multiplayer.getRpcMd5(server))) +
      ' 00 05 00 00 00 47 61 6d 65 2f 50 6c 61 79 65 72 00',
  );
  client.loopback.putPacket(simplify);
  client.loopback.putPacket(fromHex('80 05 02'));
  await sim.until(() => server.calls.length === 2);
  t.same(server.calls[1], { method: 'ping', args: [], sender: client.multiplayer.getUniqueId() });
});

t.test('SYS §4.3: ADD_PEER to each client on admission, DEL_PEER on departure', async (t) => {
  const { sim, rec } = recordedSim(2, () => new SpecPlayer());
  t.teardown(() => sim.close());
  await connected(sim);
  const [a, b] = sim.clients.map((c) => c.multiplayer.getUniqueId()) as [number, number];
  const sys = rec('server')
    .sent.filter((p) => p.bytes[0] === 7)
    .map((p) => [p.to, toHex(p.bytes)]);
  t.equal(sys.length, 2, 'two ADD_PEER packets');
  t.ok(sys.some(([to, hex]) => to === a && hex === `07 01 ${int32Hex(b)}`));
  t.ok(sys.some(([to, hex]) => to === b && hex === `07 01 ${int32Hex(a)}`));
  t.same(sim.clients[0]!.multiplayer.getPeers().sort(), [1, b].sort(), 'client A knows B through the relay');
  rec('server').sent.length = 0;
  sim.clients[1]!.peer.close();
  await sim.until(() => sim.clients[0]!.multiplayer.getPeers().length === 1);
  t.same(rec('server').hex(a), [`07 02 ${int32Hex(b)}`]);
});
