import { ErrorCode } from '../../core/index.js';
import { Node, SceneTree, rpc } from '../../scenetree/index.js';
import { GameServer, connectToRoom } from '../../server/index.js';

class Arena extends Node {
  @rpc('any_peer', 'reliable')
  hello(): void {
    console.log(`room: hello from peer ${this.multiplayer!.getRemoteSenderId()}`);
  }
}

const server = new GameServer();
server.define('arena', { setup: (room) => room.tree.root.addChild(new Arena('Arena')) });
if ((await server.listen(0, '127.0.0.1')) !== ErrorCode.OK) throw new Error('cannot listen');
server.start();
const port = server.getLocalPort();

const tree = new SceneTree();
tree.root.addChild(new Arena('Arena'));
tree.getMultiplayer().multiplayerPeer = connectToRoom(`ws://127.0.0.1:${port}/arena/final`); // adds ?session
tree.getMultiplayer().connectedToServer.connect(() => tree.root.getNode('Arena', Arena).rpcId(1, 'hello'));
await tree.run({ fps: 60, frames: 30 });
for (const room of server.rooms()) console.log(`${room.id}: ${room.clients} client`);
tree.getMultiplayer().multiplayerPeer!.close();
await server.shutdown({ graceMs: 0 });
