/** MultiplayerPeerWrapper: a wrapper that overrides nothing is itself a conforming transport. */
import t from 'tap';
import { ErrorCode, ManualClock, MultiplayerPeerWrapper, SeededRng, TransferMode, errorName } from '../../core/index.js';
import { LoopbackMultiplayerPeer, VirtualNetwork } from '../../plugins/loopback/index.js';
import { runMultiplayerPeerConformance, tapRunner } from '../../testing/index.js';

const clock = new ManualClock();
const network = new VirtualNetwork({ clock, rng: new SeededRng(3) });
const inner = (peer: MultiplayerPeerWrapper) => peer.inner as LoopbackMultiplayerPeer;

runMultiplayerPeerConformance<MultiplayerPeerWrapper>(tapRunner(t), {
  name: 'wrapper over loopback',
  capabilities: { channels: 4, unreliable: true, serverRelay: true, maxTestedPacketSize: 1 << 16 },
  createPeer: () => new MultiplayerPeerWrapper(new LoopbackMultiplayerPeer()),
  startServer: (peer) => inner(peer).createServer(network, { address: network.allocateAddress('server') }),
  async createClient(server) {
    const client = new MultiplayerPeerWrapper(new LoopbackMultiplayerPeer());
    const err = inner(client).createClient(network, { address: inner(server).address });
    if (err !== ErrorCode.OK) throw new Error(`createClient failed: ${errorName(err)}`);
    return client;
  },
  tick: () => clock.advance(5),
});

t.test('MultiplayerPeerWrapper: settings reach the inner peer; subclasses see inner signals through hooks', (t) => {
  const seen: string[] = [];
  class Watching extends MultiplayerPeerWrapper {
    protected override onInnerPeerConnected(id: number): void {
      seen.push(`+${id}`);
      super.onInnerPeerConnected(id);
    }
  }
  const peer = new Watching(new LoopbackMultiplayerPeer());
  peer.transferMode = TransferMode.UNRELIABLE_ORDERED;
  peer.transferChannel = 2;
  peer.refuseNewConnections = true;
  t.same(
    [peer.inner.transferMode, peer.inner.transferChannel, peer.inner.refuseNewConnections],
    [TransferMode.UNRELIABLE_ORDERED, 2, true],
  );
  const emitted: number[] = [];
  peer.peerConnected.connect((id) => emitted.push(id));
  peer.inner.peerConnected.emit(7);
  t.same(seen, ['+7']);
  t.same(emitted, [7], 'the default hook re-emits');
  t.end();
});
