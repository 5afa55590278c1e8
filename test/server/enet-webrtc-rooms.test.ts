/** ENet rooms (a port per room, in one match with the room's WebSocket clients) and WebRTC signaling lobbies. */
import { createSocket } from 'node:dgram';
import t, { type Test } from 'tap';
import { ConnectionStatus, ErrorCode, MultiplayerError, decodeUint32 } from '../../core/index.js';
import { SceneMultiplayer, SceneTree } from '../../scenetree/index.js';
import { ENetMultiplayerPeer } from '../../plugins/enet/index.js';
import { GameServer, MessageType, SIGNALING_PATH, encodeMessage, parseMessage } from '../../server/index.js';
import { MeshClient } from '../../samples/webrtc-signaling/mesh-client.js';
import { nodePlatform } from '../../samples/webrtc-signaling/main.js';
import { rawClient } from '../helpers/raw-ws.js';
import { type Player, arenaServer, buildGame, playerOf, tickUntil } from '../helpers/server-rooms.js';

/** A client SceneTree with the Game/Player scene on an ENet client peer aimed at `port`. */
function enetClient(t: Test, port: number): { tree: SceneTree; peer: ENetMultiplayerPeer; player: Player } {
  const tree = new SceneTree({ multiplayer: new SceneMultiplayer() });
  const player = buildGame(tree.root);
  const peer = new ENetMultiplayerPeer();
  t.teardown(() => peer.close());
  t.equal(peer.createClient('127.0.0.1', port), ErrorCode.OK);
  tree.getMultiplayer().multiplayerPeer = peer;
  return { tree, peer, player };
}

t.test('ENet: each room has its own port, listed by rooms(); ENet and WebSocket clients share one match', async (t) => {
  const server = await arenaServer(t, { enet: {} });
  const a = await server.createRoom('arena', { id: 'A' });
  const b = await server.createRoom('arena', { id: 'B' });
  t.ok(a.enetPort! > 0 && b.enetPort! > 0 && a.enetPort !== b.enetPort, `ports ${a.enetPort} and ${b.enetPort}`);
  t.same(
    server.rooms().map((r) => r.endpoints),
    [
      { ws: '/A', enet: a.enetPort },
      { ws: '/B', enet: b.enetPort },
    ],
  );

  const e = enetClient(t, a.enetPort!);
  const ws = rawClient(`ws://127.0.0.1:${server.getLocalPort()}/A`);
  t.teardown(() => ws.ws.terminate());
  let wsId = 0;
  void ws.next().then((m) => (wsId = decodeUint32(m.data, 0) | 0));
  await tickUntil(
    server,
    () => wsId !== 0 && e.peer.getConnectionStatus() === ConnectionStatus.CONNECTED && a.multiplayer.getPeers().length === 2,
    [e.tree],
  );
  const enetId = e.peer.getUniqueId();
  t.same(a.multiplayer.getPeers().sort(), [enetId, wsId].sort(), 'one match, two transports');
  t.same(
    a
      .clients()
      .map((c) => c.transport)
      .sort(),
    ['enet', 'ws'],
  );
  t.ok(a.clients().find((c) => c.transport === 'enet')!.rttMs !== null, 'ENet clients report an RTT');
  await tickUntil(server, () => e.tree.getMultiplayer().getPeers().includes(wsId), [e.tree]);
  t.pass('the ENet client was told of the WebSocket client (relay across transports)');

  e.player.rpcId(1, 'hit', 3);
  await tickUntil(server, () => playerOf(a).hits.length === 1, [e.tree]);
  t.same(playerOf(a).hits, [[enetId, 3]]);
  t.same(playerOf(b).hits, []);
  t.equal(b.traffic().get('enet')!.packetsIn, 0, 'room B received nothing');
  t.ok(a.traffic().get('enet')!.rpcsIn >= 1);

  a.lock();
  const late = enetClient(t, a.enetPort!);
  await tickUntil(server, () => late.peer.getConnectionStatus() === ConnectionStatus.DISCONNECTED, [late.tree]);
  t.pass('a locked room refuses ENet connections');
});

t.test('ENet: ports come from the configured range; none free → ERR_CANT_CREATE', async (t) => {
  const probe = createSocket('udp4');
  await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve));
  const port = probe.address().port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const server = new GameServer({ enet: { ports: [port, port] } });
  server.define('arena', { setup: (room) => void buildGame(room.tree.root) });
  t.teardown(() => server.shutdown({ graceMs: 0 }));
  const room = await server.createRoom('arena');
  t.equal(room.enetPort, port);
  const err = await server.createRoom('arena').then(
    () => null,
    (e: unknown) => e,
  );
  t.ok(MultiplayerError.is(err) && err.code === ErrorCode.ERR_CANT_CREATE, 'the range is used up');
  server.disposeRoom(room.id);
  t.equal((await server.createRoom('arena')).enetPort, port, 'a disposed room frees its port');
});

t.test(`WebRTC: signaling lobbies at ${SIGNALING_PATH} are listed as rooms; a two-peer mesh forms through them`, async (t) => {
  const server = await arenaServer(t, { signaling: true });
  const url = `ws://127.0.0.1:${server.getLocalPort()}${SIGNALING_PATH}`;
  const raw = rawClient(url);
  t.teardown(() => raw.ws.terminate());
  await new Promise((resolve) => raw.ws.once('open', resolve));
  raw.ws.send(encodeMessage(MessageType.JOIN, 0, ''));
  const messages = [
    parseMessage(new TextDecoder().decode((await raw.next()).data))!,
    parseMessage(new TextDecoder().decode((await raw.next()).data))!,
  ];
  const code = messages.find((m) => m.type === MessageType.JOIN)!.data;
  t.match(code, /^[A-Z2-9]{6}$/);
  t.match(server.rooms(), [
    { kind: 'webrtc-lobby', id: code, type: 'webrtc', clients: 1, locked: false, endpoints: { ws: SIGNALING_PATH, enet: null } },
  ]);
  raw.ws.close();
  await tickUntil(server, () => server.rooms().length === 0);

  const rtcConfig = { iceServers: [], bindAddress: '127.0.0.1' };
  const clients = ['host', 'guest'].map((name) => new MeshClient(nodePlatform, { name, rtcConfig, print: () => {} }));
  t.teardown(() => clients.forEach((c) => c.close()));
  clients[0]!.start(url, '');
  let started = false;
  await tickUntil(
    server,
    () => clients.map((c) => c.isDone(2)).every(Boolean), // every one: isDone also announces 'finish'
    [
      {
        poll: () => {
          if (!started && clients[0]!.lobby !== '') started = clients[1]!.start(url, clients[0]!.lobby) === ErrorCode.OK;
          for (const c of clients) c.frame(1 / 60);
        },
      },
    ],
    60_000,
  );
  t.pass('host and guest exchanged RPCs over WebRTC after signaling through the game server');
  t.match(server.rooms(), [{ kind: 'webrtc-lobby', id: clients[0]!.lobby, clients: 2 }]);
});
