import { createServer, type Server, type Socket } from 'node:net';
import t, { type Test } from 'tap';
import { WebSocket as RawWebSocket, WebSocketServer } from 'ws';
import { ErrorCode, ManualClock, MemoryLogger, MultiplayerError, TLSOptions } from '../../../core/index.js';
import { State, WebSocketPeer, WriteMode } from '../../../plugins/websocket/index.js';
import { pollUntil, settle } from '../../helpers/websocket-poll.js';

const text = (b: Uint8Array | number): string => (typeof b === 'number' ? `<error ${b}>` : Buffer.from(b).toString('utf8'));

/** A TCP server that hands each socket to a fresh server-side WebSocketPeer (configured by `setup`). */
async function acceptServer(
  t: Test,
  setup: (p: WebSocketPeer) => void = () => undefined,
): Promise<{ url: string; peers: WebSocketPeer[] }> {
  const peers: WebSocketPeer[] = [];
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    const peer = new WebSocketPeer();
    setup(peer);
    peers.push(peer);
    peer.acceptStream(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const p of peers) p.close(-1);
    for (const s of sockets) s.destroy();
    server.close();
  });
  const port = (server.address() as { port: number }).port;
  return { url: `ws://127.0.0.1:${port}/path?q=1`, peers };
}

async function openPair(t: Test, setupServer?: (p: WebSocketPeer) => void, client = new WebSocketPeer()) {
  const { url, peers } = await acceptServer(t, setupServer);
  t.teardown(() => client.close(-1));
  t.equal(client.connectToUrl(url), ErrorCode.OK);
  t.equal(client.getReadyState(), State.CONNECTING);
  await pollUntil(
    [client, { poll: () => peers.forEach((p) => p.poll()) }],
    () => client.getReadyState() === State.OPEN && peers[0]?.getReadyState() === State.OPEN,
  );
  return { client, server: peers[0]!, url };
}

