/**
 * StreamPeerTCP and TCPServer against real sockets on loopback: Godot's statuses and numbers, polled
 * visibility, typed values and put_var across the wire, the remote's FIN, refusal, the connect
 * timeout on a manual clock, bounded buffers in both directions, and the pending-connection cap.
 */
import t, { type Test } from 'tap';
import net from 'node:net';
import { ErrorCode, ManualClock, StreamPeerBuffer, Vector2 } from '../../../core/index.js';
import { MAX_PENDING_CONNECTIONS, StreamPeerTCP, TCPServer, TCPStatus } from '../../../plugins/net/index.js';
import { pollUntil, settle } from '../../helpers/websocket-poll.js';

const WAIT = 20_000;

async function listening(t: Test, server = new TCPServer()): Promise<TCPServer> {
  t.equal(await server.listen(0, '127.0.0.1'), ErrorCode.OK);
  t.teardown(() => server.stop());
  return server;
}

/** A connected pair: `client` (connectToHost) and `accepted` (takeConnection). */
async function pair(t: Test, server: TCPServer, client = new StreamPeerTCP()): Promise<{ client: StreamPeerTCP; accepted: StreamPeerTCP }> {
  t.equal(client.connectToHost('127.0.0.1', server.getLocalPort()), ErrorCode.OK);
  t.teardown(() => client.disconnectFromHost());
  await pollUntil([client], () => client.getStatus() === TCPStatus.CONNECTED && server.isConnectionAvailable(), WAIT);
  const accepted = server.takeConnection()!;
  t.teardown(() => accepted.disconnectFromHost());
  return { client, accepted };
}

