/** Rooms behind one WebSocket port: routing by URL path, isolation, refusals, `rooms()`, lock, seats. */
import t from 'tap';
import { ConnectionStatus, ErrorCode, ManualClock, MultiplayerError, decodeUint32 } from '../../core/index.js';
import { SceneTree } from '../../scenetree/index.js';
import { WebSocketMultiplayerPeer } from '../../plugins/websocket/index.js';
import { GameServer, RoomCloseCode, parseRoomPath } from '../../server/index.js';
import { hex, rawClient, type RawClient } from '../helpers/raw-ws.js';
import { arenaServer, buildGame, playerOf, tickUntil } from '../helpers/server-rooms.js';

/** Waits (ticking the server) for a raw client's id message; returns the id. */
async function joined(server: GameServer, client: RawClient): Promise<number> {
  let id = 0;
  void client.next().then((m) => (id = decodeUint32(m.data, 0) | 0));
  await tickUntil(server, () => id !== 0);
  return id;
}

/** Waits (ticking the server) for a raw client to be closed; returns code and reason. */
async function refused(server: GameServer, client: RawClient): Promise<{ code: number; reason: string }> {
  let result: { code: number; reason: string } | undefined;
  void client.closed.then((r) => (result = r));
  await tickUntil(server, () => result !== undefined);
  return result!;
}

t.test('parseRoomPath: the URL scheme', async (t) => {
  t.same(parseRoomPath('/abc'), { kind: 'join', roomId: 'abc' });
  t.same(parseRoomPath('/arena/r1?token=x'), { kind: 'join-or-create', type: 'arena', roomId: 'r1' });
  t.same(parseRoomPath('/arena/'), { kind: 'quick-join', type: 'arena' });
  for (const bad of ['', '/', '//', '/a/b/c', '/a b', '/%41', 'abc', `/${'x'.repeat(65)}`, '/arena/r1/'])
    t.equal(parseRoomPath(bad), null, JSON.stringify(bad));
});

t.test('two rooms on one port: own peer ids, own traffic; a client in A never sees a byte of B', async (t) => {
  const server = await arenaServer(t);
  const url = `ws://127.0.0.1:${server.getLocalPort()}`;
  const a1 = rawClient(`${url}/arena/A`);
  const b1 = rawClient(`${url}/arena/B`);
  t.teardown(() => [a1, b1].forEach((c) => c.ws.terminate()));
  const a1Id = await joined(server, a1);
  const b1Id = await joined(server, b1);
  const roomA = server.getRoom('A')!;
  const roomB = server.getRoom('B')!;

  // A scenenet client joins B by its short path `/B`.
  const tree = new SceneTree();
  buildGame(tree.root);
  const peer = new WebSocketMultiplayerPeer();
  t.teardown(() => peer.close());
  t.equal(peer.createClient(`${url}/B`), ErrorCode.OK);
  tree.getMultiplayer().multiplayerPeer = peer;
  await tickUntil(server, () => roomB.multiplayer.getPeers().length === 2 && peer.getConnectionStatus() === ConnectionStatus.CONNECTED, [
    tree,
  ]);
  t.equal(peer.getConnectionStatus(), ConnectionStatus.CONNECTED);
  t.same(roomA.multiplayer.getPeers(), [a1Id]);
  t.same(roomB.multiplayer.getPeers().sort(), [b1Id, peer.getUniqueId()].sort());
  t.equal(roomA.multiplayer.getUniqueId(), 1, "room A's server is peer 1");
  t.equal(roomB.multiplayer.getUniqueId(), 1, "room B's server is peer 1");

  // B's server broadcasts; B's clients hear it (the scenenet client runs it), A's client hears nothing.
  const b1Got: string[] = [];
  const collect = () => void b1.next().then((m) => b1Got.push(hex(m.data)));
  for (let i = 0; i < 3; i++) collect(); // ADD_PEER, SIMPLIFY_PATH, ping
  playerOf(roomB).rpc('ping');
  const clientPlayer = tree.root.getNode('Game/Player') as ReturnType<typeof playerOf>;
  await tickUntil(server, () => clientPlayer.pings === 1 && b1Got.length === 3, [tree]);
  t.match(b1Got[0], /^07 01 /, 'b1 was told of the new peer in its room (ADD_PEER)');
  // The scenenet client calls hit(7) on B's server.
  clientPlayer.rpcId(1, 'hit', 7);
  await tickUntil(server, () => playerOf(roomB).hits.length === 1, [tree]);
  t.same(playerOf(roomB).hits, [[peer.getUniqueId(), 7]]);
  t.same(playerOf(roomA).hits, [], 'room A ran nothing');
  t.same(a1.queued, [], 'a1 received nothing but its id');
  t.equal(roomA.traffic().get('ws')!.packetsIn, 0);
  t.equal(roomA.traffic().get('ws')!.bytesOut, 0, 'room A sent no byte');
  t.ok(roomB.traffic().get('ws')!.rpcsOut >= 2, 'room B counted its RPCs');
});

