/** Relay bytes (§4.4, §6.6), negative RPC targets, refusing connections, object decoding. */
import t from 'tap';
import { EncodedObject, ErrorCode, LogLevel } from '../../../core/index.js';
import { Simulation } from '../../../plugins/loopback/index.js';
import { RecordingPeer, int32Hex } from '../../helpers/recording-peer.js';
import { SpecPlayer, addGame } from '../../helpers/sim-nodes.js';
import { installServerPolicy } from '../../../scenetree/index.js';

// Limits, stats, typed argument checks and readable checksum errors are the server policy (GameServer installs it).
installServerPolicy();

async function relaySim() {
  const recorders = new Map<string, RecordingPeer>();
  const sim = new Simulation({
    seed: 4,
    clients: 2,
    setup: (p) => addGame(p, new SpecPlayer()),
    wrapPeer: (peer, name) => {
      const r = new RecordingPeer(peer);
      recorders.set(name, r);
      return r;
    },
  });
  await sim.until(() => sim.clients.every((c) => c.multiplayer.getPeers().length === 2));
  for (const r of recorders.values()) r.sent.length = 0;
  return { sim, rec: (n: string) => recorders.get(n)! };
}

t.test('sendBytes: raw bytes direct from the server, relayed from a client (docs/wire/multiplayer.md §6.6 examples)', async (t) => {
  const { sim, rec } = await relaySim();
  t.teardown(() => sim.close());
  const [a, b] = sim.clients.map((c) => c.multiplayer.getUniqueId()) as [number, number];
  t.equal(int32Hex(1234567), '87 d6 12 00', 'the docs/wire/multiplayer.md §4.3 example id, as the helper writes it');
  const hi = new TextEncoder().encode('hi');
  sim.server.multiplayer.sendBytes(hi, a);
  t.same(rec('server').hex(a), ['03 68 69'], 'server → client: RAW, no relay');
  sim.clients[0]!.multiplayer.sendBytes(hi);
  sim.clients[0]!.multiplayer.sendBytes(hi, -b);
  t.same(rec('client1').hex(1), ['07 03 00 00 00 00 03 68 69', `07 03 ${int32Hex(-b)} 03 68 69`], 'relayed broadcast, relayed "all but B"');
  sim.step(3);
  t.same(rec('server').hex(b), [`07 03 ${int32Hex(a)} 03 68 69`], 'the server forwards to B with the true source');
});

t.test('rpc: a negative target reaches everyone but that peer, through the relay', async (t) => {
  const { sim } = await relaySim();
  t.teardown(() => sim.close());
  const b = sim.clients[1]!.multiplayer.getUniqueId();
  const node = (i: number) => sim.peers[i]!.root.getNode('Game/Player', SpecPlayer);
  t.equal(node(1).rpc('hit', 1), ErrorCode.OK);
  t.equal(node(1).rpcId(-b, 'hit', 2), ErrorCode.OK);
  await sim.until(() => node(0).calls.length === 2 && node(2).calls.length === 1);
  sim.step(10);
  t.same(
    node(0).calls.map((c) => c.args[0]),
    [1, 2],
  );
  t.same(
    node(2).calls.map((c) => c.args[0]),
    [1],
    'B never got the second call',
  );
  t.equal(node(2).calls[0]!.sender, sim.clients[0]!.multiplayer.getUniqueId(), 'the relayed sender is the true source');
});

t.test('refuseNewConnections: forwarded to the peer; a new client cannot join, the others stay', async (t) => {
  const sim = new Simulation({ seed: 8, clients: 1 });
  t.teardown(() => sim.close());
  await sim.until(() => sim.server.multiplayer.getPeers().length === 1);
  sim.server.multiplayer.refuseNewConnections = true;
  t.ok(sim.server.peer.refuseNewConnections);
  t.ok(sim.server.multiplayer.refuseNewConnections);
  const { LoopbackMultiplayerPeer } = await import('../../../plugins/loopback/index.js');
  const late = new LoopbackMultiplayerPeer({ clock: sim.clock });
  t.teardown(() => late.close());
  t.equal(late.createClient(sim.network), ErrorCode.OK);
  for (let i = 0; i < 60; i++) {
    late.poll();
    sim.step();
  }
  t.equal(late.getConnectionStatus(), 0, 'refused');
  t.equal(sim.server.multiplayer.getPeers().length, 1, 'the existing client is unaffected');
});

t.test('allowObjectDecoding: off by default (a full object disconnects its sender), on accepts it', async (t) => {
  for (const allow of [false, true]) {
    const sim = new Simulation({ seed: 6, clients: 1, setup: (p) => addGame(p, new SpecPlayer()) });
    t.teardown(() => sim.close());
    await sim.until(() => sim.server.multiplayer.getPeers().length === 1);
    t.equal(sim.server.multiplayer.allowObjectDecoding, false, 'default off');
    sim.clients[0]!.multiplayer.allowObjectDecoding = true; // the sender encodes objects in full
    sim.server.multiplayer.allowObjectDecoding = allow;
    sim.server.multiplayer.limits = { malformedPerWindow: 0 }; // the first malformed packet disconnects
    const object = new EncodedObject('Resource', { resource_name: 'sword' });
    sim.clients[0]!.root.getNode('Game/Player', SpecPlayer).rpcId(1, 'hit', object as never);
    sim.step(5);
    const calls = sim.server.root.getNode('Game/Player', SpecPlayer).calls;
    if (allow) {
      t.equal(calls.length, 1);
      t.equal((calls[0]!.args[0] as EncodedObject).get('resource_name'), 'sword');
    } else {
      t.equal(calls.length, 0, 'never invoked');
      t.same(sim.server.multiplayer.getPeers(), [], 'the sender was disconnected');
      t.ok(sim.server.log.at(LogLevel.ERROR).some((r) => /arguments do not decode/.test(r.message)));
    }
  }
});
