import t, { type Test } from 'tap';
import { ErrorCode, MultiplayerError } from '../../../core/index.js';
import {
  CompressionMode,
  ENetConnection,
  ENetPacketPeer,
  ENetPeerState,
  EventType,
  HostStatistic,
  PeerStatistic,
  type ENetEvent,
} from '../../../plugins/enet/index.js';

/** Services `conns` (collecting events) until `done()`; throws after `timeoutMs`. */
async function serviceUntil(conns: ENetConnection[], seen: ENetEvent[], done: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    for (const c of conns) {
      if (c.host === null) continue;
      for (let e = c.serviceEvent(); e.type !== EventType.EVENT_NONE; e = c.checkEvents()) seen.push(e);
    }
    if (Date.now() > deadline) throw new Error('serviceUntil: timed out');
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
  }
}

async function pair(
  t: Test,
  compress: boolean | CompressionMode = false,
): Promise<{ server: ENetConnection; client: ENetConnection; peer: ENetPacketPeer; seen: ENetEvent[] }> {
  const server = new ENetConnection();
  t.equal(await server.createHostBound('127.0.0.1', 0, 4), ErrorCode.OK);
  const client = new ENetConnection();
  t.equal(client.createHost(1), ErrorCode.OK);
  t.teardown(() => {
    if (server.host) server.destroy();
    if (client.host) client.destroy();
  });
  if (compress !== false) {
    const mode = compress === true ? CompressionMode.COMPRESS_RANGE_CODER : compress;
    server.compress(mode);
    client.compress(mode);
  }
  const peer = client.connectToHost('127.0.0.1', server.getLocalPort(), 3, 1234)!;
  const seen: ENetEvent[] = [];
  await serviceUntil([server, client], seen, () => seen.filter((e) => e.type === EventType.EVENT_CONNECT).length === 2);
  return { server, client, peer, seen };
}