t.test('refusals carry close codes: bad URL, unknown room or type, no create, full, locked, max rooms', async (t) => {
  const server = await arenaServer(t, { maxClients: 1, maxRooms: 2 });
  const url = `ws://127.0.0.1:${server.getLocalPort()}`;
  const reasons: string[] = [];
  server.joinRefused.connect((why) => reasons.push(why));
  const expect = async (path: string, code: number) => {
    const c = rawClient(`${url}${path}`);
    t.teardown(() => c.ws.terminate());
    const closed = await refused(server, c);
    t.equal(closed.code, code, `${path} → ${code} (${closed.reason})`);
    t.ok(closed.reason.length > 0, 'with a reason');
  };
  await expect('/a/b/c', RoomCloseCode.BAD_URL);
  await expect('/nosuchroom', RoomCloseCode.NOT_FOUND);
  await expect('/nosuchtype/r1', RoomCloseCode.NOT_FOUND);
  await expect('/fixed/r1', RoomCloseCode.NOT_FOUND);
  const first = rawClient(`${url}/arena/one`);
  t.teardown(() => first.ws.terminate());
  await joined(server, first);
  await expect('/one', RoomCloseCode.FULL);
  await expect('/fixed/one', RoomCloseCode.NOT_FOUND); // exists, but of another type
  const locked = await server.createRoom('arena', { id: 'two' });
  locked.lock();
  await expect('/two', RoomCloseCode.LOCKED);
  await expect('/arena/three', RoomCloseCode.TOO_MANY_ROOMS);
  t.same(reasons, ['bad_url', 'not_found', 'not_found', 'not_found', 'full', 'not_found', 'locked', 'too_many_rooms']);
  locked.unlock();
  const again = rawClient(`${url}/two`);
  t.teardown(() => again.ws.terminate());
  t.ok((await joined(server, again)) >= 2, 'an unlocked room takes clients again');
});

t.test('rooms(): ids, types, player counts, metadata, endpoints; quick join fills the fullest open room', async (t) => {
  const server = await arenaServer(t, { maxClients: 2 });
  const url = `ws://127.0.0.1:${server.getLocalPort()}`;
  const room = await server.createRoom('arena', { id: 'listed', metadata: { map: 'dust' } });
  const c1 = rawClient(`${url}/arena/`);
  const c2 = rawClient(`${url}/arena/`);
  const c3 = rawClient(`${url}/arena/`);
  t.teardown(() => [c1, c2, c3].forEach((c) => c.ws.terminate()));
  await joined(server, c1);
  await joined(server, c2);
  await joined(server, c3);
  await tickUntil(server, () => server.rooms().reduce((n, r) => n + r.clients, 0) === 3);
  const rows = server.rooms();
  t.equal(rows.length, 2, 'quick join filled "listed", then created one more room');
  t.match(rows[0], {
    id: 'listed',
    type: 'arena',
    clients: 2,
    maxClients: 2,
    locked: false,
    metadata: { map: 'dust' },
    endpoints: { ws: '/listed', enet: null },
  });
  t.match(rows[1], { type: 'arena', clients: 1, maxClients: 2, locked: false });
  t.match(rows[1]!.id, /^[a-z2-9]{8}$/);
  room.metadata = { map: 'nuke' };
  t.same(server.rooms()[0]!.metadata, { map: 'nuke' });
});

