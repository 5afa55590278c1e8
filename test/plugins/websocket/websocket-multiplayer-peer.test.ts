import { connect, type Socket } from 'node:net';
import t, { type Test } from 'tap';
import { WebSocket as RawWebSocket, WebSocketServer } from 'ws';
import {
  ConnectionStatus,
  ErrorCode,
  ManualClock,
  MemoryLogger,
  SeededRng,
  TLSOptions,
  TOKENS,
  TransferMode,
  createContainer,
  type PeerFactory,
} from '../../../core/index.js';
import { State, WebSocketMultiplayerPeer, webSocketModule } from '../../../plugins/websocket/index.js';
import { pollUntil, settle } from '../../helpers/websocket-poll.js';

async function server(t: Test, peer = new WebSocketMultiplayerPeer()): Promise<WebSocketMultiplayerPeer> {
  t.teardown(() => peer.close());
  t.equal(await peer.createServer(0, '127.0.0.1'), ErrorCode.OK);
  return peer;
}

function client(t: Test, srv: WebSocketMultiplayerPeer, peer = new WebSocketMultiplayerPeer()): WebSocketMultiplayerPeer {
  t.teardown(() => peer.close());
  t.equal(peer.createClient(`ws://127.0.0.1:${srv.getLocalPort()}`), ErrorCode.OK);
  return peer;
}

async function rawServer(t: Test): Promise<{ wss: WebSocketServer; url: string }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  t.teardown(() => {
    for (const c of wss.clients) c.terminate();
    wss.close();
  });
  await new Promise((r) => wss.once('listening', r));
  return { wss, url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}` };
}

const connected =
  (...peers: WebSocketMultiplayerPeer[]) =>
  () =>
    peers.every((p) => p.getConnectionStatus() === ConnectionStatus.CONNECTED);

t.test('createServer: port 0 binds a free port; bad arguments return codes', async (t) => {
  const srv = await server(t);
  t.ok(srv.getLocalPort() > 0);
  t.equal(srv.getUniqueId(), 1);
  t.equal(await srv.createServer(0), ErrorCode.ERR_ALREADY_IN_USE);
  t.equal(srv.createClient('ws://127.0.0.1:1'), ErrorCode.ERR_ALREADY_IN_USE);
  const other = new WebSocketMultiplayerPeer();
  t.teardown(() => other.close());
  t.equal(await other.createServer(70000), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(await other.createServer(0, '*', TLSOptions.client()), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(await other.createServer(srv.getLocalPort(), '127.0.0.1'), ErrorCode.ERR_CANT_CREATE, 'port in use');
  t.equal(other.getConnectionStatus(), ConnectionStatus.DISCONNECTED);
  t.equal(other.createClient(''), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(other.createClient('ftp://x'), ErrorCode.ERR_INVALID_PARAMETER);
});

t.test('createServer: close() while binding cancels it', async (t) => {
  const peer = new WebSocketMultiplayerPeer();
  const pending = peer.createServer(0, '127.0.0.1');
  t.equal(peer.createClient('ws://127.0.0.1:1'), ErrorCode.ERR_ALREADY_IN_USE, 'busy while binding');
  peer.close();
  t.equal(await pending, ErrorCode.ERR_CANT_CREATE);
  t.equal(peer.getConnectionStatus(), ConnectionStatus.DISCONNECTED);
  t.equal(peer.getLocalPort(), 0);
});

t.test('id handshake: the server sends the id first, as 4 little-endian bytes (docs/wire/multiplayer.md §8.3)', async (t) => {
  const seed = 42;
  const expected = new SeededRng(seed).nextUint32() & 0x7fffffff;
  const srv = await server(t, new WebSocketMultiplayerPeer({ rng: new SeededRng(seed) }));
  const raw = new RawWebSocket(`ws://127.0.0.1:${srv.getLocalPort()}`);
  t.teardown(() => raw.terminate());
  const first = new Promise<[Buffer, boolean]>((resolve) => raw.once('message', (d: Buffer, bin: boolean) => resolve([d, bin])));
  const ids: number[] = [];
  srv.peerConnected.connect((id) => ids.push(id));
  await pollUntil([srv], () => ids.length === 1);
  t.same(ids, [expected], 'the id comes from the injected Rng');
  const [data, binary] = await first;
  t.ok(binary, 'a binary message');
  t.equal(data.length, 4);
  t.equal(data.readInt32LE(0), expected);
  raw.send(Buffer.from([9, 8, 7]));
  await pollUntil([srv], () => srv.getAvailablePacketCount() === 1);
  t.equal(srv.getPacketPeer(), expected);
  t.equal(srv.getPacketMode(), TransferMode.RELIABLE);
  t.equal(srv.getPacketChannel(), 0);
  t.same([...(srv.getPacket() as Uint8Array)], [9, 8, 7]);
  t.equal(srv.getPeerAddress(expected), '127.0.0.1');
  t.ok(srv.getPeerPort(expected) > 0);
  t.equal(srv.getPeer(expected)?.getReadyState(), State.OPEN);
  t.equal(srv.getPeer(12345), null);
  t.equal(srv.getPeerAddress(12345), '');
});

