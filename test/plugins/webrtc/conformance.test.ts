import t from 'tap';
import { TransferMode } from '../../../core/index.js';
import { WebRTCMultiplayerPeer } from '../../../plugins/webrtc/index.js';
import { runMultiplayerPeerConformance, tapRunner } from '../../../testing/index.js';
import { signaledClient } from '../../helpers/webrtc-signaling.js';

// Three extra RELIABLE channels (stream ids 4–6) on top of Godot's reserved three: case 14 expects
// the last channel to report RELIABLE.
const CHANNELS = [TransferMode.RELIABLE, TransferMode.RELIABLE, TransferMode.RELIABLE];

runMultiplayerPeerConformance(tapRunner(t), {
  name: 'webrtc',
  capabilities: { channels: 1 + CHANNELS.length, unreliable: true, serverRelay: true },
  // libdatachannel sometimes needs a DTLS retransmission (1 s, doubling) before a connection is up; on a
  // loaded 2-core machine (the CI dry run: case 12's late client) that took over 10 s, so the budget is 30 s.
  pollTimeoutMs: 30_000,
  createPeer: () => new WebRTCMultiplayerPeer(),
  startServer: (peer) => peer.createServer(CHANNELS),
  async createClient(server) {
    // A refused client: the signaling layer tells it, and it drops its connection.
    return signaledClient(server, CHANNELS);
  },
});
