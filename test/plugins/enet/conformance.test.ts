import t from 'tap';
import { ErrorCode, errorName } from '../../../core/index.js';
import { ENetMultiplayerPeer } from '../../../plugins/enet/index.js';
import { runMultiplayerPeerConformance, tapRunner } from '../../../testing/index.js';

// Godot's ENetMultiplayerPeer: reliable, unreliable and unreliable-ordered modes on 253 transfer
// channels (ENet channel N + 1), relay through the server, refusal of new connections.
runMultiplayerPeerConformance<ENetMultiplayerPeer>(tapRunner(t), {
  name: 'enet',
  capabilities: { channels: 4, unreliable: true, serverRelay: true, maxTestedPacketSize: 1 << 20 },
  createPeer: () => new ENetMultiplayerPeer(),
  startServer(peer) {
    peer.setBindIp('127.0.0.1');
    return peer.createServer(0);
  },
  async createClient(server) {
    const client = new ENetMultiplayerPeer();
    const err = client.createClient('127.0.0.1', server.getLocalPort());
    if (err !== ErrorCode.OK) throw new Error(`createClient failed: ${errorName(err)}`);
    return client;
  },
});