t.test('createClient: CONNECTING until the id arrives; the spec vector 87 d6 12 00 is id 1234567', async (t) => {
  const { wss, url } = await rawServer(t);
  let sock: RawWebSocket | null = null;
  wss.on('connection', (ws) => (sock = ws));
  const peer = new WebSocketMultiplayerPeer();
  t.teardown(() => peer.close());
  const seen: number[] = [];
  peer.peerConnected.connect((id) => seen.push(id));
  t.equal(peer.createClient(url), ErrorCode.OK);
  await pollUntil([peer], () => sock !== null && peer.getPeer(1)?.getReadyState() === State.OPEN);
  peer.poll();
  t.equal(peer.getConnectionStatus(), ConnectionStatus.CONNECTING, 'open but no id yet');
  sock!.send(Buffer.from([0x87, 0xd6, 0x12, 0x00]));
  sock!.send(Buffer.from('after'));
  await pollUntil([peer], () => peer.getConnectionStatus() === ConnectionStatus.CONNECTED && peer.getAvailablePacketCount() === 1);
  t.equal(peer.getUniqueId(), 1234567);
  t.same(seen, [1]);
  t.equal(peer.getPacketPeer(), 1);
  t.equal(Buffer.from(peer.getPacket() as Uint8Array).toString(), 'after');
  t.equal(peer.putPacket(new Uint8Array([1])), ErrorCode.OK);
});

for (const [name, bytes] of [
  ['3 bytes', [1, 0, 0]],
  ['5 bytes', [5, 0, 0, 0, 0]],
  ['id 1', [1, 0, 0, 0]],
  ['id 0', [0, 0, 0, 0]],
  ['a negative id', [0xff, 0xff, 0xff, 0xff]],
] as const) {
  t.test(`createClient: an id message of ${name} closes the connection (never CONNECTED)`, async (t) => {
    const { wss, url } = await rawServer(t);
    wss.on('connection', (ws) => ws.send(Buffer.from(bytes)));
    const logger = new MemoryLogger();
    const peer = new WebSocketMultiplayerPeer({ logger });
    t.teardown(() => peer.close());
    let signals = 0;
    peer.peerConnected.connect(() => signals++);
    peer.peerDisconnected.connect(() => signals++);
    t.equal(peer.createClient(url), ErrorCode.OK);
    await pollUntil([peer], () => peer.getConnectionStatus() === ConnectionStatus.DISCONNECTED);
    t.equal(signals, 0, 'no signal: SceneMultiplayer reports connection_failed');
    t.ok(logger.records.some((r) => r.message.includes('Invalid ID')));
  });
}

t.test('handshakeTimeout: a client that never gets an id gives up after 3 s of injected time', async (t) => {
  const { url } = await rawServer(t);
  const clock = new ManualClock();
  const peer = new WebSocketMultiplayerPeer({ clock });
  t.teardown(() => peer.close());
  t.equal(peer.handshakeTimeout, 3);
  peer.createClient(url);
  await pollUntil([peer], () => peer.getPeer(1)?.getReadyState() === State.OPEN);
  clock.advance(3000);
  peer.poll();
  t.equal(peer.getConnectionStatus(), ConnectionStatus.CONNECTING, 'not yet at exactly 3 s');
  clock.advance(1);
  peer.poll();
  t.equal(peer.getConnectionStatus(), ConnectionStatus.DISCONNECTED);
  t.throws(() => (peer.handshakeTimeout = 0));
});

t.test('handshakeTimeout: the server drops a TCP client that never sends a handshake', async (t) => {
  const clock = new ManualClock();
  const srv = await server(t, new WebSocketMultiplayerPeer({ clock }));
  srv.handshakeTimeout = 0.5;
  const sock: Socket = connect(srv.getLocalPort(), '127.0.0.1');
  t.teardown(() => sock.destroy());
  const closed = new Promise<void>((resolve) => sock.once('close', () => resolve()));
  sock.on('error', () => undefined);
  await new Promise((r) => sock.once('connect', r));
  await settle();
  srv.poll();
  clock.advance(501);
  srv.poll();
  await closed;
  t.pass('the server closed the silent socket');
});