t.test('Status has Godot numbers; a fresh peer is NONE and refuses I/O', (t) => {
  t.same(TCPStatus, { NONE: 0, CONNECTING: 1, CONNECTED: 2, ERROR: 3 });
  const peer = new StreamPeerTCP();
  t.equal(peer.getStatus(), TCPStatus.NONE);
  t.equal(peer.poll(), ErrorCode.OK);
  t.equal(peer.putData(new Uint8Array([1])), ErrorCode.FAILED);
  t.same(peer.getData(1), [ErrorCode.FAILED, new Uint8Array(0)]);
  t.equal(peer.getAvailableBytes(), 0);
  t.equal(peer.getLocalPort(), 0);
  t.equal(peer.connectToHost('127.0.0.1', 0), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(peer.connectToHost('', 80), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(peer.bind(70000), ErrorCode.ERR_INVALID_PARAMETER);
  t.throws(() => peer.setNoDelay(true), { code: ErrorCode.ERR_UNCONFIGURED });
  t.end();
});

t.test('connect, take, and exchange typed values; data shows only after poll()', async (t) => {
  const server = await listening(t);
  t.ok(server.isListening());
  t.not(server.getLocalPort(), 0);
  const client = new StreamPeerTCP();
  t.equal(client.connectToHost('127.0.0.1', server.getLocalPort()), ErrorCode.OK);
  t.equal(client.getStatus(), TCPStatus.CONNECTING);
  t.equal(client.connectToHost('127.0.0.1', server.getLocalPort()), ErrorCode.ERR_ALREADY_IN_USE);
  t.teardown(() => client.disconnectFromHost());
  await pollUntil([client], () => client.getStatus() === TCPStatus.CONNECTED && server.isConnectionAvailable(), WAIT);
  const accepted = server.takeConnection()!;
  t.teardown(() => accepted.disconnectFromHost());
  t.equal(accepted.getStatus(), TCPStatus.CONNECTED);
  t.equal(accepted.getConnectedHost(), '127.0.0.1');
  t.equal(accepted.getConnectedPort(), client.getLocalPort());
  t.equal(client.getConnectedPort(), server.getLocalPort());
  t.equal(client.getConnectedHost(), '127.0.0.1');
  client.setNoDelay(true);

  client.bigEndian = true;
  accepted.bigEndian = true;
  t.equal(client.putU16(0xbeef), ErrorCode.OK);
  t.equal(client.put64(-(5n ** 20n)), ErrorCode.OK);
  t.equal(client.putUtf8String('héllo'), ErrorCode.OK);
  t.equal(
    client.putVar(
      new Map<string, unknown>([
        ['pos', new Vector2(1, 2)],
        ['hp', 100],
      ]) as never,
    ),
    ErrorCode.OK,
  );
  await settle();
  t.equal(accepted.getAvailableBytes(), 0, 'nothing is visible before poll()');
  const expected = new StreamPeerBuffer();
  expected.bigEndian = true;
  expected.putU16(0xbeef);
  expected.put64(-(5n ** 20n));
  expected.putUtf8String('héllo');
  expected.putVar(
    new Map<string, unknown>([
      ['pos', new Vector2(1, 2)],
      ['hp', 100],
    ]) as never,
  );
  await pollUntil([accepted], () => accepted.getAvailableBytes() === expected.getSize(), WAIT);
  t.equal(accepted.getU16(), 0xbeef);
  t.equal(accepted.get64(), -(5 ** 20), 'a safe 64-bit value reads back as a number');
  t.equal(accepted.getUtf8String(), 'héllo');
  const value = accepted.getVar() as Map<string, unknown>;
  t.ok((value.get('pos') as Vector2).equals(new Vector2(1, 2)));
  t.equal(value.get('hp'), 100);

  // The other way, in pieces: a read never takes part of what it asks for.
  t.equal(accepted.putData(new Uint8Array([1, 2, 3])), ErrorCode.OK);
  await pollUntil([client], () => client.getAvailableBytes() === 3, WAIT);
  t.same(client.getData(4), [ErrorCode.ERR_BUSY, new Uint8Array(0)]);
  t.equal(client.getAvailableBytes(), 3);
  t.same(accepted.putPartialData(new Uint8Array([4])), [ErrorCode.OK, 1]);
  await pollUntil([client], () => client.getAvailableBytes() === 4, WAIT);
  t.same(client.getData(4), [ErrorCode.OK, new Uint8Array([1, 2, 3, 4])]);
  t.same(client.getPartialData(10), [ErrorCode.OK, new Uint8Array(0)]);
});

t.test('the remote closing ends in NONE once its last bytes were read', async (t) => {
  const server = await listening(t);
  const { client, accepted } = await pair(t, server);
  accepted.putData(new Uint8Array([7, 8]));
  accepted.disconnectFromHost();
  t.equal(accepted.getStatus(), TCPStatus.NONE);
  await pollUntil([client], () => client.getAvailableBytes() === 2, WAIT);
  await settle();
  client.poll();
  t.equal(client.getStatus(), TCPStatus.CONNECTED, 'unread data keeps it connected');
  t.same(client.getData(2), [ErrorCode.OK, new Uint8Array([7, 8])]);
  await pollUntil([client], () => client.getStatus() === TCPStatus.NONE, WAIT);
  t.equal(client.getConnectedPort(), 0);
});

t.test('a refused connection ends in ERROR with ERR_CONNECTION_ERROR', async (t) => {
  const probe = net.createServer();
  const port = await new Promise<number>((resolve) =>
    probe.listen(0, '127.0.0.1', () => resolve((probe.address() as net.AddressInfo).port)),
  );
  await new Promise((resolve) => probe.close(resolve));
  const client = new StreamPeerTCP();
  client.connectToHost('127.0.0.1', port);
  const results: ErrorCode[] = [];
  await pollUntil([{ poll: () => results.push(client.poll()) }], () => client.getStatus() === TCPStatus.ERROR, WAIT);
  t.same(
    results.filter((r) => r !== ErrorCode.OK),
    [ErrorCode.ERR_CONNECTION_ERROR],
    'the failing poll says so, once',
  );
  t.equal(client.putData(new Uint8Array([1])), ErrorCode.FAILED);
});

t.test('a connection still CONNECTING after the timeout becomes ERROR (manual clock)', async (t) => {
  const server = await listening(t);
  const clock = new ManualClock();
  const client = new StreamPeerTCP({ clock, connectTimeoutMs: 5000 });
  client.connectToHost('127.0.0.1', server.getLocalPort());
  // No event loop turn has passed: the connect has not been seen, and time jumps past the limit.
  clock.advance(5001);
  t.equal(client.poll(), ErrorCode.ERR_CONNECTION_ERROR);
  t.equal(client.getStatus(), TCPStatus.ERROR);
  t.equal(client.connectToHost('127.0.0.1', server.getLocalPort()), ErrorCode.ERR_ALREADY_IN_USE, 'ERROR must be cleared first');
  client.disconnectFromHost();
  t.equal(client.getStatus(), TCPStatus.NONE);
});

t.test('listen: errors are codes; stop() closes what nobody took; the pending cap holds', async (t) => {
  const server = await listening(t);
  t.equal(await server.listen(0, '127.0.0.1'), ErrorCode.ERR_ALREADY_IN_USE);
  const other = new TCPServer();
  t.equal(await other.listen(server.getLocalPort(), '127.0.0.1'), ErrorCode.ERR_ALREADY_IN_USE, 'port in use');
  t.equal(await other.listen(-1), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(await other.listen(0, 'not an address'), ErrorCode.ERR_INVALID_PARAMETER);
  t.notOk(other.isListening());
  t.equal(other.takeConnection(), null);

  const sockets = Array.from({ length: MAX_PENDING_CONNECTIONS + 2 }, () =>
    net.connect(server.getLocalPort(), '127.0.0.1').on('error', () => undefined),
  );
  t.teardown(() => sockets.forEach((s) => s.destroy()));
  let closed = 0;
  for (const s of sockets) s.once('close', () => closed++);
  await pollUntil([], () => closed === 2, WAIT);
  await settle();
  let taken = 0;
  while (server.takeConnection() !== null) taken++;
  t.equal(taken, MAX_PENDING_CONNECTIONS, `${MAX_PENDING_CONNECTIONS} waited, the rest were closed`);
  server.stop();
  t.notOk(server.isListening());
  t.equal(server.getLocalPort(), 0);
});

t.test('bounded buffers: reading pauses at the inbound size, putData refuses past the outbound size', async (t) => {
  const server = await listening(t, new TCPServer({ inboundBufferSize: 4096 }));
  const { client, accepted } = await pair(t, server, new StreamPeerTCP({ outboundBufferSize: 1024 }));

  // The client writes far more than the kernel takes while the server does not read at all.
  const big = new Uint8Array(8 * 1024 * 1024).fill(0xab);
  t.equal(client.putData(big), ErrorCode.OK, 'the first write is accepted whole');
  await settle();
  t.equal(client.putData(new Uint8Array(1)), ErrorCode.ERR_BUSY, 'then the outbound buffer is over its size');
  t.same(client.putPartialData(new Uint8Array(10)), [ErrorCode.OK, 0]);

  let received = 0;
  let maxVisible = 0;
  await pollUntil(
    [accepted],
    () => {
      maxVisible = Math.max(maxVisible, accepted.getAvailableBytes());
      for (let n = -1; n !== 0; received += n) n = accepted.getPartialData(4096)[1].length;
      return received === big.length;
    },
    120_000,
  );
  t.equal(received, big.length, 'every byte arrived once the server read');
  t.ok(maxVisible <= 4096 + 65536, `unread bytes stayed bounded (max ${maxVisible})`);
  t.same(accepted.getData(4097), [ErrorCode.ERR_INVALID_PARAMETER, new Uint8Array(0)], 'a read larger than the buffer can never succeed');
});

t.test('bind() picks the local address and port of the next connection', async (t) => {
  const server = await listening(t);
  const client = new StreamPeerTCP();
  t.equal(client.bind(0, '127.0.0.1'), ErrorCode.OK);
  t.equal(client.bind(0, 'nope'), ErrorCode.ERR_INVALID_PARAMETER);
  const { accepted } = await pair(t, server, client);
  t.equal(accepted.getConnectedHost(), '127.0.0.1');
  t.equal(accepted.getConnectedPort(), client.getLocalPort());
  t.equal(client.bind(0), ErrorCode.ERR_ALREADY_IN_USE);
});
