import t from 'tap';
import {
  ConnectionStatus,
  createContainer,
  ErrorCode,
  isPacket,
  MultiplayerPeer,
  TOKENS,
  TransferMode,
  type PeerFactory,
} from '../../../core/index.js';
import { WebRTCMultiplayerPeer, webRtcModule, type WebRTCPeerConnection } from '../../../plugins/webrtc/index.js';
import { loopbackConnection, pollUntilDone, wireSignaling } from '../../helpers/webrtc-signaling.js';

type Tap = Parameters<Parameters<typeof t.test>[0]>[0];

function peer(t: Tap): WebRTCMultiplayerPeer {
  const p = new WebRTCMultiplayerPeer();
  t.teardown(() => p.close());
  return p;
}

/** Adds a signaled connection between `a` (as `idB` on a) and `b` (as `idA` on b). */
function link(
  t: Tap,
  a: WebRTCMultiplayerPeer,
  idA: number,
  b: WebRTCMultiplayerPeer,
  idB: number,
): [WebRTCPeerConnection, WebRTCPeerConnection] {
  const ca = loopbackConnection();
  const cb = loopbackConnection();
  t.teardown(() => {
    ca.close();
    cb.close();
  });
  t.equal(a.addPeer(ca, idB), ErrorCode.OK, `addPeer(${idB})`);
  t.equal(b.addPeer(cb, idA), ErrorCode.OK, `addPeer(${idA})`);
  wireSignaling(ca, cb);
  ca.createOffer();
  return [ca, cb];
}

t.test('createServer/createClient/createMesh: argument checks (Godot: _initialize)', (t) => {
  t.equal(peer(t).createClient(1), ErrorCode.ERR_INVALID_PARAMETER, 'clients cannot have id 1');
  t.equal(peer(t).createMesh(0), ErrorCode.ERR_INVALID_PARAMETER, 'id 0');
  t.equal(peer(t).createMesh(2 ** 31), ErrorCode.ERR_INVALID_PARAMETER, 'id above 2^31-1');
  t.equal(peer(t).createMesh(2.5), ErrorCode.ERR_INVALID_PARAMETER, 'fractional id');
  t.equal(peer(t).createServer([7 as TransferMode]), ErrorCode.ERR_INVALID_PARAMETER, 'unknown transfer mode');
  const p = peer(t);
  t.equal(p.getConnectionStatus(), ConnectionStatus.DISCONNECTED);
  t.equal(p.createMesh(7), ErrorCode.OK);
  t.equal(p.getConnectionStatus(), ConnectionStatus.CONNECTED, 'mesh is CONNECTED at once');
  t.equal(p.getUniqueId(), 7);
  t.notOk(p.isServer());
  t.notOk(p.isServerRelaySupported(), 'mesh: no relay');
  t.equal(p.createServer(), ErrorCode.ERR_ALREADY_IN_USE, 'create while active (divergence: Godot re-initializes)');
  p.close();
  t.equal(p.getConnectionStatus(), ConnectionStatus.DISCONNECTED);
  const c = peer(t);
  t.equal(c.createClient(9), ErrorCode.OK);
  t.equal(c.getConnectionStatus(), ConnectionStatus.CONNECTING, 'client is CONNECTING until peer 1 connects');
  t.ok(c.isServerRelaySupported(), 'client: relay');
  t.equal(c.getMaxPacketSize(), 1200, 'nominal max packet size');
  t.end();
});

t.test('initialize (Godot 3 alias): server compatibility picks server or client; otherwise mesh', (t) => {
  const s = peer(t);
  t.equal(s.initialize(1, true), ErrorCode.OK);
  t.ok(s.isServer());
  t.ok(s.isServerRelaySupported());
  const c = peer(t);
  t.equal(c.initialize(5, true), ErrorCode.OK);
  t.equal(c.getConnectionStatus(), ConnectionStatus.CONNECTING);
  const m = peer(t);
  t.equal(m.initialize(1), ErrorCode.OK);
  t.equal(m.getConnectionStatus(), ConnectionStatus.CONNECTED);
  t.notOk(m.isServerRelaySupported(), 'mesh even with id 1');
  t.end();
});

