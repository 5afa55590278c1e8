import { ErrorCode } from '../../core/index.js';
import { Node, SceneTree, rpc } from '../../scenetree/index.js';
import { WebSocketMultiplayerPeer } from '../../plugins/websocket/index.js';

class Chat extends Node {
  @rpc('any_peer', 'call_local', 'reliable')
  say(text: string): void {
    const mp = this.multiplayer!;
    console.log(`peer ${mp.getUniqueId()} got "${text}" from peer ${mp.getRemoteSenderId()}`);
  }
}

const server = new WebSocketMultiplayerPeer();
if ((await server.createServer(0)) !== ErrorCode.OK) throw new Error('cannot listen');
const client = new WebSocketMultiplayerPeer();
client.createClient(`ws://127.0.0.1:${server.getLocalPort()}`);

const trees = [server, client].map((peer) => {
  const tree = new SceneTree();
  tree.getMultiplayer().multiplayerPeer = peer; // Godot: multiplayer.multiplayer_peer = peer
  tree.root.addChild(new Chat('Chat'));
  return tree;
});
trees[1]!.getMultiplayer().connectedToServer.connect(() => {
  trees[1]!.root.getNode('Chat', Chat).rpc('say', 'hello'); // runs here (call_local) and on the server
});
await Promise.all(trees.map((tree) => tree.run({ fps: 60, frames: 30 })));
client.close();
server.close();
