/** SceneMultiplayer behaviour: permissions, call_local, raw bytes and relay, malformed input, contract errors. */
import t from 'tap';
import { ErrorCode, LogLevel, Vector2 } from '../../../core/index.js';
import { Simulation } from '../../../plugins/loopback/simulation.js';
import { fromHex } from '../../helpers/recording-peer.js';
import { NodeLevelPlayer, SpecPlayer, addGame } from '../../helpers/sim-nodes.js';
import { installServerPolicy } from '../../../scenetree/index.js';

// Limits, stats, typed argument checks and readable checksum errors are the server policy (GameServer installs it).
installServerPolicy();

async function connectedSim(clients: number, make: () => import('../../../scenetree/index.js').Node = () => new SpecPlayer(), seed = 11) {
  const sim = new Simulation({ seed, clients, setup: (p) => addGame(p, make()) });
  await sim.until(
    () => sim.server.multiplayer.getPeers().length === clients && sim.clients.every((c) => c.multiplayer.getPeers().length === clients),
  );
  return sim;
}
const playerOf = <T>(sim: Simulation, i: number) => sim.peers[i]!.root.getNodeOrNull('Game/Player') as T;
const errors = (sim: Simulation, i: number) => sim.peers[i]!.log.at(LogLevel.ERROR).map((r) => r.message);

t.test('rpc: AUTHORITY method from a non-authority is dropped with one error naming node and method', async (t) => {
  const sim = await connectedSim(1, () => new NodeLevelPlayer());
  t.teardown(() => sim.close());
  t.equal(playerOf<NodeLevelPlayer>(sim, 1).rpcId(1, 'set_position', new Vector2(9, 9)), ErrorCode.OK);
  sim.step(5);
  t.same(playerOf<NodeLevelPlayer>(sim, 0).calls, [], 'never executed');
  const errs = errors(sim, 0).filter((m) => m.includes("RPC 'set_position' is not allowed on node /root/Game/Player"));
  t.equal(errs.length, 1);
  t.same(sim.server.multiplayer.getPeers(), [sim.clients[0]!.multiplayer.getUniqueId()], 'the sender stays connected');
});

t.test('rpc: AUTHORITY method from the node authority is accepted', async (t) => {
  const sim = await connectedSim(1, () => new NodeLevelPlayer());
  t.teardown(() => sim.close());
  const id = sim.clients[0]!.multiplayer.getUniqueId();
  for (const p of sim.peers) (p.root.getNodeOrNull('Game/Player') as NodeLevelPlayer).setMultiplayerAuthority(id);
  playerOf<NodeLevelPlayer>(sim, 1).rpcId(1, 'set_position', new Vector2(3, 4));
  await sim.until(() => playerOf<NodeLevelPlayer>(sim, 0).calls.length === 1);
  t.equal(playerOf<NodeLevelPlayer>(sim, 0).calls[0]!.sender, id);
});

t.test('rpc: return codes for unknown methods, self-calls, unknown peers, outside the tree, not connected', async (t) => {
  const sim = await connectedSim(1);
  t.teardown(() => sim.close());
  const p = playerOf<SpecPlayer>(sim, 0);
  t.equal(p.rpc('calls' as never), ErrorCode.ERR_INVALID_PARAMETER, 'a method with no RPC config');
  t.equal(p.rpcId(1, 'hit', 1), ErrorCode.ERR_INVALID_PARAMETER, 'self without call_local');
  t.equal(p.rpcId(424242, 'hit', 1), ErrorCode.ERR_INVALID_PARAMETER, 'unknown peer');
  t.equal(new SpecPlayer().rpc('hit', 1), ErrorCode.ERR_UNCONFIGURED, 'outside a tree');
  t.equal(p.rpc('hit', (() => 0) as never), ErrorCode.ERR_INVALID_PARAMETER, 'an argument with no Variant encoding');
  sim.clients[0]!.peer.close();
  sim.step(2);
  t.equal(playerOf<SpecPlayer>(sim, 1).rpc('hit', 1), ErrorCode.ERR_CONNECTION_ERROR, 'a closed peer is not connected');
});

