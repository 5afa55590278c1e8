import t from 'tap';
import { ConnectionStatus, ErrorCode } from '../../../core/index.js';
import { WebSocketMultiplayerPeer } from '../../../plugins/websocket/index.js';
import { type SceneMultiplayer, SceneTree } from '../../../scenetree/index.js';
import { pollUntil } from '../../helpers/websocket-poll.js';

// SceneMultiplayer relays client-to-client traffic through the WebSocket server (docs/wire/multiplayer.md §8.3).
t.test('SceneMultiplayer over WebSocketMultiplayerPeer: clients reach each other through the server relay', async (t) => {
  const server = new WebSocketMultiplayerPeer();
  t.teardown(() => server.close());
  t.equal(await server.createServer(0, '127.0.0.1'), ErrorCode.OK);
  const trees = [new SceneTree(), new SceneTree(), new SceneTree()];
  const peers = [server, new WebSocketMultiplayerPeer(), new WebSocketMultiplayerPeer()];
  for (const p of peers.slice(1)) {
    t.teardown(() => p.close());
    t.equal(p.createClient(`ws://127.0.0.1:${server.getLocalPort()}`), ErrorCode.OK);
  }
  trees.forEach((tree, i) => (tree.getMultiplayer().multiplayerPeer = peers[i]!));
  const frames = trees.map((tree) => ({ poll: () => tree.processFrame(1 / 60) }));
  const [a, b] = [trees[1]!.getMultiplayer() as SceneMultiplayer, trees[2]!.getMultiplayer() as SceneMultiplayer];
  await pollUntil(frames, () => a.getPeers().length === 2 && b.getPeers().length === 2, 10_000);
  t.ok(peers.every((p) => p.getConnectionStatus() === ConnectionStatus.CONNECTED));
  t.same(a.getPeers().sort(), [1, b.getUniqueId()].sort(), 'a knows b through SYS ADD_PEER');

  const got: Array<[number, string]> = [];
  b.peerPacket.connect((from, data) => got.push([from, new TextDecoder().decode(data)]));
  t.equal(a.sendBytes(new TextEncoder().encode('via the server'), b.getUniqueId()), ErrorCode.OK);
  await pollUntil(frames, () => got.length === 1, 10_000);
  t.same(got, [[a.getUniqueId(), 'via the server']], 'b sees a as the sender');
});