t.test('createHostBound: invalid arguments return codes; a port in use is ERR_CANT_CREATE; double create ERR_ALREADY_IN_USE', async (t) => {
  const c = new ENetConnection();
  t.equal(await c.createHostBound('nope', 0), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(await c.createHostBound('127.0.0.1', 70000), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(await c.createHostBound('127.0.0.1', 0, 0), ErrorCode.ERR_INVALID_PARAMETER, 'max peers 0');
  t.equal(await c.createHostBound('127.0.0.1', 0, 32, 256), ErrorCode.ERR_INVALID_PARAMETER, 'max channels 256');
  t.equal(await c.createHostBound('127.0.0.1', 0), ErrorCode.OK);
  t.teardown(() => c.destroy());
  t.equal(await c.createHostBound('127.0.0.1', 0), ErrorCode.ERR_ALREADY_IN_USE);
  const other = new ENetConnection();
  t.equal(await other.createHostBound('127.0.0.1', c.getLocalPort()), ErrorCode.ERR_CANT_CREATE);
  t.throws(() => other.flush(), { code: ErrorCode.ERR_UNCONFIGURED }, 'void methods on an inactive connection throw');
  t.equal(other.service()[0], EventType.EVENT_ERROR, 'service on an inactive connection is EVENT_ERROR');
});

t.test('connectToHost/service: CONNECT data, channel count, [type, peer, data, channel] with the packet queued on the peer', async (t) => {
  const { server, client, peer, seen } = await pair(t);
  const serverSide = seen.find((e) => e.type === EventType.EVENT_CONNECT && e.data === 1234)!.peer!;
  t.equal(serverSide.getChannels(), 3);
  t.equal(peer.getState(), ENetPeerState.STATE_CONNECTED);
  t.equal(serverSide.getRemoteAddress(), '127.0.0.1', 'IPv4-mapped addresses read as IPv4');
  t.equal(server.getPeers().length, 1);
  t.equal(peer.send(2, new Uint8Array([9, 8, 7]), ENetPacketPeer.FLAG_RELIABLE), ErrorCode.OK);
  t.equal(peer.send(3, new Uint8Array([1]), ENetPacketPeer.FLAG_RELIABLE), ErrorCode.ERR_INVALID_PARAMETER, 'channel out of range');
  let result: ReturnType<ENetConnection['service']> = [EventType.EVENT_NONE, null, 0, 0];
  const deadline = Date.now() + 5000;
  while (result[0] !== EventType.EVENT_RECEIVE && Date.now() < deadline) {
    client.service();
    result = server.service();
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
  }
  t.equal(result[0], EventType.EVENT_RECEIVE);
  t.equal(result[1], serverSide);
  t.equal(result[3], 2, 'channel');
  t.equal(serverSide.getAvailablePacketCount(), 1);
  t.same(serverSide.getPacket(), new Uint8Array([9, 8, 7]));
  t.equal(serverSide.getPacketFlags(), ENetPacketPeer.FLAG_RELIABLE);
  t.equal(serverSide.getPacket(), ErrorCode.ERR_UNAVAILABLE);
  t.ok(server.popStatistic(HostStatistic.HOST_TOTAL_RECEIVED_PACKETS) > 0);
  t.equal(server.popStatistic(HostStatistic.HOST_TOTAL_RECEIVED_PACKETS), 0, 'pop resets the counter');
  t.ok(peer.getStatistic(PeerStatistic.PEER_ROUND_TRIP_TIME) >= 1, 'RTT measured');
  t.equal(peer.getStatistic(PeerStatistic.PEER_PACKET_THROTTLE), 32);
});

t.test('compress(RANGE_CODER) on both ends carries data; COMPRESS_ZSTD throws ERR_UNAVAILABLE (no zstd in Node 20)', async (t) => {
  const { server, client, peer, seen } = await pair(t, true);
  const text = new TextEncoder().encode('compress me '.repeat(100));
  peer.send(0, text, ENetPacketPeer.FLAG_RELIABLE);
  await serviceUntil([server, client], seen, () => seen.some((e) => e.type === EventType.EVENT_RECEIVE));
  t.same(seen.find((e) => e.type === EventType.EVENT_RECEIVE)!.packet, text);
  t.throws(() => server.compress(CompressionMode.COMPRESS_ZSTD), { code: ErrorCode.ERR_UNAVAILABLE });
});

for (const [name, mode] of [
  ['FASTLZ', CompressionMode.COMPRESS_FASTLZ],
  ['ZLIB', CompressionMode.COMPRESS_ZLIB],
] as const) {
  t.test(
    `compress(COMPRESS_${name}) on both ends: reliable, unreliable and fragmented packets arrive, fewer bytes on the wire`,
    async (t) => {
      const { server, client, peer, seen } = await pair(t, mode);
      client.popStatistic(HostStatistic.HOST_TOTAL_SENT_DATA);
      const packets = [
        { channel: 0, data: new TextEncoder().encode('reliable text '.repeat(30)), flags: ENetPacketPeer.FLAG_RELIABLE },
        { channel: 1, data: new TextEncoder().encode('unreliable text '.repeat(20)), flags: 0 },
        { channel: 2, data: new TextEncoder().encode('fragmented reliable '.repeat(400)), flags: ENetPacketPeer.FLAG_RELIABLE },
        {
          channel: 1,
          data: new TextEncoder().encode('fragmented unreliable '.repeat(200)),
          flags: ENetPacketPeer.FLAG_UNRELIABLE_FRAGMENT,
        },
      ];
      for (const p of packets) t.equal(peer.send(p.channel, p.data, p.flags), ErrorCode.OK);
      const got = (): ENetEvent[] => seen.filter((e) => e.type === EventType.EVENT_RECEIVE && e.peer !== null && e.peer !== peer);
      await serviceUntil([server, client], seen, () => got().length === packets.length);
      for (const p of packets)
        t.ok(
          got().some((e) => e.channel === p.channel && Buffer.from(e.packet!).equals(p.data)),
          `${p.data.length} B on channel ${p.channel}`,
        );
      const payload = packets.reduce((n, p) => n + p.data.length, 0);
      const wire = client.popStatistic(HostStatistic.HOST_TOTAL_SENT_DATA);
      t.ok(wire < payload / 2, `${payload} B of repetitive text took ${wire} B on the wire`);
    },
  );
}

t.test('dtlsServerSetup/dtlsClientSetup: ERR_UNAVAILABLE (DTLS is out of scope)', async (t) => {
  const c = new ENetConnection();
  t.equal(c.dtlsServerSetup(), ErrorCode.ERR_UNAVAILABLE);
  t.equal(c.dtlsClientSetup('example'), ErrorCode.ERR_UNAVAILABLE);
});

t.test('ENetPacketPeer: disconnect, disconnect later, disconnect now and reset', async (t) => {
  for (const how of ['peerDisconnect', 'peerDisconnectLater', 'peerDisconnectNow'] as const) {
    const { server, client, peer, seen } = await pair(t);
    peer.send(0, new Uint8Array(5000), ENetPacketPeer.FLAG_RELIABLE);
    peer[how](77);
    const remote = (): ENetEvent | undefined => seen.find((e) => e.type === EventType.EVENT_DISCONNECT && e.data === 77);
    await serviceUntil([server, client], seen, () => remote() !== undefined);
    t.ok(remote(), `${how}: the server sees data 77`);
    if (how === 'peerDisconnectLater')
      t.ok(
        seen.some((e) => e.type === EventType.EVENT_RECEIVE),
        'queued data went first',
      );
    if (how === 'peerDisconnectNow') t.notOk(peer.isActive(), 'no local event; the peer is released at once');
    else await serviceUntil([server, client], seen, () => !peer.isActive());
    t.equal(peer.getState(), ENetPeerState.STATE_DISCONNECTED);
    t.throws(() => peer.ping(), { code: ErrorCode.ERR_UNCONFIGURED });
  }
  const { peer } = await pair(t);
  peer.reset();
  t.equal(peer.getState(), ENetPeerState.STATE_DISCONNECTED, 'reset releases silently');
});

t.test('ENetPacketPeer: setTimeout validates its order; throttleConfigure and pingInterval apply', async (t) => {
  const { server, client, peer, seen } = await pair(t);
  const err = t.throws(() => peer.setTimeout(10, 5, 100)) as unknown;
  t.ok(MultiplayerError.is(err) && err.code === ErrorCode.ERR_INVALID_PARAMETER, 'ERR_INVALID_PARAMETER');
  peer.setTimeout(32, 1000, 2000);
  peer.pingInterval(100);
  peer.throttleConfigure(1000, 3, 4);
  await serviceUntil([server, client], seen, () => {
    const remote = server.getPeers()[0];
    return remote?.getStatistic(PeerStatistic.PEER_PACKET_THROTTLE_ACCELERATION) === 3;
  });
  const remote = server.getPeers()[0]!;
  t.equal(remote.getStatistic(PeerStatistic.PEER_PACKET_THROTTLE_INTERVAL), 1000, 'THROTTLE_CONFIGURE reached the server');
  t.equal(remote.getStatistic(PeerStatistic.PEER_PACKET_THROTTLE_DECELERATION), 4);
});

t.test('broadcast, channelLimit, bandwidthLimit, refuseNewConnections', async (t) => {
  const { server, client, seen } = await pair(t);
  server.bandwidthLimit(100000, 50000);
  server.channelLimit(2);
  t.equal(server.getMaxChannels(), 2);
  server.broadcast(1, new Uint8Array([5]), 0);
  await serviceUntil([server, client], seen, () => seen.some((e) => e.type === EventType.EVENT_RECEIVE));
  t.same(seen.find((e) => e.type === EventType.EVENT_RECEIVE)!.packet, new Uint8Array([5]));
  server.refuseNewConnections(true);
  const late = new ENetConnection();
  t.equal(late.createHost(1), ErrorCode.OK);
  t.teardown(() => late.destroy());
  const latePeer = late.connectToHost('127.0.0.1', server.getLocalPort(), 2, 9)!;
  const lateSeen: ENetEvent[] = [];
  await serviceUntil([server, late], lateSeen, () => lateSeen.some((e) => e.type === EventType.EVENT_DISCONNECT));
  t.notOk(
    lateSeen.some((e) => e.type === EventType.EVENT_CONNECT),
    'the refused client never connected',
  );
  t.equal(latePeer.isActive(), false);
  t.equal(late.connectToHost('not-an-ip', 1), null, 'no DNS: unresolvable addresses give null');
});

t.test('createHostBound/connectToHost: IPv6 loopback works end to end', async (t) => {
  const server = new ENetConnection();
  t.equal(await server.createHostBound('::1', 0, 2), ErrorCode.OK);
  const client = new ENetConnection();
  t.equal(await client.createHostBound('::1', 0, 1), ErrorCode.OK);
  t.teardown(() => {
    server.destroy();
    client.destroy();
  });
  const peer = client.connectToHost('::1', server.getLocalPort(), 2, 5)!;
  const seen: ENetEvent[] = [];
  await serviceUntil([server, client], seen, () => seen.filter((e) => e.type === EventType.EVENT_CONNECT).length === 2);
  peer.send(1, new Uint8Array([6, 6]), 0);
  await serviceUntil([server, client], seen, () => seen.some((e) => e.type === EventType.EVENT_RECEIVE));
  const remote = seen.find((e) => e.type === EventType.EVENT_CONNECT && e.data === 5)!.peer!;
  t.equal(remote.getRemoteAddress(), '::1');
  t.same(seen.find((e) => e.type === EventType.EVENT_RECEIVE)!.packet, new Uint8Array([6, 6]));
});
