import t from 'tap';
import { ErrorCode, ManualClock, SeededRng, errorName } from '../../../core/index.js';
import { LoopbackMultiplayerPeer, VirtualNetwork, type LinkConditions } from '../../../plugins/loopback/index.js';
import { runMultiplayerPeerConformance, tapRunner } from '../../../testing/index.js';

// Twice: over perfect links, and over a bad network (the suite never asserts unreliable delivery).
const networks: Array<[string, Partial<LinkConditions>]> = [
  ['loopback', {}],
  ['loopback (lossy)', { latencyMs: 20, jitterMs: 10, loss: 0.2, duplicate: 0.1, reorder: 0.1, bandwidthBytesPerSec: 1_000_000 }],
];

for (const [name, conditions] of networks) {
  const clock = new ManualClock();
  const network = new VirtualNetwork({ clock, rng: new SeededRng(7), conditions });
  runMultiplayerPeerConformance<LoopbackMultiplayerPeer>(tapRunner(t), {
    name,
    // 16 MiB (getMaxPacketSize) only adds seconds of copying; 1 MiB exercises the same code.
    capabilities: { channels: 4, unreliable: true, serverRelay: true, maxTestedPacketSize: 1 << 20 },
    createPeer: () => new LoopbackMultiplayerPeer(),
    startServer: (peer) => peer.createServer(network, { address: network.allocateAddress('server') }),
    async createClient(server) {
      const client = new LoopbackMultiplayerPeer();
      const err = client.createClient(network, { address: server.address });
      if (err !== ErrorCode.OK) throw new Error(`createClient failed: ${errorName(err)}`);
      return client;
    },
    tick: () => clock.advance(5),
  });
}
