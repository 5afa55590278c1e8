// The transport's conformance fixture: how the scenenet/testing suite makes servers and clients.
import { ErrorCode } from 'scenenet';
import type { PeerFixture } from 'scenenet/testing';
import { TcpMultiplayerPeer } from './tcp-multiplayer-peer.js';

export const tcpFixture: PeerFixture<TcpMultiplayerPeer> = {
  name: 'tcp',
  // TCP: one channel, reliable only (unreliable packets go reliably, reported as RELIABLE).
  capabilities: { channels: 1, unreliable: false, serverRelay: true, maxTestedPacketSize: 1 << 20 },
  createPeer: () => new TcpMultiplayerPeer(),
  startServer: (peer) => peer.createServer(0, '127.0.0.1'),
  async createClient(server) {
    const client = new TcpMultiplayerPeer();
    const err = client.createClient('127.0.0.1', server.getLocalPort());
    if (err !== ErrorCode.OK) throw new Error(`createClient: ${err}`);
    return client;
  },
  pollTimeoutMs: 20_000,
};