t.test('rpc: call_local runs locally with the caller as remote sender, and remotely', async (t) => {
  const sim = await connectedSim(1);
  t.teardown(() => sim.close());
  const server = playerOf<SpecPlayer>(sim, 0);
  server.rpcConfig('localEcho' as never, { rpcMode: 1, callLocal: true });
  const client = playerOf<SpecPlayer>(sim, 1);
  client.rpcConfig('localEcho' as never, { rpcMode: 1, callLocal: true });
  const seen: Array<[string, number]> = [];
  for (const [who, node] of [
    ['server', server],
    ['client', client],
  ] as const) {
    Object.assign(node, { localEcho: () => seen.push([who, node.multiplayer!.getRemoteSenderId()]) });
  }
  const clientId = sim.clients[0]!.multiplayer.getUniqueId();
  t.equal(client.rpc('localEcho' as never), ErrorCode.OK);
  t.same(seen, [['client', clientId]], 'local call first, sender = own id');
  await sim.until(() => seen.length === 2);
  t.same(seen[1], ['server', clientId]);
  t.equal(sim.server.multiplayer.getRemoteSenderId(), 0, 'outside packet processing the sender is 0');
});

t.test('sendBytes: direct, relayed broadcast, and "all but" from a client (§4.4, §6.6)', async (t) => {
  const sim = await connectedSim(2);
  t.teardown(() => sim.close());
  const [a, b] = sim.clients;
  const got: Array<[string, number, string]> = [];
  for (const p of sim.peers) p.multiplayer.peerPacket.connect((id, data) => got.push([p.name, id, new TextDecoder().decode(data)]));
  const idA = a!.multiplayer.getUniqueId();
  t.equal(a!.multiplayer.sendBytes(new TextEncoder().encode('hi')), ErrorCode.OK);
  await sim.until(() => got.length === 2);
  t.same(
    got.sort(),
    [
      ['client2', idA, 'hi'],
      ['server', idA, 'hi'],
    ],
    'broadcast: server processes and forwards',
  );
  got.length = 0;
  a!.multiplayer.sendBytes(new TextEncoder().encode('x'), -b!.multiplayer.getUniqueId());
  a!.multiplayer.sendBytes(new TextEncoder().encode('y'), -1);
  a!.multiplayer.sendBytes(new TextEncoder().encode('z'), b!.multiplayer.getUniqueId());
  sim.step(5);
  t.same(
    got.sort(),
    [
      ['client2', idA, 'y'],
      ['client2', idA, 'z'],
      ['server', idA, 'x'],
    ],
    'relay table of §4.4',
  );
  t.equal(a!.multiplayer.sendBytes(new Uint8Array(0)), ErrorCode.ERR_INVALID_DATA);
});

t.test('malformed packets: the sender is disconnected, other peers are untouched', async (t) => {
  const cases: Array<[string, string]> = [
    ['RPC with node id size 3', '30 01 00'],
    ['short SYS', '07 01 00'],
    ['unknown SYS command', '07 09 00 00 00 00'],
    ['short SIMPLIFY_PATH', '01 00 00'],
    ['CONFIRM_PATH of the wrong size', '02 01 01'],
    ['RAW without data', '03'],
    ['RPC path offset past the end', '20 ff 00 00 80 00 01'],
    ['RPC whose argument is truncated', '20 09 00 00 80 00 01 05 00 47 61 6d 65 2f 50 6c 61 79 65 72 00'],
  ];
  for (const [name, hex] of cases) {
    await t.test(name, async (t) => {
      const sim = await connectedSim(2);
      t.teardown(() => sim.close());
      sim.server.multiplayer.limits = { malformedPerWindow: 0 }; // the first malformed packet disconnects
      const [bad, good] = sim.clients;
      const badId = bad!.multiplayer.getUniqueId();
      bad!.loopback.setTargetPeer(1);
      bad!.loopback.putPacket(fromHex(hex));
      await sim.until(() => !sim.server.multiplayer.getPeers().includes(badId));
      const logged = errors(sim, 0).filter((m) => m.includes(`Disconnecting peer ${badId}`));
      t.equal(logged.length, 1, `logged once: ${JSON.stringify(errors(sim, 0))}`);
      playerOf<SpecPlayer>(sim, 2).rpcId(1, 'hit', 7);
      await sim.until(() => playerOf<SpecPlayer>(sim, 0).calls.some((c) => c.sender === good!.multiplayer.getUniqueId()));
      t.ok(sim.server.multiplayer.getPeers().includes(good!.multiplayer.getUniqueId()), 'the other client is still connected');
    });
  }
});

