import t from 'tap';
import { ErrorCode, errorName } from '../../../core/index.js';
import { WebSocketMultiplayerPeer } from '../../../plugins/websocket/index.js';
import { runMultiplayerPeerConformance, tapRunner } from '../../../testing/index.js';

// Godot's WebSocketMultiplayerPeer is reliable and ordered only: one channel, no unreliable path
// (every packet reports RELIABLE / channel 0), and the server relays for SceneMultiplayer.
runMultiplayerPeerConformance<WebSocketMultiplayerPeer>(tapRunner(t), {
  name: 'websocket',
  capabilities: { channels: 1, unreliable: false, serverRelay: true },
  createPeer: () => new WebSocketMultiplayerPeer(),
  startServer: (peer) => peer.createServer(0, '127.0.0.1'),
  async createClient(server) {
    const client = new WebSocketMultiplayerPeer();
    const err = client.createClient(`ws://127.0.0.1:${server.getLocalPort()}`);
    if (err !== ErrorCode.OK) throw new Error(`createClient failed: ${errorName(err)}`);
    return client;
  },
});
