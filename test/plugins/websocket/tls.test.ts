import { X509Certificate } from 'node:crypto';
import t, { type Test } from 'tap';
import { ConnectionStatus, ErrorCode, MemoryLogger, MultiplayerError, TLSOptions } from '../../../core/index.js';
import { Crypto, State, WebSocketMultiplayerPeer, WebSocketPeer, generateSelfSigned } from '../../../plugins/websocket/index.js';
import { pollUntil } from '../../helpers/websocket-poll.js';

// One RSA key and certificate for the whole file (key generation is the slow part).
const { key, certificate } = await generateSelfSigned('localhost');

async function wssServer(t: Test): Promise<WebSocketMultiplayerPeer> {
  const server = new WebSocketMultiplayerPeer();
  t.teardown(() => server.close());
  t.equal(await server.createServer(0, '127.0.0.1', TLSOptions.server(key, certificate)), ErrorCode.OK);
  return server;
}

async function join(t: Test, server: WebSocketMultiplayerPeer, url: string, tls: TLSOptions | null) {
  const logger = new MemoryLogger();
  const client = new WebSocketMultiplayerPeer({ logger });
  t.teardown(() => client.close());
  t.equal(client.createClient(url, tls), ErrorCode.OK);
  await pollUntil([server, client], () => client.getConnectionStatus() !== ConnectionStatus.CONNECTING);
  return { client, logger };
}

const url = (s: WebSocketMultiplayerPeer, host = '127.0.0.1') => `wss://${host}:${s.getLocalPort()}/`;

t.test('wss: a self-signed certificate trusted explicitly (TLSOptions.client(cert)) connects', async (t) => {
  const server = await wssServer(t);
  const { client } = await join(t, server, url(server), TLSOptions.client(certificate));
  t.equal(client.getConnectionStatus(), ConnectionStatus.CONNECTED);
  t.equal(client.putPacket(new Uint8Array([1, 2, 3])), ErrorCode.OK);
  await pollUntil([server, client], () => server.getAvailablePacketCount() === 1);
  t.same([...(server.getPacket() as Uint8Array)], [1, 2, 3]);
  t.equal(client.getPeer(1)?.getRequestedUrl(), url(server));
});

t.test('wss: the same certificate without trust is rejected: DISCONNECTED, reason logged', async (t) => {
  const server = await wssServer(t);
  const { client, logger } = await join(t, server, url(server), null);
  t.equal(client.getConnectionStatus(), ConnectionStatus.DISCONNECTED);
  t.ok(
    logger.records.some((r) => /self[- ]signed certificate/i.test(r.message)),
    'the log names the certificate problem',
  );
  t.equal(server.getAvailablePacketCount(), 0);
});

t.test('wss: TLSOptions.clientUnsafe() accepts the untrusted certificate', async (t) => {
  const server = await wssServer(t);
  const { client } = await join(t, server, url(server), TLSOptions.clientUnsafe());
  t.equal(client.getConnectionStatus(), ConnectionStatus.CONNECTED);
});

t.test('wss: a wrong common name is rejected, even with the certificate trusted', async (t) => {
  const server = await wssServer(t);
  const { client, logger } = await join(t, server, url(server), TLSOptions.client(certificate, 'wrong.example'));
  t.equal(client.getConnectionStatus(), ConnectionStatus.DISCONNECTED);
  t.ok(
    logger.records.some((r) => r.message.includes('wrong.example')),
    'the log names the expected host',
  );
});

t.test('wss: commonNameOverride accepts a certificate issued for another name', async (t) => {
  const other = await generateSelfSigned('game.example', { altNames: ['game.example'] });
  const server = new WebSocketMultiplayerPeer();
  t.teardown(() => server.close());
  t.equal(await server.createServer(0, '127.0.0.1', TLSOptions.server(other.key, other.certificate)), ErrorCode.OK);
  const { client } = await join(t, server, url(server), TLSOptions.client(other.certificate, 'game.example'));
  t.equal(client.getConnectionStatus(), ConnectionStatus.CONNECTED);
  const { client: plain } = await join(t, server, url(server), TLSOptions.client(other.certificate));
  t.equal(plain.getConnectionStatus(), ConnectionStatus.DISCONNECTED, 'without the override, 127.0.0.1 does not match');
});