t.test('checksum mismatch: a readable contract error names the method the remote lacks', async (t) => {
  class Lean extends SpecPlayer {}
  const sim = new Simulation({ seed: 2, clients: 1, setup: (p) => addGame(p, p.index === 0 ? new SpecPlayer() : new Lean()) });
  t.teardown(() => sim.close());
  // The client's Player lacks `ping` in its RPC table: drop its config before first use.
  const lean = sim.clients[0]!.root.getNodeOrNull('Game/Player') as SpecPlayer;
  lean.rpcConfig('set_position', null);
  await sim.until(() => sim.clients[0]!.multiplayer.getPeers().length === 1);
  playerOf<SpecPlayer>(sim, 0).rpc('hit', 1);
  sim.step(5);
  const clientErr = errors(sim, 1).find((m) => m.includes('RPC checksum mismatch'));
  const serverErr = errors(sim, 0).find((m) => m.includes('RPC checksum mismatch'));
  t.match(clientErr, /remote side declares methods this side does not have/);
  t.match(serverErr, /local RPC methods \[set_position, hit, move, ping\].*reported by peer/);
  playerOf<SpecPlayer>(sim, 1).rpcId(1, 'hit', 2);
  sim.step(5);
  t.match(
    errors(sim, 0)
      .filter((m) => m.includes('RPC checksum mismatch'))
      .at(-1),
    /remote side lacks \[set_position\]/,
  );
});

t.test('path-form RPCs: resolved paths are forgotten when the node is renamed or removed', async (t) => {
  const sim = await connectedSim(1);
  t.teardown(() => sim.close());
  const client = sim.clients[0]!.loopback;
  const server = playerOf<SpecPlayer>(sim, 0);
  const pathForm = (path: string) =>
    fromHex(
      '20 09 00 00 80 00 01 02 19 ' + [...new TextEncoder().encode(path)].map((b) => b.toString(16).padStart(2, '0')).join(' ') + ' 00',
    );
  client.setTargetPeer(1);
  client.putPacket(pathForm('Game/Player'));
  await sim.until(() => server.calls.length === 1);
  server.name = 'Hero';
  client.putPacket(pathForm('Game/Player'));
  client.putPacket(pathForm('Game/Hero'));
  await sim.until(() => server.calls.length === 2);
  t.equal(errors(sim, 0).filter((m) => m.includes('unknown node "Game/Player"')).length, 1, 'the old path no longer resolves');
  server.getParent()!.removeChild(server);
  client.putPacket(pathForm('Game/Hero'));
  sim.step(3);
  t.equal(server.calls.length, 2, 'a removed node is not called through a remembered path');
  t.equal(errors(sim, 0).filter((m) => m.includes('unknown node "Game/Hero"')).length, 1);
});

t.test('MultiplayerAPI.rpc(peer, object, method, args): Godot order; the deprecated rpcp(object, peer, …) still works', async (t) => {
  const sim = await connectedSim(1);
  t.teardown(() => sim.close());
  const api = sim.clients[0]!.multiplayer;
  const id = api.getUniqueId();
  const client = playerOf<SpecPlayer>(sim, 1);
  t.equal(api.rpc(1, client, 'hit', [7]), ErrorCode.OK);
  t.equal(api.rpc(1, client, 'ping'), ErrorCode.OK, 'arguments default to []');
  t.equal(api.rpcp(client, 1, 'hit', [8]), ErrorCode.OK);
  t.equal(api.rpc(424242, client, 'hit', [1]), ErrorCode.ERR_INVALID_PARAMETER, 'the peer is the first argument');
  const server = playerOf<SpecPlayer>(sim, 0);
  await sim.until(() => server.calls.length === 3);
  t.same(server.calls, [
    { method: 'hit', args: [7], sender: id },
    { method: 'ping', args: [], sender: id },
    { method: 'hit', args: [8], sender: id },
  ]);
});
