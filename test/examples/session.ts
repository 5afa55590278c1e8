import { ErrorCode } from '../../core/index.js';
import { Node, SceneTree, rpc } from '../../scenetree/index.js';
import { SessionClientPeer, SessionServerPeer } from '../../plugins/session/index.js';
import { WebSocketMultiplayerPeer } from '../../plugins/websocket/index.js';

class Game extends Node {
  @rpc('any_peer', 'reliable')
  hello(): void {
    console.log(`server: hello from peer ${this.multiplayer!.getRemoteSenderId()}`);
  }
}

const wsServer = new WebSocketMultiplayerPeer();
if ((await wsServer.createServer(0)) !== ErrorCode.OK) throw new Error('cannot listen');
const url = `ws://127.0.0.1:${wsServer.getLocalPort()}`;
const server = new SceneTree();
const client = new SceneTree();
for (const tree of [server, client]) tree.root.addChild(new Game('Game'));

server.getMultiplayer().multiplayerPeer = new SessionServerPeer(wsServer);
const first = new WebSocketMultiplayerPeer();
first.createClient(url);
client.getMultiplayer().multiplayerPeer = new SessionClientPeer(first, {
  // After a drop: a new connection to the same server; the session resumes on it within graceMs.
  reconnect: () => {
    const p = new WebSocketMultiplayerPeer();
    p.createClient(url);
    return p;
  },
  graceMs: 10_000, // the default
});
client.getMultiplayer().connectedToServer.connect(() => client.root.getNode('Game', Game).rpcId(1, 'hello'));
await Promise.all([server.run({ fps: 60, frames: 30 }), client.run({ fps: 60, frames: 30 })]);
client.getMultiplayer().multiplayerPeer!.close();
server.getMultiplayer().multiplayerPeer!.close();