t.test('WebSocketPeer: wss over a raw TLS stream handed to acceptStream', async (t) => {
  const { createServer } = await import('node:tls');
  const accepted: WebSocketPeer[] = [];
  const tlsServer = createServer({ key, cert: certificate }, (socket) => {
    const peer = new WebSocketPeer();
    accepted.push(peer);
    peer.acceptStream(socket);
  });
  await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
  const client = new WebSocketPeer();
  t.teardown(() => {
    client.close(-1);
    for (const p of accepted) p.close(-1);
    tlsServer.close();
  });
  client.connectToUrl(`wss://localhost:${(tlsServer.address() as { port: number }).port}`, TLSOptions.client(certificate));
  const all = { poll: () => accepted.forEach((p) => p.poll()) };
  await pollUntil([client, all], () => client.getReadyState() === State.OPEN && accepted[0]?.getReadyState() === State.OPEN);
  accepted[0]!.sendText('secure');
  await pollUntil([client], () => client.getAvailablePacketCount() === 1);
  t.equal(Buffer.from(client.getPacket() as Uint8Array).toString(), 'secure');
});

t.test('createClient: server TLS options are ERR_INVALID_PARAMETER', (t) => {
  const peer = new WebSocketMultiplayerPeer();
  t.equal(peer.createClient('wss://127.0.0.1:1', TLSOptions.server(key, certificate)), ErrorCode.ERR_INVALID_PARAMETER);
  t.end();
});

t.test('TLSOptions: kinds, accessors, and PEM validation', (t) => {
  const c = TLSOptions.client(certificate, 'cn');
  t.notOk(c.isServer());
  t.notOk(c.isUnsafeClient());
  t.equal(c.getCommonNameOverride(), 'cn');
  t.equal(c.getTrustedCaChain(), certificate);
  t.equal(TLSOptions.client().getTrustedCaChain(), null);
  t.ok(TLSOptions.clientUnsafe().isUnsafeClient());
  const s = TLSOptions.server(key, certificate);
  t.ok(s.isServer());
  t.equal(s.getPrivateKey(), key);
  t.equal(s.getOwnCertificate(), certificate);
  for (const bad of [() => TLSOptions.client('not pem'), () => TLSOptions.server('nope', certificate), () => TLSOptions.server(key, key)]) {
    const err = t.throws(bad) as unknown;
    t.ok(MultiplayerError.is(err) && err.code === ErrorCode.ERR_INVALID_PARAMETER);
  }
  t.end();
});

t.test("Crypto: generateRsa + generateSelfSignedCertificate with Godot's issuer-name form", async (t) => {
  const crypto = new Crypto();
  const rsa = await crypto.generateRsa(2048);
  t.match(rsa, /-----BEGIN PRIVATE KEY-----/);
  const notBefore = new Date('2025-01-01T00:00:00Z');
  const notAfter = new Date('2035-01-01T00:00:00Z');
  const pem = await crypto.generateSelfSignedCertificate(rsa, 'CN=myserver,O=myorganisation,C=IT', notBefore, notAfter);
  const x509 = new X509Certificate(pem);
  t.match(x509.subject, /CN=myserver/);
  t.match(x509.subject, /O=myorganisation/);
  t.equal(x509.subject, x509.issuer, 'self-signed');
  t.equal(new Date(x509.validFrom).getUTCFullYear(), 2025);
  t.equal(new Date(x509.validTo).getUTCFullYear(), 2035);
  t.ok(x509.checkHost('myserver'));
  t.ok(x509.checkIP('127.0.0.1'));
});