t.test('addPeer: Godot rules (mode, ids, lifetime, refusing, NEW connection only)', (t) => {
  const fresh = peer(t);
  const conn = loopbackConnection();
  t.teardown(() => conn.close());
  t.equal(fresh.addPeer(conn, 2), ErrorCode.ERR_UNCONFIGURED, 'inactive peer');
  const client = peer(t);
  client.createClient(5);
  t.equal(client.addPeer(conn, 2), ErrorCode.ERR_INVALID_PARAMETER, 'client may only add peer 1');
  const server = peer(t);
  server.createServer();
  t.equal(server.addPeer(conn, 1), ErrorCode.ERR_INVALID_PARAMETER, 'server may not add peer 1');
  t.equal(server.addPeer(conn, 3, -1), ErrorCode.ERR_INVALID_PARAMETER, 'negative lifetime');
  server.refuseNewConnections = true;
  t.equal(server.addPeer(conn, 3), ErrorCode.ERR_UNAUTHORIZED, 'refusing new connections');
  server.refuseNewConnections = false;
  const closed = loopbackConnection();
  closed.close();
  t.equal(server.addPeer(closed, 3), ErrorCode.ERR_INVALID_PARAMETER, 'connection not NEW');
  t.equal(server.addPeer(conn, 3), ErrorCode.OK);
  const again = loopbackConnection();
  t.teardown(() => again.close());
  t.equal(server.addPeer(again, 3), ErrorCode.ERR_ALREADY_EXISTS, 'same id twice (divergence: Godot replaces)');
  t.ok(server.hasPeer(3));
  t.notOk(server.hasPeer(4));
  t.equal(server.getPeer(4), null);
  t.end();
});

t.test('addPeer: Godot channel layout (ids 1-3 reserved, 3+N for channelsConfig[N-1], labels, ordering, lifetimes)', (t) => {
  const p = peer(t);
  p.createMesh(2, [TransferMode.RELIABLE, TransferMode.UNRELIABLE_ORDERED, TransferMode.UNRELIABLE]);
  const conn = loopbackConnection();
  t.equal(p.addPeer(conn, 3, 25), ErrorCode.OK);
  const info = p.getPeer(3)!;
  t.equal(info.connection, conn);
  t.equal(info.connected, false);
  const layout = info.channels.map((c) => [c.getLabel(), c.getId(), c.isNegotiated(), c.isOrdered(), c.getMaxPacketLifeTime()]);
  t.same(layout, [
    ['reliable', 1, true, true, 65535],
    ['ordered', 2, true, true, 25],
    ['unreliable', 3, true, false, 25],
    ['4', 4, true, true, 65535],
    ['5', 5, true, true, 1],
    ['6', 6, true, false, 1],
  ]);
  t.same([...p.getPeers().keys()], [3]);
  t.end();
});

t.test('mesh pair: connects in poll(); mode and channel come from the local channel table', async (t) => {
  const config = [TransferMode.UNRELIABLE_ORDERED, TransferMode.RELIABLE];
  const a = peer(t);
  const b = peer(t);
  a.createMesh(10, config);
  b.createMesh(20, config);
  const seen: string[] = [];
  a.peerConnected.connect((id) => seen.push(`a+${id}`));
  b.peerConnected.connect((id) => seen.push(`b+${id}`));
  link(t, a, 10, b, 20);
  await pollUntilDone([a, b], () => seen.length === 2, { what: 'mesh pair connected' });
  t.same(seen.sort(), ['a+20', 'b+10']);
  t.ok(a.getPeer(20)!.connected);
  const sends: Array<[TransferMode, number]> = [
    [TransferMode.RELIABLE, 0],
    [TransferMode.UNRELIABLE_ORDERED, 0],
    [TransferMode.UNRELIABLE, 0],
    [TransferMode.RELIABLE, 1], // channel 1 is UNRELIABLE_ORDERED in the table
    [TransferMode.UNRELIABLE, 2], // channel 2 is RELIABLE in the table
  ];
  a.setTargetPeer(20);
  for (const [i, [mode, channel]] of sends.entries()) {
    a.transferMode = mode;
    a.transferChannel = channel;
    t.equal(a.putPacket(Uint8Array.of(i)), ErrorCode.OK, `put mode ${mode} channel ${channel}`);
  }
  a.transferChannel = 3;
  t.equal(a.putPacket(Uint8Array.of(9)), ErrorCode.ERR_INVALID_PARAMETER, 'channel beyond the table');
  a.setTargetPeer(99);
  t.equal(a.putPacket(Uint8Array.of(9)), ErrorCode.ERR_INVALID_PARAMETER, 'unknown target');
  const got = new Map<number, [number, TransferMode, number]>();
  await pollUntilDone([a, b], () => {
    while (b.getAvailablePacketCount() > 0) {
      const [from, mode, channel] = [b.getPacketPeer(), b.getPacketMode(), b.getPacketChannel()];
      const p = b.getPacket();
      if (isPacket(p)) got.set(p[0]!, [from, mode, channel]);
    }
    return got.size === sends.length;
  });
  t.same(got.get(0), [10, TransferMode.RELIABLE, 0]);
  t.same(got.get(1), [10, TransferMode.UNRELIABLE_ORDERED, 0]);
  t.same(got.get(2), [10, TransferMode.UNRELIABLE, 0]);
  t.same(got.get(3), [10, TransferMode.UNRELIABLE_ORDERED, 1]);
  t.same(got.get(4), [10, TransferMode.RELIABLE, 2]);
});

