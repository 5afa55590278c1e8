/**
 * StreamPeerTLS on loopback with a self-signed certificate: client and server handshakes over
 * StreamPeerTCP, certificate checks on by default, hostname mismatch as its own status, garbage and a
 * stalled handshake ending in ERROR, bytes read before the handshake kept, and WebSocketPeer.acceptStream
 * over a StreamPeerTLS (Godot's wss server pattern).
 */
import t, { type Test } from 'tap';
import net from 'node:net';
import { ErrorCode, ManualClock, StreamPeerBuffer, TLSOptions, isPacket } from '../../../core/index.js';
import { StreamPeerTCP, StreamPeerTLS, TCPServer, TCPStatus, TLSStatus } from '../../../plugins/net/index.js';
import { State, WebSocketPeer, generateSelfSigned } from '../../../plugins/websocket/index.js';
import { pollUntil, settle } from '../../helpers/websocket-poll.js';

const WAIT = 20_000;
const { key, certificate } = await generateSelfSigned('localhost');
const serverOptions = TLSOptions.server(key, certificate);

async function tcpPair(t: Test, server?: TCPServer): Promise<{ client: StreamPeerTCP; accepted: StreamPeerTCP; server: TCPServer }> {
  const s = server ?? new TCPServer();
  if (server === undefined) {
    t.equal(await s.listen(0, '127.0.0.1'), ErrorCode.OK);
    t.teardown(() => s.stop());
  }
  const client = new StreamPeerTCP();
  client.connectToHost('127.0.0.1', s.getLocalPort());
  await pollUntil([client], () => client.getStatus() === TCPStatus.CONNECTED && s.isConnectionAvailable(), WAIT);
  const accepted = s.takeConnection()!;
  t.teardown(() => (client.disconnectFromHost(), accepted.disconnectFromHost()));
  return { client, accepted, server: s };
}

/** Runs both handshakes until neither is HANDSHAKING. */
async function handshake(
  t: Test,
  clientOptions: TLSOptions | null,
  commonName = 'localhost',
): Promise<{ client: StreamPeerTLS; server: StreamPeerTLS }> {
  const { client: tcpClient, accepted } = await tcpPair(t);
  const client = new StreamPeerTLS();
  const server = new StreamPeerTLS();
  t.teardown(() => (client.disconnectFromStream(), server.disconnectFromStream()));
  t.equal(server.acceptStream(accepted, serverOptions), ErrorCode.OK);
  t.equal(client.connectToStream(tcpClient, commonName, clientOptions), ErrorCode.OK);
  t.equal(client.getStatus(), TLSStatus.HANDSHAKING);
  t.equal(client.getStream(), tcpClient);
  await pollUntil(
    [client, server],
    () => client.getStatus() !== TLSStatus.HANDSHAKING && server.getStatus() !== TLSStatus.HANDSHAKING,
    WAIT,
  );
  return { client, server };
}

t.test('Status has Godot numbers', (t) => {
  t.same(TLSStatus, { DISCONNECTED: 0, HANDSHAKING: 1, CONNECTED: 2, ERROR: 3, ERROR_HOSTNAME_MISMATCH: 4 });
  t.equal(new StreamPeerTLS().getStatus(), TLSStatus.DISCONNECTED);
  t.end();
});

t.test('a client trusting the certificate connects; data crosses both ways', async (t) => {
  const { client, server } = await handshake(t, TLSOptions.client(certificate));
  t.equal(client.getStatus(), TLSStatus.CONNECTED);
  t.equal(server.getStatus(), TLSStatus.CONNECTED);
  t.equal((client.getStream() as StreamPeerTCP).getStatus(), TCPStatus.NONE, 'the TCP stream handed its socket over');
  t.equal(client.putVar([1, 'two', 3.5]), ErrorCode.OK);
  t.equal(client.putUtf8String('secret'), ErrorCode.OK);
  const sent = new StreamPeerBuffer();
  sent.putVar([1, 'two', 3.5]);
  sent.putUtf8String('secret');
  await pollUntil([server], () => server.getAvailableBytes() === sent.getSize(), WAIT);
  t.same(server.getVar(), [1, 'two', 3.5]);
  t.equal(server.getUtf8String(), 'secret');
  server.putU32(0xfeedface);
  await pollUntil([client], () => client.getAvailableBytes() === 4, WAIT);
  t.equal(client.getU32(), 0xfeedface);

  server.disconnectFromStream();
  t.equal(server.getStatus(), TLSStatus.DISCONNECTED);
  await pollUntil([client], () => client.getStatus() === TLSStatus.DISCONNECTED, WAIT);
});

