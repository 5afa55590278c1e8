/** Godot 3 names kept as documented, deprecated aliases: setBuffers and the peerPacket signal. */
import t, { type Test } from 'tap';
import { ConnectionStatus, ErrorCode, MemoryLogger } from '../../../core/index.js';
import { WebSocketMultiplayerPeer } from '../../../plugins/websocket/index.js';
import { pollUntil } from '../../helpers/websocket-poll.js';

const WAIT = 30_000;

t.test('setBuffers(inKb, inPackets, outKb, outPackets): KiB rounded up to powers of two; one packet limit', (t) => {
  const peer = new WebSocketMultiplayerPeer({ logger: new MemoryLogger() });
  t.teardown(() => peer.close());
  t.equal(peer.setBuffers(3, 100, 64, 1000), ErrorCode.OK);
  t.equal(peer.inboundBufferSize, 4 * 1024, '3 KiB rounds up to 4 KiB');
  t.equal(peer.outboundBufferSize, 64 * 1024, 'a power of two stays');
  t.equal(peer.maxQueuedPackets, 1024, 'the larger of 128 and 1024');
  t.equal(peer.setBuffers(0, 1, 1, 1), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(peer.setBuffers(1, 1, 1.5, 1), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(peer.inboundBufferSize, 4 * 1024, 'a refused call changes nothing');
  t.end();
});

async function pair(t: Test): Promise<[WebSocketMultiplayerPeer, WebSocketMultiplayerPeer]> {
  const logger = new MemoryLogger();
  const srv = new WebSocketMultiplayerPeer({ logger });
  const cli = new WebSocketMultiplayerPeer({ logger });
  t.teardown(() => {
    cli.close();
    srv.close();
  });
  let joined = false;
  srv.peerConnected.connect(() => (joined = true));
  t.equal(await srv.createServer(0, '127.0.0.1'), ErrorCode.OK);
  t.equal(cli.createClient(`ws://127.0.0.1:${srv.getLocalPort()}`), ErrorCode.OK);
  await pollUntil([srv, cli], () => cli.getConnectionStatus() === ConnectionStatus.CONNECTED && joined, WAIT);
  return [srv, cli];
}

t.test('setBuffers: FAILED once the peer is active (as Godot 3)', async (t) => {
  const [srv, cli] = await pair(t);
  t.equal(srv.setBuffers(8, 8, 8, 8), ErrorCode.FAILED);
  t.equal(cli.setBuffers(8, 8, 8, 8), ErrorCode.FAILED);
});

t.test('peerPacket(peerSource): emitted in poll() once per packet received, with its source', async (t) => {
  const [srv, cli] = await pair(t);
  const seen: number[] = [];
  srv.peerPacket.connect((source) => seen.push(source));
  cli.setTargetPeer(1);
  for (let i = 0; i < 3; i++) t.equal(cli.putPacket(new Uint8Array([i])), ErrorCode.OK);
  await pollUntil([srv, cli], () => srv.getAvailablePacketCount() === 3, WAIT);
  t.same(seen, [cli.getUniqueId(), cli.getUniqueId(), cli.getUniqueId()]);
  const clientSeen: number[] = [];
  cli.peerPacket.connect((source) => clientSeen.push(source));
  srv.setTargetPeer(cli.getUniqueId());
  t.equal(srv.putPacket(new Uint8Array([9])), ErrorCode.OK);
  await pollUntil([srv, cli], () => cli.getAvailablePacketCount() === 1, WAIT);
  t.same(clientSeen, [1], 'the client hears the server as peer 1');
});
