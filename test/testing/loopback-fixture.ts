/** The loopback peer's conformance fixture, shared by its tap test and the runner-adapter proofs (not a test file). */
import { ErrorCode, ManualClock, SeededRng, errorName } from '../../core/index.js';
import { LoopbackMultiplayerPeer, VirtualNetwork, type LinkConditions } from '../../plugins/loopback/index.js';
import type { PeerFixture } from '../../testing/index.js';

/** A fixture on a fresh virtual network with `conditions`; virtual time advances 5 ms per round. */
export function loopbackFixture(name: string, conditions: Partial<LinkConditions> = {}): PeerFixture<LoopbackMultiplayerPeer> {
  const clock = new ManualClock();
  const network = new VirtualNetwork({ clock, rng: new SeededRng(7), conditions });
  return {
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
  };
}
