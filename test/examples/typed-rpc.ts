import { ErrorCode, RPCMode, Vector2 } from '../../core/index.js';
import { Node, SceneTree, rpc } from '../../scenetree/index.js';
import { WebSocketMultiplayerPeer } from '../../plugins/websocket/index.js';

class Turret extends Node {
  @rpc('any_peer', 'reliable', { args: ['float', 'int', 'Vector2'] })
  aim(angle: number, burst: number, at: Vector2): void {
    console.log(`aim ${angle} x${burst} at (${at.x}, ${at.y})`);
  }

  fire(burst: number): void {
    console.log(`fire x${burst} from peer ${this.multiplayer!.getRemoteSenderId()}`);
  }
}

const server = new WebSocketMultiplayerPeer();
if ((await server.createServer(0)) !== ErrorCode.OK) throw new Error('cannot listen');
const client = new WebSocketMultiplayerPeer();
client.createClient(`ws://127.0.0.1:${server.getLocalPort()}`);

const trees = [server, client].map((peer) => {
  const tree = new SceneTree();
  tree.getMultiplayer().multiplayerPeer = peer;
  const node = new Turret('Turret');
  tree.root.addChild(node);
  node.rpcConfig('fire', { rpcMode: RPCMode.ANY_PEER, args: ['int'] }); // Godot: rpc_config("fire", {...})
  return tree;
});
trees[1]!.getMultiplayer().connectedToServer.connect(() => {
  const turret = trees[1]!.root.getNode('Turret', Turret);
  turret.rpcId(1, 'aim', 2, 3, new Vector2(4, 5)); // 2 goes out as FLOAT 2.0, as from a Godot peer
  turret.rpcId(1, 'fire', 3);
});
await Promise.all(trees.map((tree) => tree.run({ fps: 60, frames: 30 })));
client.close();
server.close();
