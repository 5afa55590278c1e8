import t, { type Test } from 'tap';
import {
  ConnectionStatus,
  createContainer,
  ErrorCode,
  MultiplayerError,
  TOKENS,
  TransferMode,
  type PeerFactory,
} from '../../../core/index.js';
import {
  CompressionMode,
  ENetConnection,
  ENetMultiplayerPeer,
  ENetPacketPeer,
  EventType,
  enetModule,
  type ENetEvent,
} from '../../../plugins/enet/index.js';
import { pollUntil } from '../../../testing/index.js';

/** A raw ENet server (ENetConnection) to look at what an ENetMultiplayerPeer client puts on the wire. */
async function rawServer(t: Test): Promise<{ conn: ENetConnection; seen: ENetEvent[]; pump: () => void }> {
  const conn = new ENetConnection();
  t.equal(await conn.createHostBound('127.0.0.1', 0, 8), ErrorCode.OK);
  t.teardown(() => conn.host && conn.destroy());
  const seen: ENetEvent[] = [];
  const pump = (): void => {
    for (let e = conn.serviceEvent(); e.type !== EventType.EVENT_NONE; e = conn.checkEvents()) seen.push(e);
  };
  return { conn, seen, pump };
}

/** Polls `peers` and pumps raw servers until `done()`. */
async function until(peers: ENetMultiplayerPeer[], pumps: Array<() => void>, done: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!done()) {
    for (const p of peers) p.poll();
    for (const pump of pumps) pump();
    if (Date.now() > deadline) throw new Error('until: timed out');
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
  }
}

t.test('createClient: announces its id in the CONNECT data; asks for channelCount + 2 channels (255 for 0)', async (t) => {
  const { conn, seen, pump } = await rawServer(t);
  for (const [count, expected] of [
    [0, 255],
    [3, 5],
  ] as const) {
    const client = new ENetMultiplayerPeer();
    t.teardown(() => client.close());
    t.equal(client.createClient('127.0.0.1', conn.getLocalPort(), count), ErrorCode.OK);
    t.equal(client.getConnectionStatus(), ConnectionStatus.CONNECTING);
    await until([client], [pump], () => seen.some((e) => e.type === EventType.EVENT_CONNECT && e.data === client.getUniqueId()));
    const e = seen.find((x) => x.type === EventType.EVENT_CONNECT && x.data === client.getUniqueId())!;
    t.equal(e.peer!.getChannels(), expected, `channel_count ${count}`);
  }
});

t.test('putPacket: Godot 4 channel layout and packet flags on the wire, both ways', async (t) => {
  const { conn, seen, pump } = await rawServer(t);
  const client = new ENetMultiplayerPeer();
  t.teardown(() => client.close());
  client.createClient('127.0.0.1', conn.getLocalPort(), 4);
  await until([client], [pump], () => client.getConnectionStatus() === ConnectionStatus.CONNECTED);
  // Sent with RELIABLE / UNRELIABLE_FRAGMENT / UNSEQUENCED|UNRELIABLE_FRAGMENT (docs/wire/multiplayer.md §8.2); a small
  // packet then travels as SEND_RELIABLE / SEND_UNRELIABLE / SEND_UNSEQUENCED, which the receiver
  // reports as flags RELIABLE / 0 / UNSEQUENCED.
  const cases: Array<[TransferMode, number, number, number]> = [
    [TransferMode.RELIABLE, 0, 0, ENetPacketPeer.FLAG_RELIABLE],
    [TransferMode.UNRELIABLE_ORDERED, 0, 1, 0],
    [TransferMode.UNRELIABLE, 0, 1, ENetPacketPeer.FLAG_UNSEQUENCED],
    [TransferMode.RELIABLE, 3, 4, ENetPacketPeer.FLAG_RELIABLE],
    [TransferMode.UNRELIABLE, 2, 3, ENetPacketPeer.FLAG_UNSEQUENCED],
  ];
  cases.forEach(([mode, channel], i) => {
    client.transferMode = mode;
    client.transferChannel = channel;
    t.equal(client.putPacket(new Uint8Array([i])), ErrorCode.OK);
  });
  await until([client], [pump], () => seen.filter((e) => e.type === EventType.EVENT_RECEIVE).length === cases.length);
  for (const [mode, channel, enetChannel, flags] of cases) {
    const e = seen.find(
      (x) => x.type === EventType.EVENT_RECEIVE && x.packet![0] === cases.findIndex((c) => c[0] === mode && c[1] === channel),
    )!;
    t.equal(e.channel, enetChannel, `mode ${mode} transfer channel ${channel} → ENet channel ${enetChannel}`);
    t.equal(e.flags, flags, `received flags ${flags}`);
  }
  // The other way: ENet channel 3, no flags → transfer channel 2, UNRELIABLE_ORDERED; unsequenced → UNRELIABLE.
  const serverPeer = seen.find((e) => e.type === EventType.EVENT_CONNECT)!.peer!;
  serverPeer.send(3, new Uint8Array([1]), 0);
  serverPeer.send(0, new Uint8Array([2]), ENetPacketPeer.FLAG_UNSEQUENCED);
  await until([client], [pump], () => client.getAvailablePacketCount() === 2);
  t.equal(client.getPacketChannel(), 2);
  t.equal(client.getPacketMode(), TransferMode.UNRELIABLE_ORDERED);
  t.equal(client.getPacketPeer(), 1);
  client.getPacket();
  t.equal(client.getPacketChannel(), 0);
  t.equal(client.getPacketMode(), TransferMode.UNRELIABLE);
});

