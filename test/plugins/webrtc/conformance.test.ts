import t from 'tap';
import { ErrorCode, TransferMode } from '../../../core/index.js';
import { WebRTCMultiplayerPeer } from '../../../plugins/webrtc/index.js';
import { runMultiplayerPeerConformance } from '../../conformance/multiplayer-peer.js';
import { loopbackConnection, wireSignaling } from '../../helpers/webrtc-signaling.js';

// Three extra RELIABLE channels (stream ids 4–6) on top of Godot's reserved three: case 14 expects
// the last channel to report RELIABLE.
const CHANNELS = [TransferMode.RELIABLE, TransferMode.RELIABLE, TransferMode.RELIABLE];

runMultiplayerPeerConformance(t, {
  name: 'webrtc',
  capabilities: { channels: 1 + CHANNELS.length, unreliable: true, serverRelay: true },
  // libdatachannel sometimes needs a DTLS retransmission (1 s) before a connection is up.
  pollTimeoutMs: 10_000,
  createPeer: () => new WebRTCMultiplayerPeer(),
  startServer: (peer) => peer.createServer(CHANNELS),
  async createClient(server) {
    const client = new WebRTCMultiplayerPeer();
    const id = server.generateUniqueId();
    if (client.createClient(id, CHANNELS) !== ErrorCode.OK) throw new Error('createClient failed');
    const onServer = loopbackConnection();
    const onClient = loopbackConnection();
    if (client.addPeer(onClient, 1) !== ErrorCode.OK) throw new Error('client addPeer failed');
    if (server.addPeer(onServer, id) !== ErrorCode.OK) {
      // The signaling layer tells the client it was refused; the client drops its connection.
      onServer.close();
      onClient.close();
      return client;
    }
    wireSignaling(onServer, onClient);
    if (onServer.createOffer() !== ErrorCode.OK) throw new Error('createOffer failed');
    return client;
  },
});