t.test('removePeer: emits peerDisconnected at once; the remote sees the connection go', async (t) => {
  const a = peer(t);
  const b = peer(t);
  a.createMesh(2);
  b.createMesh(3);
  link(t, a, 2, b, 3);
  await pollUntilDone([a, b], () => !!a.getPeer(3)?.connected && !!b.getPeer(2)?.connected);
  const lostA: number[] = [];
  const lostB: number[] = [];
  a.peerDisconnected.connect((id) => lostA.push(id));
  b.peerDisconnected.connect((id) => lostB.push(id));
  a.removePeer(3);
  t.same(lostA, [3], 'removePeer emits (as Godot does)');
  t.notOk(a.hasPeer(3));
  a.removePeer(3);
  t.same(lostA, [3], 'removing an unknown peer is a logged no-op');
  await pollUntilDone([a, b], () => lostB.length === 1, { what: 'remote saw the removal' });
  t.same(lostB, [2]);
  t.notOk(b.hasPeer(2), 'the remote dropped the peer during poll()');
});

t.test('disconnectPeer(force): dropped at once without a signal, as Godot', async (t) => {
  const s = peer(t);
  const c = peer(t);
  s.createServer();
  c.createClient(8);
  link(t, s, 1, c, 8);
  await pollUntilDone([s, c], () => c.getConnectionStatus() === ConnectionStatus.CONNECTED && !!s.getPeer(8)?.connected);
  const lost: number[] = [];
  c.peerDisconnected.connect((id) => lost.push(id));
  c.disconnectPeer(MultiplayerPeer.TARGET_PEER_SERVER, true);
  t.equal(c.getConnectionStatus(), ConnectionStatus.DISCONNECTED, 'client without its server is DISCONNECTED');
  t.same(lost, [], 'no signal on a forced disconnect');
  const serverLost: number[] = [];
  s.peerDisconnected.connect((id) => serverLost.push(id));
  await pollUntilDone([s], () => serverLost.length === 1);
  t.same(serverLost, [8], 'the server notices the closed connection');
});

t.test('webRtcModule: binds WebRTCMultiplayerPeer and the "webrtc" PeerFactory', (t) => {
  const container = createContainer(webRtcModule);
  const p = container.get(WebRTCMultiplayerPeer);
  t.ok(p instanceof WebRTCMultiplayerPeer);
  const factory = container.getAll<PeerFactory>(TOKENS.PeerFactory).find((f) => f.name === 'webrtc') as
    | PeerFactory<WebRTCMultiplayerPeer>
    | undefined;
  t.ok(factory, 'factory registered');
  const made = factory!.create();
  t.ok(made instanceof WebRTCMultiplayerPeer);
  t.not(made, p, 'transient');
  t.equal(made.createMesh(2), ErrorCode.OK);
  container.unbindAll();
  t.equal(made.getConnectionStatus(), ConnectionStatus.DISCONNECTED, 'unbindAll() closed the peers');
  p.close();
  t.end();
});