t.test('createServer: refuses ids < 2, ≥ 0x80000000 and duplicates by resetting them; accepts a valid one', async (t) => {
  const server = new ENetMultiplayerPeer();
  server.setBindIp('127.0.0.1');
  t.equal(await server.createServer(0, 8), ErrorCode.OK);
  t.teardown(() => server.close());
  const connected: number[] = [];
  server.peerConnected.connect((id) => connected.push(id));
  const raws: ENetConnection[] = [];
  const pumps: Array<() => void> = [];
  const events: ENetEvent[][] = [];
  for (const id of [0, 1, 0x80000000, 0xffffffff, 77, 77]) {
    const c = new ENetConnection();
    c.createHost(1);
    t.teardown(() => c.host && c.destroy());
    c.connectToHost('127.0.0.1', server.getLocalPort(), 4, id);
    raws.push(c);
    const seen: ENetEvent[] = [];
    events.push(seen);
    pumps.push(() => {
      for (let e = c.serviceEvent(); e.type !== EventType.EVENT_NONE; e = c.checkEvents()) seen.push(e);
    });
  }
  await until([server], pumps, () => events.every((s) => s.some((e) => e.type === EventType.EVENT_CONNECT)) && connected.length === 1);
  await until([server], pumps, () => server.getPeer(77) !== null);
  t.same(connected, [77], 'only the first client announcing 77 joined');
  t.equal(server.getPeer(77)!.getRemoteAddress(), '127.0.0.1');
  t.equal(server.getPeer(0), null);
});