t.test('certificate checks are on by default: an untrusted certificate is ERROR', async (t) => {
  const { client, server } = await handshake(t, null);
  t.equal(client.getStatus(), TLSStatus.ERROR);
  await pollUntil([server], () => server.getStatus() !== TLSStatus.CONNECTED, WAIT);
  t.not(server.getStatus(), TLSStatus.CONNECTED);
  t.equal(client.putData(new Uint8Array([1])), ErrorCode.FAILED);
});

t.test('a certificate for another name is ERROR_HOSTNAME_MISMATCH; clientUnsafe skips every check', async (t) => {
  const mismatch = await handshake(t, TLSOptions.client(certificate), 'example.com');
  t.equal(mismatch.client.getStatus(), TLSStatus.ERROR_HOSTNAME_MISMATCH);
  const override = await handshake(t, TLSOptions.client(certificate, 'localhost'), 'example.com');
  t.equal(override.client.getStatus(), TLSStatus.CONNECTED, 'the common name override wins');
  const unsafe = await handshake(t, TLSOptions.clientUnsafe(), 'example.com');
  t.equal(unsafe.client.getStatus(), TLSStatus.CONNECTED);
});

t.test('a peer sending garbage instead of a ClientHello ends the server in ERROR', async (t) => {
  const tcp = new TCPServer();
  t.equal(await tcp.listen(0, '127.0.0.1'), ErrorCode.OK);
  t.teardown(() => tcp.stop());
  const raw = net.connect(tcp.getLocalPort(), '127.0.0.1').on('error', () => undefined);
  t.teardown(() => raw.destroy());
  raw.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  await pollUntil([], () => tcp.isConnectionAvailable(), WAIT);
  const server = new StreamPeerTLS();
  t.equal(server.acceptStream(tcp.takeConnection()!, serverOptions), ErrorCode.OK);
  await pollUntil([server], () => server.getStatus() !== TLSStatus.HANDSHAKING, WAIT);
  t.equal(server.getStatus(), TLSStatus.ERROR);
});

t.test('a peer that stalls mid-handshake ends in ERROR after the timeout (manual clock)', async (t) => {
  const tcp = new TCPServer();
  t.equal(await tcp.listen(0, '127.0.0.1'), ErrorCode.OK);
  t.teardown(() => tcp.stop());
  const raw = net.connect(tcp.getLocalPort(), '127.0.0.1').on('error', () => undefined);
  t.teardown(() => raw.destroy());
  raw.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01])); // the start of a ClientHello, then nothing
  await pollUntil([], () => tcp.isConnectionAvailable(), WAIT);
  const clock = new ManualClock();
  const server = new StreamPeerTLS({ clock, handshakeTimeoutMs: 3000 });
  t.equal(server.acceptStream(tcp.takeConnection()!, serverOptions), ErrorCode.OK);
  await settle();
  server.poll();
  t.equal(server.getStatus(), TLSStatus.HANDSHAKING, 'still waiting for the rest');
  clock.advance(3001);
  server.poll();
  t.equal(server.getStatus(), TLSStatus.ERROR);
});

t.test('bytes the StreamPeerTCP read before acceptStream still reach the handshake', async (t) => {
  const { client: tcpClient, accepted } = await tcpPair(t);
  const client = new StreamPeerTLS();
  t.teardown(() => client.disconnectFromStream());
  t.equal(client.connectToStream(tcpClient, 'localhost', TLSOptions.client(certificate)), ErrorCode.OK);
  await pollUntil([accepted, client], () => accepted.getAvailableBytes() > 0, WAIT); // the ClientHello, read
  const server = new StreamPeerTLS();
  t.teardown(() => server.disconnectFromStream());
  t.equal(server.acceptStream(accepted, serverOptions), ErrorCode.OK);
  await pollUntil([client, server], () => client.getStatus() === TLSStatus.CONNECTED && server.getStatus() === TLSStatus.CONNECTED, WAIT);
  client.putU8(42);
  await pollUntil([server], () => server.getAvailableBytes() === 1, WAIT);
  t.equal(server.getU8(), 42);
});

