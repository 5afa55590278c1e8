/** WebSocketMultiplayerPeer.createStreamServer + acceptStream: a server fed by another listener. */
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import t from 'tap';
import { ConnectionStatus, ErrorCode } from '../../../core/index.js';
import { WebSocketMultiplayerPeer } from '../../../plugins/websocket/index.js';
import { pollUntil } from '../../helpers/websocket-poll.js';

t.test('createStreamServer: peer 1 without a listener; guards return codes', async (t) => {
  const peer = new WebSocketMultiplayerPeer();
  t.teardown(() => peer.close());
  t.equal(peer.acceptStream({}), ErrorCode.ERR_UNCONFIGURED, 'not a server yet');
  t.equal(peer.createStreamServer(), ErrorCode.OK);
  t.equal(peer.getUniqueId(), 1);
  t.equal(peer.getConnectionStatus(), ConnectionStatus.CONNECTED);
  t.equal(peer.getLocalPort(), 0, 'no port of its own');
  t.equal(peer.createStreamServer(), ErrorCode.ERR_ALREADY_IN_USE);
  t.equal(await peer.createServer(0), ErrorCode.ERR_ALREADY_IN_USE);
  t.equal(peer.acceptStream(null), ErrorCode.ERR_INVALID_PARAMETER);
});

t.test('acceptStream: an HTTP upgrade read by another server, and a raw TCP socket, both become peers', async (t) => {
  const peer = new WebSocketMultiplayerPeer();
  t.teardown(() => peer.close());
  t.equal(peer.createStreamServer(), ErrorCode.OK);
  const paths: string[] = [];
  const http = createHttpServer();
  http.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    paths.push(request.url ?? '');
    t.equal(peer.acceptStream({ request, socket, head }), ErrorCode.OK);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const tcp = createNetServer((socket) => t.equal(peer.acceptStream(socket), ErrorCode.OK));
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    http.close();
    tcp.close();
  });
  const viaHttp = new WebSocketMultiplayerPeer();
  const viaTcp = new WebSocketMultiplayerPeer();
  t.teardown(() => [viaHttp, viaTcp].forEach((p) => p.close()));
  t.equal(viaHttp.createClient(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/some/room`), ErrorCode.OK);
  t.equal(viaTcp.createClient(`ws://127.0.0.1:${(tcp.address() as AddressInfo).port}`), ErrorCode.OK);
  const joined: number[] = [];
  peer.peerConnected.connect((id) => joined.push(id));
  const all = [peer, viaHttp, viaTcp];
  await pollUntil(
    all,
    () =>
      joined.length === 2 &&
      viaHttp.getConnectionStatus() === ConnectionStatus.CONNECTED &&
      viaTcp.getConnectionStatus() === ConnectionStatus.CONNECTED,
  );
  t.same(paths, ['/some/room']);
  t.same(joined.sort(), [viaHttp.getUniqueId(), viaTcp.getUniqueId()].sort());

  peer.setTargetPeer(0);
  t.equal(peer.putPacket(Uint8Array.of(1, 2, 3)), ErrorCode.OK);
  await pollUntil(all, () => viaHttp.getAvailablePacketCount() === 1 && viaTcp.getAvailablePacketCount() === 1);
  t.same([...(viaHttp.getPacket() as Uint8Array)], [1, 2, 3]);

  // refuseNewConnections drops handed-over streams too.
  peer.refuseNewConnections = true;
  const late = new WebSocketMultiplayerPeer();
  t.teardown(() => late.close());
  late.createClient(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/x`);
  await pollUntil([peer, late], () => late.getConnectionStatus() === ConnectionStatus.DISCONNECTED);
  t.equal(joined.length, 2, 'the refused client never joined');
});