t.test('createServer/createClient/setBindIp: misuse gives codes or throws', async (t) => {
  const a = new ENetMultiplayerPeer();
  a.setBindIp('127.0.0.1');
  t.equal(await a.createServer(0), ErrorCode.OK);
  t.teardown(() => a.close());
  const b = new ENetMultiplayerPeer();
  b.setBindIp('127.0.0.1');
  t.equal(await b.createServer(a.getLocalPort()), ErrorCode.ERR_CANT_CREATE, 'port in use');
  t.equal(b.createClient('not-an-ip', 1234), ErrorCode.ERR_CANT_CREATE, 'no DNS');
  t.equal(b.getConnectionStatus(), ConnectionStatus.DISCONNECTED);
  t.equal(b.createClient('127.0.0.1', 0), ErrorCode.ERR_INVALID_PARAMETER);
  const err = t.throws(() => b.setBindIp('nope')) as unknown;
  t.ok(MultiplayerError.is(err) && err.code === ErrorCode.ERR_INVALID_PARAMETER);
  t.throws(() => a.disconnectPeer(12345), 'disconnectPeer of an unknown id throws');
  t.equal(b.createMesh(0), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(b.addMeshPeer(2, new ENetConnection()), ErrorCode.ERR_UNCONFIGURED);
});

t.test('createMesh/addMeshPeer: peerConnected from poll(), packets both ways, no relay, disconnectPeer', async (t) => {
  const a = new ENetMultiplayerPeer();
  const b = new ENetMultiplayerPeer();
  t.equal(a.createMesh(10), ErrorCode.OK);
  t.equal(b.createMesh(20), ErrorCode.OK);
  t.teardown(() => {
    a.close();
    b.close();
  });
  const hostA = new ENetConnection();
  t.equal(await hostA.createHostBound('127.0.0.1', 0, 1), ErrorCode.OK);
  const hostB = new ENetConnection();
  hostB.createHost(1);
  hostB.connectToHost('127.0.0.1', hostA.getLocalPort(), 0, 0);
  const seen: ENetEvent[] = [];
  const deadline = Date.now() + 5000;
  while (seen.filter((e) => e.type === EventType.EVENT_CONNECT).length < 2 && Date.now() < deadline) {
    for (const c of [hostA, hostB]) for (let e = c.serviceEvent(); e.type !== EventType.EVENT_NONE; e = c.checkEvents()) seen.push(e);
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
  }
  const joined: string[] = [];
  a.peerConnected.connect((id) => joined.push(`a+${id}`));
  b.peerConnected.connect((id) => joined.push(`b+${id}`));
  a.peerDisconnected.connect((id) => joined.push(`a-${id}`));
  b.peerDisconnected.connect((id) => joined.push(`b-${id}`));
  t.equal(a.addMeshPeer(20, hostA), ErrorCode.OK);
  t.equal(b.addMeshPeer(10, hostB), ErrorCode.OK);
  t.same(joined, [], 'nothing emitted outside poll()');
  await pollUntil([a, b], () => joined.length === 2);
  t.same(joined.sort(), ['a+20', 'b+10']);
  t.notOk(a.isServerRelaySupported());
  t.ok(a.getPeer(20) instanceof ENetPacketPeer);
  a.setTargetPeer(20);
  a.putPacket(new Uint8Array([42]));
  await pollUntil([a, b], () => b.getAvailablePacketCount() === 1);
  t.equal(b.getPacketPeer(), 10);
  t.same(b.getPacket(), new Uint8Array([42]));
  a.disconnectPeer(20);
  await pollUntil([a, b], () => joined.includes('a-20') && joined.includes('b-10'));
  t.pass('both sides saw the mesh link close');
});

t.test("getHost().compress(FASTLZ / ZLIB) on server and client (Godot's way to compress): packets flow both ways", async (t) => {
  for (const mode of [CompressionMode.COMPRESS_FASTLZ, CompressionMode.COMPRESS_ZLIB]) {
    const server = new ENetMultiplayerPeer();
    const client = new ENetMultiplayerPeer();
    t.teardown(() => {
      server.close();
      client.close();
    });
    t.equal(await server.createServer(0, 4), ErrorCode.OK);
    server.getHost()!.compress(mode);
    t.equal(client.createClient('127.0.0.1', server.getLocalPort()), ErrorCode.OK);
    client.getHost()!.compress(mode); // before the first poll sends the CONNECT
    await pollUntil([server, client], () => client.getConnectionStatus() === ConnectionStatus.CONNECTED);
    const text = new TextEncoder().encode('state update '.repeat(200));
    client.putPacket(text);
    await pollUntil([server, client], () => server.getAvailablePacketCount() === 1);
    t.same(server.getPacket(), text, `mode ${mode}: client → server`);
    server.setTargetPeer(client.getUniqueId());
    server.putPacket(text.subarray(0, 1000));
    await pollUntil([server, client], () => client.getAvailablePacketCount() === 1);
    t.same(client.getPacket(), text.subarray(0, 1000), `mode ${mode}: server → client`);
    server.close();
    client.close();
  }
});

t.test('enetModule: the "enet" PeerFactory makes peers; unbindAll closes them', async (t) => {
  const container = createContainer(enetModule);
  const factory = container.getAll<PeerFactory>(TOKENS.PeerFactory).find((f) => f.name === 'enet')!;
  t.ok(factory);
  const peer = factory.create() as ENetMultiplayerPeer;
  peer.setBindIp('127.0.0.1');
  t.equal(await peer.createServer(0), ErrorCode.OK);
  const resolved = container.get(ENetMultiplayerPeer);
  t.ok(resolved instanceof ENetMultiplayerPeer);
  await container.unbindAll();
  t.equal(peer.getConnectionStatus(), ConnectionStatus.DISCONNECTED, 'closed on deactivation');
});

t.test('createServer: close() while the socket binds cancels the start (no socket left open)', async (t) => {
  const peer = new ENetMultiplayerPeer();
  peer.setBindIp('127.0.0.1');
  const pending = peer.createServer(0);
  peer.close();
  t.equal(await pending, ErrorCode.ERR_UNAVAILABLE);
  t.equal(peer.getConnectionStatus(), ConnectionStatus.DISCONNECTED);
  t.equal(await peer.createServer(0), ErrorCode.OK, 'can start again');
  peer.close();
});

t.test('createClient: a local port binds that port; a port in use makes the next poll() close the client', async (t) => {
  const server = new ENetMultiplayerPeer();
  server.setBindIp('127.0.0.1');
  t.equal(await server.createServer(0), ErrorCode.OK);
  t.teardown(() => server.close());
  const blocker = new ENetConnection();
  t.equal(await blocker.createHostBound('127.0.0.1', 0, 1), ErrorCode.OK);
  t.teardown(() => blocker.destroy());
  const bad = new ENetMultiplayerPeer();
  bad.setBindIp('127.0.0.1');
  t.equal(bad.createClient('127.0.0.1', server.getLocalPort(), 0, 0, 0, blocker.getLocalPort()), ErrorCode.OK);
  await pollUntil([bad], () => bad.getConnectionStatus() === ConnectionStatus.DISCONNECTED);
  t.pass('the failed bind closed the client');
  const good = new ENetMultiplayerPeer();
  t.teardown(() => good.close());
  good.setBindIp('127.0.0.1');
  t.equal(good.createClient('127.0.0.1', server.getLocalPort(), 0, 0, 0, 0), ErrorCode.OK);
  await pollUntil(
    [good, server],
    () => good.getConnectionStatus() === ConnectionStatus.CONNECTED && server.getPeer(good.getUniqueId()) !== null,
  );
  t.equal(server.getPeer(good.getUniqueId())!.getRemotePort(), good.getLocalPort(), "the server sees the client's local port");
});