t.test('lifecycle: API errors; an empty room is disposed after its grace period (manual clock)', async (t) => {
  const clock = new ManualClock();
  const server = new GameServer({ clock, maxRooms: 3 });
  server.define('arena', { setup: (room) => void buildGame(room.tree.root), emptyGraceMs: 1000 });
  server.define('forever', { setup: () => {}, emptyGraceMs: Infinity });
  t.teardown(() => server.shutdown({ graceMs: 0 }));
  const disposed: string[] = [];
  server.roomDisposed.connect((room) => disposed.push(room.id));
  const code = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (err: unknown) => (MultiplayerError.is(err) ? err.code : 'not a MultiplayerError'),
    );
  t.equal(await code(server.createRoom('nope')), ErrorCode.ERR_DOES_NOT_EXIST);
  t.equal(await code(server.createRoom('arena', { id: 'bad id' })), ErrorCode.ERR_INVALID_PARAMETER);
  await server.createRoom('arena', { id: 'r1' });
  t.equal(await code(server.createRoom('arena', { id: 'r1' })), ErrorCode.ERR_ALREADY_EXISTS);
  await server.createRoom('forever', { id: 'r2' });
  await server.createRoom('arena', { id: 'r3' });
  t.equal(await code(server.createRoom('arena')), ErrorCode.ERR_OUT_OF_MEMORY, 'maxRooms');
  t.throws(() => server.define('arena', { setup: () => {} }), { code: ErrorCode.ERR_ALREADY_EXISTS });

  server.tick(1 / 60);
  clock.advance(999);
  server.tick(1 / 60);
  t.same(disposed, [], 'still within the grace period');
  clock.advance(1);
  server.tick(1 / 60);
  t.same(disposed, ['r1', 'r3'], 'empty past 1000 ms: disposed');
  t.same(
    server.rooms().map((r) => r.id),
    ['r2'],
    'emptyGraceMs: Infinity keeps a room',
  );
  t.ok(server.getRoom('r1') === null);
  t.equal(server.disposeRoom('r2'), true);
  t.equal(server.disposeRoom('r2'), false);
  t.same(server.rooms(), []);
});

t.test('shutdown: reliable traffic queued before the drain arrives, then close code 4503; new joins are refused', async (t) => {
  const server = await arenaServer(t);
  const url = `ws://127.0.0.1:${server.getLocalPort()}`;
  const client = rawClient(`${url}/arena/drain`);
  t.teardown(() => client.ws.terminate());
  const id = await joined(server, client);
  const room = server.getRoom('drain')!;
  await tickUntil(server, () => room.multiplayer.getPeers().includes(id));
  for (let i = 0; i < 200; i++) t.equal(room.multiplayer.sendBytes(Uint8Array.of(i & 0xff, 0x42), id), ErrorCode.OK);
  const got: number[] = [];
  client.ws.on('message', (data: Buffer) => got.push(data[1]!));
  const closed = client.closed;
  const shutdown = server.shutdown({ graceMs: 10_000, reason: 'maintenance' });
  const late = rawClient(`${url}/drain`);
  t.teardown(() => late.ws.terminate());
  t.same(await closed, { code: RoomCloseCode.SHUTTING_DOWN, reason: 'maintenance' });
  t.equal(got.length, 200, 'every packet sent before shutdown arrived first');
  await shutdown;
  t.equal(server.getRoom('drain'), null, 'rooms are closed');
  const lateClose = await late.closed;
  t.ok(lateClose.code === RoomCloseCode.SHUTTING_DOWN || lateClose.code === 1006, `a join during the drain is refused (${lateClose.code})`);
});
