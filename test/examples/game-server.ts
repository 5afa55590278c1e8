import { ErrorCode } from '../../core/index.js';
import { Node, SceneTree, rpc } from '../../scenetree/index.js';
import { WebSocketMultiplayerPeer } from '../../plugins/websocket/index.js';
import { GameServer } from '../../server/index.js';

class Arena extends Node {
  @rpc('any_peer', 'reliable')
  say(text: string): void {
    console.log(`room got "${text}" from peer ${this.multiplayer!.getRemoteSenderId()}`);
  }
}

const server = new GameServer({ maxRooms: 50, enet: {}, signaling: true }); // enet: { ports: [9100, 9199] } in production
server.define('arena', { maxClients: 8, emptyGraceMs: 30_000, setup: (room) => room.tree.root.addChild(new Arena('Arena')) });
if ((await server.listen(0, '127.0.0.1')) !== ErrorCode.OK) throw new Error('cannot listen');
server.start(); // every room's frames from one loop (tests call server.tick() by hand)
const room = await server.createRoom('arena', { id: 'final', metadata: { map: 'dust' } });

// Any Godot 4 client: WebSocketMultiplayerPeer.create_client("ws://host:port/final")
const client = new WebSocketMultiplayerPeer();
client.createClient(`ws://127.0.0.1:${server.getLocalPort()}/final`);
const tree = new SceneTree();
tree.root.addChild(new Arena('Arena'));
tree.getMultiplayer().multiplayerPeer = client;
tree.getMultiplayer().connectedToServer.connect(() => tree.root.getNode('Arena', Arena).rpcId(1, 'say', 'hello'));
await tree.run({ fps: 60, frames: 30 });

room.lock(); // sealed: new clients get close code 4423
console.log(server.rooms().map((r) => `${r.id} ${r.type} ${r.clients}/${r.maxClients} enet:${r.endpoints.enet !== null}`));
await server.shutdown({ graceMs: 1000 }); // the client gets close code 4503 "server shutting down"
