/**
 * PacketPeerUDP and UDPServer on loopback: bind, destinations, connected filtering, the bounded
 * receive queue, put_var bytes, broadcast and multicast on `lo`, UDPServer's pending connections, and
 * a lost-and-reordered exchange through a small UDP proxy written here.
 */
import t, { type Test } from 'tap';
import dgram from 'node:dgram';
import { ErrorCode, MemoryLogger, isPacket } from '../../../core/index.js';
import { PacketPeerUDP, UDPServer } from '../../../plugins/net/index.js';
import { VARIANT_VECTORS } from '../../fixtures/variant/vectors.js';
import { hex, unhex, variantEquals } from '../../helpers/variant.js';
import { pollUntil, settle } from '../../helpers/websocket-poll.js';

const WAIT = 20_000;
const noPoll: { poll(): void }[] = [];

async function bound(t: Test, address = '127.0.0.1', peer = new PacketPeerUDP()): Promise<PacketPeerUDP> {
  t.equal(await peer.bind(0, address), ErrorCode.OK);
  t.teardown(() => peer.close());
  return peer;
}

function text(packet: Uint8Array | ErrorCode): string {
  return isPacket(packet) ? new TextDecoder().decode(packet) : `<error ${packet}>`;
}

t.test('a fresh peer: codes for everything it cannot do yet', async (t) => {
  const peer = new PacketPeerUDP();
  t.notOk(peer.isBound());
  t.notOk(peer.isSocketConnected());
  t.equal(peer.getLocalPort(), 0);
  t.equal(peer.getPacket(), ErrorCode.ERR_UNAVAILABLE);
  t.equal(peer.getAvailablePacketCount(), 0);
  t.equal(peer.putPacket(new Uint8Array([1])), ErrorCode.ERR_UNCONFIGURED);
  t.equal(peer.setDestAddress('127.0.0.1', 0), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(peer.setDestAddress('no.such.name', 9), ErrorCode.ERR_CANT_RESOLVE);
  t.equal(peer.joinMulticastGroup('239.1.2.3', ''), ErrorCode.ERR_UNCONFIGURED);
  t.equal(await peer.bind(70000), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(await peer.bind(0, 'nowhere'), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(peer.getMaxPacketSize(), 512);
  peer.close();
});

t.test('bind, send to a destination, read the packet and its sender', async (t) => {
  const a = await bound(t);
  const b = await bound(t);
  t.ok(a.isBound());
  t.equal(await a.bind(0, '127.0.0.1'), ErrorCode.ERR_ALREADY_IN_USE);
  t.equal(await new PacketPeerUDP().bind(a.getLocalPort(), '127.0.0.1'), ErrorCode.ERR_UNAVAILABLE, 'port in use');
  t.equal(a.setDestAddress('127.0.0.1', b.getLocalPort()), ErrorCode.OK);
  t.equal(a.putPacket(new TextEncoder().encode('one')), ErrorCode.OK);
  t.equal(a.putPacket(new Uint8Array(0)), ErrorCode.OK, 'an empty datagram is a datagram');
  await pollUntil(noPoll, () => b.getAvailablePacketCount() === 2, WAIT);
  t.equal(text(b.getPacket()), 'one');
  t.equal(b.getPacketIp(), '127.0.0.1');
  t.equal(b.getPacketPort(), a.getLocalPort());
  t.same(b.getPacket(), new Uint8Array(0));
  t.equal(a.putPacket(new Uint8Array(65508)), ErrorCode.ERR_INVALID_PARAMETER, 'larger than a datagram');
});

t.test('putVar sends exactly the Variant bytes; getVar reads them', async (t) => {
  const a = await bound(t);
  const b = await bound(t);
  a.setDestAddress('127.0.0.1', b.getLocalPort());
  for (const v of VARIANT_VECTORS.slice(0, 12)) t.equal(a.putVar(v.value), ErrorCode.OK);
  await pollUntil(noPoll, () => b.getAvailablePacketCount() === 12, WAIT);
  for (const v of VARIANT_VECTORS.slice(0, 6)) t.equal(hex(b.getPacket() as Uint8Array), hex(unhex(v.hex)), `${v.id} on the wire`);
  for (const v of VARIANT_VECTORS.slice(6, 12)) t.ok(variantEquals(b.getVar(), v.decoded ?? v.value), `${v.id} decoded`);
  t.equal(b.getVar(), null, 'nothing left');
});

t.test('connectToHost: only the connected sender is heard; setDestAddress is refused', async (t) => {
  const a = await bound(t);
  const b = await bound(t);
  const stranger = await bound(t);
  t.equal(a.connectToHost('127.0.0.1', b.getLocalPort()), ErrorCode.OK);
  t.ok(a.isSocketConnected());
  t.equal(a.setDestAddress('127.0.0.1', stranger.getLocalPort()), ErrorCode.ERR_UNAVAILABLE);
  stranger.setDestAddress('127.0.0.1', a.getLocalPort());
  b.setDestAddress('localhost', a.getLocalPort());
  stranger.putPacket(new TextEncoder().encode('noise'));
  b.putPacket(new TextEncoder().encode('signal'));
  await pollUntil(noPoll, () => a.getAvailablePacketCount() === 1, WAIT);
  await settle();
  t.equal(a.getAvailablePacketCount(), 1);
  t.equal(text(a.getPacket()), 'signal');
  a.putPacket(new TextEncoder().encode('back'));
  await pollUntil(noPoll, () => b.getAvailablePacketCount() === 1, WAIT);
  t.equal(text(b.getPacket()), 'back');
});

t.test("the receive queue is bounded like Godot's ring buffer (65536 bytes, 24 per packet)", async (t) => {
  const log = new MemoryLogger();
  const receiver = new PacketPeerUDP({ logger: log });
  t.equal(await receiver.bind(0, '127.0.0.1', 1 << 20), ErrorCode.OK);
  t.teardown(() => receiver.close());
  const sender = await bound(t);
  sender.setDestAddress('127.0.0.1', receiver.getLocalPort());
  // Paced, so the kernel's own buffer never overflows: every drop is the queue's.
  for (let i = 0; i < 120; i++) {
    sender.putPacket(new Uint8Array(1000).fill(i));
    if (i % 8 === 7) await settle(1);
  }
  await pollUntil(noPoll, () => receiver.getAvailablePacketCount() === Math.floor(65536 / 1024), WAIT);
  await settle(50);
  t.equal(receiver.getAvailablePacketCount(), 64, 'the rest were dropped');
  t.equal(log.at(2).filter((r) => r.message.includes('dropping')).length, 1, 'logged once');
  t.same(receiver.getPacket(), new Uint8Array(1000).fill(0), 'the first ones were kept');
});

t.test("broadcast: refused until enabled (on lo's 127.255.255.255)", async (t) => {
  const log = new MemoryLogger();
  const receiver = await bound(t, '127.255.255.255');
  const sender = await bound(t, '127.0.0.1', new PacketPeerUDP({ logger: log }));
  sender.setDestAddress('127.255.255.255', receiver.getLocalPort());
  t.equal(sender.putPacket(new TextEncoder().encode('denied')), ErrorCode.OK, 'Node reports the refusal later');
  await pollUntil(noPoll, () => log.at(2).length === 1, WAIT);
  t.match(log.at(2)[0]!.message, /EACCES/);
  t.equal(receiver.getAvailablePacketCount(), 0);
  sender.setBroadcastEnabled(true);
  sender.putPacket(new TextEncoder().encode('allowed'));
  await pollUntil(noPoll, () => receiver.getAvailablePacketCount() === 1, WAIT);
  t.equal(text(receiver.getPacket()), 'allowed');
});

t.test('multicast: join and leave a group on the loopback interface', async (t) => {
  const group = '239.255.42.99';
  const receiver = await bound(t, group); // bound to the group address: nothing else reaches it
  t.equal(receiver.joinMulticastGroup('10.0.0.1', 'lo'), ErrorCode.ERR_INVALID_PARAMETER, 'not a multicast address');
  t.equal(receiver.joinMulticastGroup(group, 'no-such-interface'), ErrorCode.ERR_INVALID_PARAMETER);
  const joined = receiver.joinMulticastGroup(group, 'lo');
  // Linux lets a socket join on `lo` (checked on the machines we run on); a kernel that refuses says
  // FAILED, and then nothing below can be observed on loopback alone.
  t.equal(joined, ErrorCode.OK, 'joined on lo');
  const sender = dgram.createSocket('udp4');
  t.teardown(() => sender.close());
  await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', resolve));
  sender.setMulticastInterface('127.0.0.1'); // keep the datagrams on loopback
  sender.send('to the group', receiver.getLocalPort(), group);
  await pollUntil(noPoll, () => receiver.getAvailablePacketCount() === 1, WAIT);
  t.equal(text(receiver.getPacket()), 'to the group');
  t.equal(receiver.getPacketIp(), '127.0.0.1');
  t.equal(receiver.leaveMulticastGroup(group, 'lo'), ErrorCode.OK);
  sender.send('after leaving', receiver.getLocalPort(), group);
  await settle(50);
  t.equal(receiver.getAvailablePacketCount(), 0, 'nothing after leaving');
});

t.test('UDPServer: pending connections, takeConnection, maxPendingConnections, stop', async (t) => {
  const server = new UDPServer();
  t.equal(server.maxPendingConnections, 16);
  t.equal(server.poll(), ErrorCode.ERR_UNCONFIGURED);
  t.equal(await server.listen(0, '127.0.0.1'), ErrorCode.OK);
  t.teardown(() => server.stop());
  t.equal(await server.listen(0, '127.0.0.1'), ErrorCode.ERR_ALREADY_IN_USE);
  t.ok(server.isListening());
  server.maxPendingConnections = 2;
  t.throws(() => (server.maxPendingConnections = -1), { code: ErrorCode.ERR_INVALID_PARAMETER });
  const clients = [await bound(t), await bound(t), await bound(t)];
  for (const [i, c] of clients.entries()) {
    c.connectToHost('127.0.0.1', server.getLocalPort());
    c.putPacket(new TextEncoder().encode(`hello ${i}`));
  }
  await settle(20);
  t.equal(server.isConnectionAvailable(), false, 'nothing before poll()');
  await pollUntil([server], () => server.isConnectionAvailable(), WAIT);
  await settle(20);
  server.poll();
  const taken = [server.takeConnection(), server.takeConnection()];
  t.equal(server.takeConnection(), null, 'the third sender was over the limit');
  const peers = taken.filter((p): p is PacketPeerUDP => p !== null);
  t.equal(peers.length, 2);
  for (const peer of peers) {
    t.ok(peer.isSocketConnected());
    t.equal(peer.getLocalPort(), server.getLocalPort());
    const greeting = text(peer.getPacket());
    t.match(greeting, /^hello [0-2]$/);
    const client = clients.find((c) => c.getLocalPort() === peer.getPacketPort())!;
    t.equal(peer.putPacket(new TextEncoder().encode(`welcome ${greeting}`)), ErrorCode.OK);
    await pollUntil(noPoll, () => client.getAvailablePacketCount() === 1, WAIT);
    t.equal(text(client.getPacket()), `welcome ${greeting}`, 'the reply came from the server port');
    client.putPacket(new TextEncoder().encode('more'));
    await pollUntil([server], () => peer.getAvailablePacketCount() === 1, WAIT);
    t.equal(text(peer.getPacket()), 'more', 'later datagrams go to the taken peer');
  }
  server.stop();
  t.notOk(server.isListening());
  t.notOk(peers[0]!.isBound(), 'stop() closes the peers it handed out');
});

/**
 * A UDP proxy on loopback: forwards client → server datagrams by a script (`deliver` maps the n-th
 * datagram to 'drop', 'hold' (sent after the next one) or 'pass'), and server → client ones as they come.
 */
async function lossyProxy(t: Test, serverPort: number, deliver: (n: number) => 'drop' | 'hold' | 'pass'): Promise<number> {
  const socket = dgram.createSocket('udp4');
  t.teardown(() => socket.close());
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  let client: { port: number } | null = null;
  let held: Buffer | null = null;
  let n = 0;
  socket.on('message', (data, from) => {
    if (from.port === serverPort) {
      if (client !== null) socket.send(data, client.port, '127.0.0.1');
      return;
    }
    client = { port: from.port };
    const action = deliver(n++);
    if (action === 'drop') return;
    if (action === 'hold') {
      held = data;
      return;
    }
    socket.send(data, serverPort, '127.0.0.1');
    if (held !== null) socket.send(held, serverPort, '127.0.0.1');
    held = null;
  });
  return socket.address().port;
}

t.test('through a lossy, reordering proxy: datagrams arrive as the network delivered them', async (t) => {
  const server = new UDPServer();
  t.equal(await server.listen(0, '127.0.0.1'), ErrorCode.OK);
  t.teardown(() => server.stop());
  const script: Record<number, 'drop' | 'hold'> = { 2: 'drop', 3: 'hold', 5: 'drop', 7: 'hold' };
  const proxyPort = await lossyProxy(t, server.getLocalPort(), (n) => script[n] ?? 'pass');
  const client = await bound(t);
  t.equal(client.connectToHost('127.0.0.1', proxyPort), ErrorCode.OK);
  // One datagram at a time, each after the previous one reached the proxy's socket, so the order
  // the proxy sends in is the order the server sees on loopback.
  for (let i = 0; i < 10; i++) {
    client.putPacket(new Uint8Array([i]));
    await settle(2);
  }
  const expected = [0, 1, 4, 3, 6, 8, 7, 9];
  await pollUntil([server], () => server.isConnectionAvailable(), WAIT);
  const peer = server.takeConnection()!;
  const got: number[] = [];
  await pollUntil(
    [server],
    () => {
      for (let p = peer.getPacket(); isPacket(p); p = peer.getPacket()) got.push(p[0]!);
      return got.length === expected.length;
    },
    WAIT,
  );
  t.same(got, expected, 'lost ones missing, held ones late; nothing invented or duplicated');
  t.equal(peer.getPacketIp(), '127.0.0.1');
  t.equal(peer.getPacketPort(), proxyPort, 'the sender is the proxy');
  peer.putPacket(new TextEncoder().encode('ack 9'));
  await pollUntil(noPoll, () => client.getAvailablePacketCount() === 1, WAIT);
  t.equal(text(client.getPacket()), 'ack 9', 'the reply came back through the proxy to the connected client');
});