t.test('connectToStream on a StreamPeerTCP still CONNECTING: the handshake follows the connect', async (t) => {
  const tcp = new TCPServer();
  t.equal(await tcp.listen(0, '127.0.0.1'), ErrorCode.OK);
  t.teardown(() => tcp.stop());
  const base = new StreamPeerTCP();
  base.connectToHost('127.0.0.1', tcp.getLocalPort());
  t.equal(base.getStatus(), TCPStatus.CONNECTING);
  const client = new StreamPeerTLS();
  t.teardown(() => client.disconnectFromStream());
  t.equal(client.connectToStream(base, 'localhost', TLSOptions.client(certificate)), ErrorCode.OK);
  await pollUntil([client], () => tcp.isConnectionAvailable(), WAIT);
  const server = new StreamPeerTLS();
  t.teardown(() => server.disconnectFromStream());
  t.equal(server.acceptStream(tcp.takeConnection()!, serverOptions), ErrorCode.OK);
  await pollUntil([client, server], () => client.getStatus() === TLSStatus.CONNECTED && server.getStatus() === TLSStatus.CONNECTED, WAIT);
  t.pass('both ends connected');
});

t.test('bad arguments are error codes', async (t) => {
  const tls = new StreamPeerTLS();
  t.equal(
    tls.connectToStream(new StreamPeerTCP(), 'localhost', serverOptions),
    ErrorCode.ERR_INVALID_PARAMETER,
    'server options on a client',
  );
  t.equal(tls.acceptStream(new StreamPeerTCP(), TLSOptions.client()), ErrorCode.ERR_INVALID_PARAMETER, 'client options on a server');
  t.equal(tls.connectToStream(new StreamPeerTCP(), 'localhost'), ErrorCode.ERR_INVALID_PARAMETER, 'an unconnected stream');
  t.equal(tls.acceptStream(new StreamPeerTCP(), serverOptions), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(tls.connectToStream(new StreamPeerTCP(), ''), ErrorCode.ERR_INVALID_PARAMETER, 'no name to verify');
  t.equal(tls.getStatus(), TLSStatus.DISCONNECTED);
  tls.poll();
  t.same(tls.getData(1), [ErrorCode.FAILED, new Uint8Array(0)]);
});

t.test('WebSocketPeer.acceptStream(StreamPeerTLS): a wss server built from TCPServer', async (t) => {
  const tcp = new TCPServer();
  t.equal(await tcp.listen(0, '127.0.0.1'), ErrorCode.OK);
  t.teardown(() => tcp.stop());
  const client = new WebSocketPeer();
  t.teardown(() => client.close(-1));
  t.equal(client.connectToUrl(`wss://localhost:${tcp.getLocalPort()}`, TLSOptions.client(certificate)), ErrorCode.OK);
  await pollUntil([client], () => tcp.isConnectionAvailable(), WAIT);
  const tls = new StreamPeerTLS();
  t.equal(tls.acceptStream(tcp.takeConnection()!, serverOptions), ErrorCode.OK);
  await pollUntil([client, tls], () => tls.getStatus() === TLSStatus.CONNECTED, WAIT);
  const peer = new WebSocketPeer();
  t.teardown(() => peer.close(-1));
  t.equal(peer.acceptStream(tls), ErrorCode.OK);
  t.equal(tls.getStatus(), TLSStatus.DISCONNECTED, 'the TLS stream handed its socket over');
  await pollUntil([client, peer], () => client.getReadyState() === State.OPEN && peer.getReadyState() === State.OPEN, WAIT);
  client.sendText('over tls');
  await pollUntil([client, peer], () => peer.getAvailablePacketCount() === 1, WAIT);
  const packet = peer.getPacket();
  t.ok(isPacket(packet) && new TextDecoder().decode(packet) === 'over tls');
});