t.test('putPacket: server targets one client, broadcasts, excludes; clients relay through 1', async (t) => {
  const srv = await server(t);
  const a = client(t, srv);
  const b = client(t, srv);
  await pollUntil([srv, a, b], connected(a, b));
  await pollUntil([srv], () => srv.getPeer(a.getUniqueId()) !== null && srv.getPeer(b.getUniqueId()) !== null);
  const drain = (p: WebSocketMultiplayerPeer, out: string[]) => {
    for (let d = p.getPacket(); typeof d !== 'number'; d = p.getPacket()) out.push(Buffer.from(d).toString());
  };
  const gotA: string[] = [];
  const gotB: string[] = [];
  srv.setTargetPeer(a.getUniqueId());
  t.equal(srv.putPacket(Buffer.from('to-a')), ErrorCode.OK);
  srv.setTargetPeer(0);
  t.equal(srv.putPacket(Buffer.from('all')), ErrorCode.OK);
  srv.setTargetPeer(-a.getUniqueId());
  t.equal(srv.putPacket(Buffer.from('not-a')), ErrorCode.OK);
  srv.setTargetPeer(999);
  t.equal(srv.putPacket(Buffer.from('nobody')), ErrorCode.ERR_INVALID_PARAMETER);
  await pollUntil([srv, a, b], () => {
    drain(a, gotA);
    drain(b, gotB);
    return gotA.length === 2 && gotB.length === 2;
  });
  t.same(gotA, ['to-a', 'all']);
  t.same(gotB, ['all', 'not-a']);
  a.setTargetPeer(b.getUniqueId()); // a client always sends to the server
  t.equal(a.putPacket(Buffer.from('from-a')), ErrorCode.OK);
  await pollUntil([srv, a], () => srv.getAvailablePacketCount() === 1);
  t.equal(srv.getPacketPeer(), a.getUniqueId());
  t.ok(srv.isServerRelaySupported() && a.isServerRelaySupported());
  t.equal(srv.getMaxPacketSize(), 65535 - 9);
});

t.test('disconnectPeer: graceful by default (signals in poll); force forgets at once', async (t) => {
  const srv = await server(t);
  const a = client(t, srv);
  const b = client(t, srv);
  await pollUntil([srv, a, b], connected(a, b));
  await pollUntil([srv], () => srv.getPeer(a.getUniqueId()) !== null && srv.getPeer(b.getUniqueId()) !== null);
  const gone: number[] = [];
  srv.peerDisconnected.connect((id) => gone.push(id));
  const aLeft: number[] = [];
  a.peerDisconnected.connect((id) => aLeft.push(id));
  srv.disconnectPeer(a.getUniqueId());
  t.same(gone, [], 'graceful: reported by a later poll');
  await pollUntil([srv, a], () => gone.length === 1 && aLeft.length === 1);
  t.same(aLeft, [1]);
  t.equal(a.getConnectionStatus(), ConnectionStatus.DISCONNECTED);
  t.equal(a.getPeer(1), null);
  const bId = b.getUniqueId();
  srv.disconnectPeer(bId, true);
  t.equal(srv.getPeer(bId), null, 'forced: gone at once');
  await pollUntil([srv, b], () => b.getConnectionStatus() === ConnectionStatus.DISCONNECTED);
  t.same(gone, [a.getUniqueId() || gone[0]], 'no signal for a forced disconnect');
  srv.disconnectPeer(4242); // unknown: logged, not thrown (Godot prints an error)
});

t.test('supportedProtocols and handshakeHeaders are copied to every connection', async (t) => {
  const srv = new WebSocketMultiplayerPeer();
  srv.supportedProtocols = ['game'];
  srv.handshakeHeaders = ['X-Server: 1'];
  await server(t, srv);
  const good = new WebSocketMultiplayerPeer();
  good.supportedProtocols = ['game'];
  t.same(good.supportedProtocols, ['game']);
  client(t, srv, good);
  const bad = new WebSocketMultiplayerPeer();
  bad.supportedProtocols = ['other'];
  client(t, srv, bad);
  await pollUntil(
    [srv, good, bad],
    () => good.getConnectionStatus() === ConnectionStatus.CONNECTED && bad.getConnectionStatus() === ConnectionStatus.DISCONNECTED,
  );
  t.equal(good.getPeer(1)?.getSelectedProtocol(), 'game');
  t.same(srv.handshakeHeaders, ['X-Server: 1']);
});