t.test('connectToUrl: rejects bad arguments with Godot codes, without throwing', (t) => {
  const peer = new WebSocketPeer();
  t.equal(peer.connectToUrl(''), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(peer.connectToUrl('http://127.0.0.1:1'), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(peer.connectToUrl('ws://[bad'), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(peer.getReadyState(), State.CLOSED);
  t.equal(peer.getPacket(), ErrorCode.FAILED, 'getPacket when not open is FAILED (Godot)');
  t.equal(peer.putPacket(new Uint8Array(1)), ErrorCode.FAILED);
  t.equal(peer.getAvailablePacketCount(), 0);
  t.equal(peer.getCloseCode(), -1);
  t.end();
});

t.test('connectToUrl: server TLS options are ERR_INVALID_PARAMETER; a second call is ERR_ALREADY_IN_USE', async (t) => {
  const { url } = await acceptServer(t);
  const peer = new WebSocketPeer();
  t.teardown(() => peer.close(-1));
  const fakePem = '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n';
  const serverOptions = TLSOptions.server('-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n', fakePem);
  t.equal(peer.connectToUrl(url, serverOptions), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(peer.connectToUrl(url), ErrorCode.OK);
  t.equal(peer.connectToUrl(url), ErrorCode.ERR_ALREADY_IN_USE);
  t.equal(peer.getRequestedUrl(), url);
});

t.test('poll: handshake, binary and text messages both ways, only visible after poll()', async (t) => {
  const { client, server, url } = await openPair(t);
  t.equal(client.getRequestedUrl(), url);
  t.equal(client.getConnectedHost(), '127.0.0.1');
  t.ok(client.getConnectedPort() > 0);
  t.equal(server.getConnectedHost(), '127.0.0.1');
  t.equal(server.getConnectedPort() > 0, true);
  t.equal(client.send(new Uint8Array([0, 1, 2, 255])), ErrorCode.OK);
  t.equal(client.sendText('héllo'), ErrorCode.OK);
  t.equal(client.send(new TextEncoder().encode('as text'), WriteMode.TEXT), ErrorCode.OK);
  t.equal(client.putPacket(new Uint8Array(0)), ErrorCode.OK, 'an empty message is allowed');
  await settle();
  t.equal(server.getAvailablePacketCount(), 0, 'nothing is visible before poll()');
  await pollUntil([server], () => server.getAvailablePacketCount() === 4);
  t.same([...(server.getPacket() as Uint8Array)], [0, 1, 2, 255]);
  t.equal(server.wasStringPacket(), false);
  t.equal(text(server.getPacket()), 'héllo');
  t.equal(server.wasStringPacket(), true);
  t.equal(text(server.getPacket()), 'as text');
  t.equal(server.wasStringPacket(), true);
  t.equal((server.getPacket() as Uint8Array).byteLength, 0);
  t.equal(server.getPacket(), ErrorCode.ERR_UNAVAILABLE);
  server.sendText('back');
  await pollUntil([client], () => client.getAvailablePacketCount() === 1);
  t.equal(text(client.getPacket()), 'back');
});

t.test('close: clean close carries code and reason to both sides', async (t) => {
  const { client, server } = await openPair(t);
  client.close(4001, 'bye now');
  t.equal(client.getReadyState(), State.CLOSING);
  await pollUntil([client, server], () => client.getReadyState() === State.CLOSED && server.getReadyState() === State.CLOSED);
  t.equal(server.getCloseCode(), 4001);
  t.equal(server.getCloseReason(), 'bye now');
  t.equal(client.getCloseCode(), 4001, 'the echoed code');
  t.equal(client.getAvailablePacketCount(), 0);
});

t.test('close: a negative code drops at once; the remote sees an unclean close (-1)', async (t) => {
  const { client, server } = await openPair(t);
  client.close(-1);
  t.equal(client.getReadyState(), State.CLOSED);
  t.equal(client.getCloseCode(), -1);
  await pollUntil([server], () => server.getReadyState() === State.CLOSED);
  t.equal(server.getCloseCode(), -1);
});

t.test('close: a reason over 123 bytes or an unsendable code throws ERR_INVALID_PARAMETER', async (t) => {
  const { client } = await openPair(t);
  for (const [code, reason] of [
    [1000, 'x'.repeat(124)],
    [1005, ''],
    [1006, ''],
    [999, ''],
    [5000, ''],
  ] as const) {
    const err = t.throws(() => client.close(code, reason)) as unknown;
    t.ok(MultiplayerError.is(err) && err.code === ErrorCode.ERR_INVALID_PARAMETER, `close(${code}, ${reason.length} bytes)`);
  }
  t.equal(client.getReadyState(), State.OPEN);
  client.close(1000, 'é'.repeat(61)); // 122 bytes
  t.equal(client.getReadyState(), State.CLOSING);
});

t.test('close: data that arrives with the close is still readable for one poll', async (t) => {
  const { client, server } = await openPair(t);
  server.sendText('last words');
  server.close(1000, 'done');
  await settle();
  await pollUntil([client], () => client.getAvailablePacketCount() === 1 || client.getReadyState() === State.CLOSED);
  t.equal(text(client.getPacket()), 'last words');
  await pollUntil([client, server], () => client.getReadyState() === State.CLOSED);
  t.equal(client.getCloseCode(), 1000);
  t.equal(client.getCloseReason(), 'done');
});

t.test('close(-1): messages sent earlier in the same tick still leave (sends are batched per tick)', async (t) => {
  const { client, server } = await openPair(t);
  for (let i = 0; i < 3; i++) t.equal(server.putPacket(new Uint8Array([i])), ErrorCode.OK);
  server.close(-1);
  const got: number[] = [];
  await pollUntil([client], () => {
    for (let p = client.getPacket(); typeof p !== 'number'; p = client.getPacket()) got.push(p[0]!);
    return client.getReadyState() === State.CLOSED;
  });
  t.same(got, [0, 1, 2]);
  t.equal(client.getCloseCode(), -1, 'not a clean close');
});

/** Messages of every framing the batch writes (7- and 16-bit lengths, text), and some past the batch (> 8 KiB, ws frames those). */
const FRAMING_SIZES = [0, 1, 125, 126, 127, 4093, 8192, 8193, 20_000, 65_535, 65_536, 70_000, 3];

t.test(
  'send: one tick of messages of every size and kind arrives whole and in order, both ways; the sender may reuse its bytes at once',
  async (t) => {
    const big = new WebSocketPeer();
    big.inboundBufferSize = 1 << 20;
    const { client, server } = await openPair(
      t,
      (p) => {
        p.inboundBufferSize = 1 << 20;
      },
      big,
    );
    for (const [from, to] of [
      [client, server],
      [server, client],
    ] as const) {
      from.outboundBufferSize = 1 << 20;
      const scratch = new Uint8Array(70_000);
      const expected: string[] = [];
      for (const [i, size] of FRAMING_SIZES.entries()) {
        for (let k = 0; k < size; k++) scratch[k] = (k * 7 + i) & 0xff;
        t.equal(from.putPacket(scratch.subarray(0, size)), ErrorCode.OK);
        expected.push(`${size}:${Buffer.from(scratch.subarray(0, size)).toString('base64')}`);
        scratch.fill(0xee); // reused before the tick ends: what was sent is what was passed
        if (i === 4) {
          t.equal(from.sendText('héllo'), ErrorCode.OK);
          expected.push('text:héllo');
        }
      }
      const got: string[] = [];
      await pollUntil([client, server], () => {
        for (let p = to.getPacket(); typeof p !== 'number'; p = to.getPacket()) {
          got.push(to.wasStringPacket() ? `text:${text(p)}` : `${p.byteLength}:${Buffer.from(p).toString('base64')}`);
        }
        return got.length === expected.length;
      });
      t.same(got, expected, from === client ? 'client → server (masked frames)' : 'server → client');
    }
  },
);

t.test('send: a raw ws client reads the server batch as separate messages; a batch past 16 KiB is written early, in order', async (t) => {
  const { url, peers } = await acceptServer(t);
  const raw = new RawWebSocket(url);
  const got: number[] = [];
  raw.on('message', (data: Buffer) => got.push(data.length === 0 ? -1 : data[0]!));
  t.teardown(() => raw.terminate());
  await new Promise((r) => raw.once('open', r));
  await pollUntil([{ poll: () => peers.forEach((p) => p.poll()) }], () => peers[0]?.getReadyState() === State.OPEN);
  const server = peers[0]!;
  for (let i = 0; i < 300; i++) t.equal(server.putPacket(new Uint8Array(100).fill(i & 0xff)), ErrorCode.OK); // ~30 KB
  await pollUntil([server], () => got.length === 300);
  t.same(
    got,
    Array.from({ length: 300 }, (_, i) => i & 0xff),
  );
});

t.test('inboundBufferSize: a larger message closes with 1009 "Message too big", logged once', async (t) => {
  const logger = new MemoryLogger();
  const client = new WebSocketPeer({ logger });
  client.inboundBufferSize = 100;
  const { server } = await openPair(t, undefined, client);
  t.equal(server.putPacket(new Uint8Array(100)), ErrorCode.OK, 'exactly the limit is fine');
  await pollUntil([client], () => client.getAvailablePacketCount() === 1);
  t.equal((client.getPacket() as Uint8Array).byteLength, 100);
  t.equal(server.putPacket(new Uint8Array(101)), ErrorCode.OK);
  await pollUntil([client, server], () => client.getReadyState() === State.CLOSED);
  t.equal(client.getCloseCode(), 1009);
  t.equal(client.getCloseReason(), 'Message too big');
  t.equal(logger.at(2).length, 1, 'one warning for the socket');
  await pollUntil([server], () => server.getReadyState() === State.CLOSED);
});

t.test('maxQueuedPackets: unread packets stop reading (back-pressure) and nothing is lost', async (t) => {
  const client = new WebSocketPeer();
  client.maxQueuedPackets = 4;
  const { server } = await openPair(t, undefined, client);
  for (let i = 0; i < 20; i++) t.equal(server.putPacket(new Uint8Array([i])), ErrorCode.OK);
  await settle();
  client.poll();
  client.poll();
  t.equal(client.getAvailablePacketCount(), 4, 'never more than maxQueuedPackets');
  const got: number[] = [];
  await pollUntil([client], () => {
    t.ok(client.getAvailablePacketCount() <= 4);
    for (let p = client.getPacket(); typeof p !== 'number'; p = client.getPacket()) got.push(p[0]!);
    return got.length === 20;
  });
  t.same(got, [...Array(20).keys()], 'all 20, in order');
  t.equal(client.getReadyState(), State.OPEN);
});

t.test('inboundBufferSize: unread bytes over the buffer also stop reading', async (t) => {
  const client = new WebSocketPeer();
  client.inboundBufferSize = 1000;
  const { server } = await openPair(t, undefined, client);
  for (let i = 0; i < 5; i++) server.putPacket(new Uint8Array(400).fill(i));
  await settle();
  client.poll();
  t.equal(client.getAvailablePacketCount(), 2, '2 × 400 bytes fit in 1000, a third does not');
  const got: number[] = [];
  await pollUntil([client], () => {
    for (let p = client.getPacket(); typeof p !== 'number'; p = client.getPacket()) got.push(p[0]!);
    return got.length === 5;
  });
  t.same(got, [0, 1, 2, 3, 4]);
});

t.test('send: past outboundBufferSize or maxQueuedPackets is ERR_OUT_OF_MEMORY and loses nothing queued', async (t) => {
  const { client, server } = await openPair(t);
  client.outboundBufferSize = 1000;
  client.maxQueuedPackets = 3;
  t.equal(client.putPacket(new Uint8Array(1001)), ErrorCode.ERR_OUT_OF_MEMORY, 'one message over the buffer');
  t.equal(client.putPacket(new Uint8Array([1])), ErrorCode.OK);
  t.equal(client.putPacket(new Uint8Array([2])), ErrorCode.OK);
  t.equal(client.putPacket(new Uint8Array([3])), ErrorCode.OK);
  t.equal(client.putPacket(new Uint8Array([4])), ErrorCode.ERR_OUT_OF_MEMORY, 'a 4th unsent packet is refused');
  const got: number[] = [];
  await pollUntil([server, client], () => {
    for (let p = server.getPacket(); typeof p !== 'number'; p = server.getPacket()) got.push(p[0]!);
    return got.length === 3;
  });
  t.same(got, [1, 2, 3]);
  t.equal(client.putPacket(new Uint8Array([5])), ErrorCode.OK, 'room again once flushed');
  t.equal(client.getCurrentOutboundBufferedAmount() >= 0, true);
});

t.test('supportedProtocols and handshakeHeaders: negotiated and sent both ways', async (t) => {
  const raw = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: (p) => (p.has('b') ? 'b' : false) });
  t.teardown(() => raw.close());
  await new Promise((r) => raw.once('listening', r));
  const seen = new Promise<Record<string, unknown>>((resolve) => raw.once('connection', (_ws, req) => resolve(req.headers)));
  const client = new WebSocketPeer();
  t.teardown(() => client.close(-1));
  client.supportedProtocols = ['a', ' b '];
  t.same(client.supportedProtocols, ['a', 'b'], 'edges stripped, as Godot');
  client.handshakeHeaders = ['X-Game: scenenet', 'X-Other:  two '];
  client.connectToUrl(`ws://127.0.0.1:${(raw.address() as { port: number }).port}`);
  await pollUntil([client], () => client.getReadyState() === State.OPEN);
  t.equal(client.getSelectedProtocol(), 'b');
  const headers = await seen;
  t.equal(headers['x-game'], 'scenenet');
  t.equal(headers['x-other'], 'two');
  t.throws(() => (client.handshakeHeaders = ['no colon']));

  const { url } = await acceptServer(t, (p) => {
    p.supportedProtocols = ['chat'];
    p.handshakeHeaders = ['X-Server: yes'];
  });
  const rawClient = new RawWebSocket(url, ['x', 'chat']);
  t.teardown(() => rawClient.terminate());
  const res = await new Promise<{ headers: Record<string, unknown> }>((resolve) => rawClient.once('upgrade', resolve));
  t.equal(res.headers['x-server'], 'yes');
  t.equal(res.headers['sec-websocket-protocol'], 'chat');
});

t.test('acceptStream: a client offering no supported sub-protocol is refused', async (t) => {
  const { url, peers } = await acceptServer(t, (p) => (p.supportedProtocols = ['chat']));
  const client = new WebSocketPeer();
  t.teardown(() => client.close(-1));
  client.supportedProtocols = ['other'];
  client.connectToUrl(url);
  await pollUntil([client, { poll: () => peers.forEach((p) => p.poll()) }], () => client.getReadyState() === State.CLOSED);
  t.equal(client.getCloseCode(), -1);
  t.equal(peers[0]?.getReadyState() === State.OPEN, false);
});

t.test('acceptStream: null is ERR_INVALID_PARAMETER', (t) => {
  const peer = new WebSocketPeer();
  t.equal(peer.acceptStream(null), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(peer.acceptStream({}), ErrorCode.ERR_INVALID_PARAMETER);
  t.end();
});

t.test('heartbeatInterval: pings on the injected clock; no pong by the next ping closes', async (t) => {
  const clock = new ManualClock();
  const raw = new WebSocketServer({ port: 0, host: '127.0.0.1', autoPong: false });
  t.teardown(() => raw.close());
  await new Promise((r) => raw.once('listening', r));
  const pings: number[] = [];
  raw.on('connection', (ws) => ws.on('ping', () => pings.push(clock.nowMs())));
  const logger = new MemoryLogger();
  const client = new WebSocketPeer({ clock, logger });
  t.teardown(() => client.close(-1));
  client.heartbeatInterval = 1;
  client.connectToUrl(`ws://127.0.0.1:${(raw.address() as { port: number }).port}`);
  await pollUntil([client], () => client.getReadyState() === State.OPEN);
  clock.advance(1001);
  client.poll();
  await pollUntil([client], () => pings.length === 1);
  t.equal(client.getReadyState(), State.OPEN);
  clock.advance(1001);
  client.poll();
  t.equal(client.getReadyState(), State.CLOSED, 'no pong came back');
  t.equal(logger.at(2).length, 1, 'logged once');
});

t.test('heartbeatInterval: answered pings keep the connection open', async (t) => {
  const clock = new ManualClock();
  const client = new WebSocketPeer({ clock });
  client.heartbeatInterval = 0.5;
  const { server } = await openPair(t, undefined, client);
  for (let i = 0; i < 3; i++) {
    clock.advance(501);
    client.poll();
    await settle(5);
    await pollUntil([client, server], () => true);
  }
  await settle();
  client.poll();
  t.equal(client.getReadyState(), State.OPEN);
  t.throws(() => (client.heartbeatInterval = -1));
});

t.test('setNoDelay: works when connected, throws ERR_UNCONFIGURED otherwise', async (t) => {
  const peer = new WebSocketPeer();
  t.throws(() => peer.setNoDelay(true));
  const { client } = await openPair(t);
  client.setNoDelay(false);
  client.setNoDelay(true);
  t.equal(client.getReadyState(), State.OPEN);
});

t.test("properties: defaults are Godot's and invalid values throw", (t) => {
  const peer = new WebSocketPeer();
  t.equal(peer.inboundBufferSize, 65535);
  t.equal(peer.outboundBufferSize, 65535);
  t.equal(peer.maxQueuedPackets, 4096);
  t.equal(peer.heartbeatInterval, 0);
  t.same(peer.supportedProtocols, []);
  t.same(peer.handshakeHeaders, []);
  t.throws(() => (peer.inboundBufferSize = 0));
  t.throws(() => (peer.maxQueuedPackets = 1.5));
  t.end();
});
