/**
 * WebSocketPeer.acceptStream takes the streams Godot's does: a StreamPeerTCP from
 * TCPServer.takeConnection() (also one that already received the handshake bytes), and rejects what
 * cannot hand a socket over. The StreamPeerTLS form is in tls.test.ts.
 */
import t, { type Test } from 'tap';
import { ErrorCode, StreamPeerBuffer, isPacket } from '../../../core/index.js';
import { StreamPeerTCP, TCPServer, TCPStatus } from '../../../plugins/net/index.js';
import { State, WebSocketPeer } from '../../../plugins/websocket/index.js';
import { pollUntil } from '../../helpers/websocket-poll.js';

const WAIT = 20_000;

async function serverAndClient(t: Test): Promise<{ server: TCPServer; client: WebSocketPeer }> {
  const server = new TCPServer();
  t.equal(await server.listen(0, '127.0.0.1'), ErrorCode.OK);
  t.teardown(() => server.stop());
  const client = new WebSocketPeer();
  t.equal(client.connectToUrl(`ws://127.0.0.1:${server.getLocalPort()}`), ErrorCode.OK);
  t.teardown(() => client.close(-1));
  return { server, client };
}

async function echo(t: Test, peer: WebSocketPeer, client: WebSocketPeer): Promise<void> {
  await pollUntil([peer, client], () => peer.getReadyState() === State.OPEN && client.getReadyState() === State.OPEN, WAIT);
  t.equal(client.sendText('hello'), ErrorCode.OK);
  await pollUntil([peer, client], () => peer.getAvailablePacketCount() === 1, WAIT);
  const packet = peer.getPacket();
  t.ok(isPacket(packet) && new TextDecoder().decode(packet) === 'hello');
  t.equal(peer.putPacket(new Uint8Array([1, 2, 3])), ErrorCode.OK);
  await pollUntil([peer, client], () => client.getAvailablePacketCount() === 1, WAIT);
  t.same(client.getPacket(), new Uint8Array([1, 2, 3]));
  t.equal(peer.getConnectedHost(), '127.0.0.1');
}

t.test('acceptStream(StreamPeerTCP) runs the handshake on the taken connection', async (t) => {
  const { server, client } = await serverAndClient(t);
  await pollUntil([client], () => server.isConnectionAvailable(), WAIT);
  const conn = server.takeConnection()!;
  const peer = new WebSocketPeer();
  t.teardown(() => peer.close(-1));
  t.equal(peer.acceptStream(conn), ErrorCode.OK);
  t.equal(conn.getStatus(), TCPStatus.NONE, 'the StreamPeerTCP handed its socket over');
  t.equal(conn.putData(new Uint8Array([1])), ErrorCode.FAILED);
  await echo(t, peer, client);
});

t.test('bytes the StreamPeerTCP already received are not lost', async (t) => {
  const { server, client } = await serverAndClient(t);
  await pollUntil([client], () => server.isConnectionAvailable(), WAIT);
  const conn = server.takeConnection()!;
  await pollUntil([conn, client], () => conn.getAvailableBytes() > 0, WAIT);
  const peer = new WebSocketPeer();
  t.teardown(() => peer.close(-1));
  t.equal(peer.acceptStream(conn), ErrorCode.OK, 'the buffered handshake request goes with the socket');
  await echo(t, peer, client);
});

t.test('streams that cannot be accepted give ERR_INVALID_PARAMETER', (t) => {
  const peer = new WebSocketPeer();
  t.equal(peer.acceptStream(new StreamPeerTCP()), ErrorCode.ERR_INVALID_PARAMETER, 'not connected');
  t.equal(peer.acceptStream(new StreamPeerBuffer()), ErrorCode.ERR_INVALID_PARAMETER, 'no socket behind it');
  t.equal(peer.acceptStream({}), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(peer.acceptStream(null), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(peer.getReadyState(), State.CLOSED);
  t.end();
});