t.test('inboundBufferSize / outboundBufferSize / maxQueuedPackets: defaults and propagation', async (t) => {
  const srv = new WebSocketMultiplayerPeer();
  t.equal(srv.inboundBufferSize, 65535);
  t.equal(srv.outboundBufferSize, 65535);
  t.equal(srv.maxQueuedPackets, 2048);
  srv.inboundBufferSize = 64;
  await server(t, srv);
  const c = new WebSocketMultiplayerPeer();
  c.outboundBufferSize = 1000;
  client(t, srv, c);
  await pollUntil([srv, c], connected(c));
  const cId = c.getUniqueId();
  t.equal(c.getPeer(1)?.outboundBufferSize, 1000);
  t.equal(c.getMaxPacketSize(), 991);
  const ids: number[] = [];
  srv.peerDisconnected.connect((id) => ids.push(id));
  t.equal(c.putPacket(new Uint8Array(65)), ErrorCode.OK);
  await pollUntil([srv, c], () => ids.length === 1, 5000);
  t.equal(ids[0], cId, 'a message over the server inbound size drops that client');
});

t.test('webSocketModule: binds the peer class and a "ws" PeerFactory', async (t) => {
  const container = createContainer(webSocketModule);
  const peer = container.get(WebSocketMultiplayerPeer);
  t.teardown(() => peer.close());
  t.equal(peer.getConnectionStatus(), ConnectionStatus.DISCONNECTED);
  const factories = container.getAll<PeerFactory>(TOKENS.PeerFactory);
  const ws = factories.find((f) => f.name === 'ws');
  t.ok(ws);
  const made = ws!.create();
  t.ok(made instanceof WebSocketMultiplayerPeer);
  made.close();
});

t.test('webSocketModule: unbindAll() closes the peers the container made', async (t) => {
  const container = createContainer(webSocketModule);
  const peer = container.get(WebSocketMultiplayerPeer);
  t.equal(await peer.createServer(0, '127.0.0.1'), ErrorCode.OK);
  const made = container
    .getAll<PeerFactory>(TOKENS.PeerFactory)
    .find((f) => f.name === 'ws')!
    .create() as WebSocketMultiplayerPeer;
  t.equal(await made.createServer(0, '127.0.0.1'), ErrorCode.OK);
  await container.unbindAll();
  t.equal(peer.getConnectionStatus(), ConnectionStatus.DISCONNECTED);
  t.equal(made.getConnectionStatus(), ConnectionStatus.DISCONNECTED);
});

t.test('createClient: any first message either yields its id (4 bytes, LE, ≥ 2) or a clean failure, never a throw', async (t) => {
  const fc = await import('fast-check');
  const { wss, url } = await rawServer(t);
  let first: Uint8Array = new Uint8Array(0);
  wss.on('connection', (ws) => ws.send(first));
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.uint8Array({ maxLength: 9 }),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map((id) => {
          const b = new Uint8Array(4);
          new DataView(b.buffer).setInt32(0, id, true);
          return b;
        }),
      ),
      async (bytes) => {
        first = bytes;
        const peer = new WebSocketMultiplayerPeer();
        try {
          t.equal(peer.createClient(url), ErrorCode.OK);
          await pollUntil([peer], () => peer.getConnectionStatus() !== ConnectionStatus.CONNECTING);
          const id = bytes.length === 4 ? new DataView(bytes.buffer, bytes.byteOffset).getInt32(0, true) : 0;
          return id >= 2 ? peer.getUniqueId() === id : peer.getConnectionStatus() === ConnectionStatus.DISCONNECTED;
        } finally {
          peer.close();
        }
      },
    ),
    { numRuns: 25 },
  );
});

t.test('server: random bytes from a TCP client never throw, and never disturb a connected peer', async (t) => {
  const fc = await import('fast-check');
  const srv = await server(t);
  const good = client(t, srv);
  await pollUntil([srv, good], connected(good));
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.boolean(), async (bytes, asHttp) => {
      const sock = connect(srv.getLocalPort(), '127.0.0.1');
      sock.on('error', () => undefined);
      const closed = new Promise<void>((resolve) => sock.once('close', () => resolve()));
      try {
        await new Promise((r) => sock.once('connect', r));
        if (asHttp)
          sock.write(
            'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
          );
        sock.write(bytes);
        await settle(3);
        srv.poll();
        good.poll();
        t.equal(good.putPacket(new Uint8Array([7])), ErrorCode.OK);
        await pollUntil([srv, good], () => srv.getAvailablePacketCount() > 0);
        return srv.getPacketPeer() === good.getUniqueId() && (srv.getPacket() as Uint8Array)[0] === 7;
      } finally {
        sock.destroy();
        await closed;
      }
    }),
    { numRuns: 15 },
  );
  await pollUntil([srv], () => srv.getPeer(good.getUniqueId()) !== null);
  t.equal(good.getConnectionStatus(), ConnectionStatus.CONNECTED);
});
