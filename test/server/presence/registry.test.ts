/**
 * A GameServer on a real Redis through PresenceRegistry: seat tokens in the WebSocket URL (as a
 * stock Godot client sends them), seats given back, commands between processes, and the faults:
 * Redis restarting mid-run, Redis unreachable at start, a partition of one process.
 */
import t, { type Test } from 'tap';
import { ErrorCode, MemoryLogger, MultiplayerError, decodeUint32 } from '../../../core/index.js';
import { type GameServer, RoomCloseCode } from '../../../server/index.js';
import { Matchmaker, PresenceRegistry, RedisPresence, type RoomListing } from '../../../server/presence/index.js';
import { rawClient, type RawClient } from '../../helpers/raw-ws.js';
import { freePort, startRedis } from '../../helpers/redis-server.js';
import { redisProxy } from '../../helpers/redis-proxy.js';
import { arenaServer, playerOf, tickUntil } from '../../helpers/server-rooms.js';

function presenceFor(t: Test, url: string, logger?: MemoryLogger): RedisPresence {
  const presence = new RedisPresence({ url, prefix: 'reg:', maxRetryDelayMs: 100, ...(logger !== undefined ? { logger } : {}) });
  t.teardown(() => presence.close());
  return presence;
}

async function registered(
  t: Test,
  server: GameServer,
  presence: RedisPresence,
  options: { heartbeatMs?: number; ttlMs?: number; logger?: MemoryLogger } = {},
): Promise<PresenceRegistry> {
  const registry = new PresenceRegistry(server, presence, {
    url: `ws://127.0.0.1:${server.getLocalPort()}`,
    heartbeatMs: options.heartbeatMs ?? 100,
    ttlMs: options.ttlMs ?? 1000,
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
  t.teardown(() => registry.stop());
  await registry.start();
  if (presence.connected) await registry.subscribed;
  return registry;
}

async function joined(server: GameServer, client: RawClient): Promise<number> {
  let id = 0;
  void client.next().then((m) => (id = decodeUint32(m.data, 0) | 0));
  await tickUntil(server, () => id !== 0);
  return id;
}

async function refused(server: GameServer, client: RawClient): Promise<number> {
  let code = 0;
  void client.closed.then((r) => (code = r.code));
  await tickUntil(server, () => code !== 0);
  return code;
}

/** Polls `read` (ticking the server) until `done` holds for its value. */
async function until<T>(server: GameServer, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && done(value)) return value;
    if (Date.now() > deadline) throw new Error(`until: not satisfied within ${timeoutMs} ms (last: ${JSON.stringify(value)})`);
    await tickUntil(server, () => true);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

t.test(
  'seat tokens in the WebSocket URL: single use, bound to the room; reserved seats count; leaving frees a seat; tell a room',
  async (t) => {
    const redis = await startRedis(t);
    const server = await arenaServer(t, { maxClients: 2 });
    const presence = presenceFor(t, redis.url);
    await presence.ready();
    const registry = await registered(t, server, presence);
    const matchmaker = new Matchmaker(presence);

    const seat1 = await matchmaker.joinOrCreate('arena');
    t.match(seat1, {
      created: true,
      processId: registry.processId,
      joinUrl: new RegExp(`^ws://127\\.0\\.0\\.1:${server.getLocalPort()}/arena/${seat1.roomId}\\?seat=[0-9a-f]{32}$`),
    });
    const client1 = rawClient(seat1.joinUrl);
    t.teardown(() => client1.ws.terminate());
    const id1 = await joined(server, client1);
    const room = server.getRoom(seat1.roomId)!;
    t.same(room.multiplayer.getPeers(), [id1], 'the stock client joined with its seat token');

    t.equal(await refused(server, rawClient(seat1.joinUrl)), RoomCloseCode.BAD_SEAT, 'a used token is refused');
    t.equal(
      await refused(server, rawClient(`ws://127.0.0.1:${server.getLocalPort()}/arena/${seat1.roomId}?seat=${'0'.repeat(32)}`)),
      RoomCloseCode.BAD_SEAT,
      'an unknown token is refused',
    );
    t.equal(
      await refused(server, rawClient(`ws://127.0.0.1:${server.getLocalPort()}/arena/${seat1.roomId}?seat=nope`)),
      RoomCloseCode.BAD_SEAT,
      'a malformed token is refused',
    );

    const seat2 = await matchmaker.joinOrCreate('arena');
    t.equal(seat2.roomId, seat1.roomId, 'the open room is filled first');
    t.equal(
      await refused(server, rawClient(`ws://127.0.0.1:${server.getLocalPort()}/${seat1.roomId}`)),
      RoomCloseCode.FULL,
      'a direct join finds the reserved seat taken',
    );
    const seat3 = await matchmaker.joinOrCreate('arena');
    t.not(seat3.roomId, seat1.roomId, 'a full room is not booked past maxClients: a new room is placed');
    await t.rejects(matchmaker.join(seat1.roomId), { code: ErrorCode.ERR_BUSY });

    const client2 = rawClient(seat2.joinUrl);
    t.teardown(() => client2.ws.terminate());
    await joined(server, client2);
    client1.ws.close();
    const freed = await until(
      server,
      () => presence.listRooms('arena'),
      (rooms) => rooms.find((r) => r.id === seat1.roomId)?.seats === 1,
    );
    t.match(
      freed.find((r) => r.id === seat1.roomId),
      { seats: 1, clients: 1, maxClients: 2, pending: false, endpoints: { ws: `ws://127.0.0.1:${server.getLocalPort()}/${seat1.roomId}` } },
    );
    t.equal((await matchmaker.join(seat1.roomId)).roomId, seat1.roomId, 'the seat of the client who left is free again');

    const told: unknown[] = [];
    registry.told.connect((r, data) => told.push([r.id, data]));
    t.ok(await matchmaker.tellRoom(seat1.roomId, { hello: 1 }));
    await until(
      server,
      async () => told.length,
      (n) => n === 1,
    );
    t.same(told, [[seat1.roomId, { hello: 1 }]], 'a message reached the room over pub/sub');
    await t.rejects(matchmaker.join('nope'), { code: ErrorCode.ERR_DOES_NOT_EXIST });
  },
);

t.test('Redis restarts mid-run: the process re-registers its rooms, players in running rooms lose nothing', async (t) => {
  const redis = await startRedis(t);
  const server = await arenaServer(t, { maxClients: 4 });
  const logger = new MemoryLogger();
  const presence = presenceFor(t, redis.url, logger);
  await presence.ready();
  await registered(t, server, presence, { logger });
  const seat = await new Matchmaker(presence).joinOrCreate('arena');
  const client = rawClient(seat.joinUrl);
  t.teardown(() => client.ws.terminate());
  const id = await joined(server, client);
  const room = server.getRoom(seat.roomId)!;

  await redis.restart(); // SIGKILL, then an empty redis-server on the same port
  const back = await until(
    server,
    () => presence.listRooms('arena'),
    (rooms) => rooms.length === 1,
  );
  t.match(back[0], { id: seat.roomId, seats: 1, clients: 1, pending: false }, 'the room is listed again with its player');
  t.same(room.multiplayer.getPeers(), [id], 'the player is still in the room');
  playerOf(room).rpc('ping');
  let got = false;
  void client.next().then(() => (got = true));
  await tickUntil(server, () => got);
  t.ok(got, "and still gets the room's RPCs");
  const seat2 = await new Matchmaker(presence).joinOrCreate('arena');
  t.equal(seat2.roomId, seat.roomId, 'the matchmaker books into the re-registered room');
  t.equal(logger.records.filter((r) => /connection lost/.test(r.message)).length, 1, 'the loss is logged once');
});

t.test('Redis unreachable at start: a clear error, retries with backoff, no crash; registered once Redis is up', async (t) => {
  const port = await freePort();
  const logger = new MemoryLogger();
  const presence = presenceFor(t, `redis://127.0.0.1:${port}`, logger);
  const err = await presence.ready(300).catch((e: unknown) => e);
  t.ok(MultiplayerError.is(err) && err.code === ErrorCode.ERR_CANT_CONNECT, 'ready() rejects with ERR_CANT_CONNECT');
  t.match((err as Error).message, new RegExp(`unreachable \\(127\\.0\\.0\\.1:${port}\\)`));
  const server = await arenaServer(t);
  await server.createRoom('arena', { id: 'early' });
  await registered(t, server, presence, { logger }); // resolves: it keeps trying
  t.ok(
    logger.records.some((r) => /report failed/.test(r.message)),
    'the failed report is logged',
  );
  await startRedis(t, { port });
  await presence.ready(10_000);
  const rooms = await until(
    server,
    () => presence.listRooms(),
    (r) => r.length === 1,
  );
  t.equal(rooms[0]!.id, 'early', 'registered once Redis came up');
});

t.test('a partition of one process: its entries expire; on heal it re-registers', async (t) => {
  const redis = await startRedis(t);
  const proxy = await redisProxy(t, redis.port);
  const server = await arenaServer(t);
  await server.createRoom('arena', { id: 'cut-off' });
  const far = presenceFor(t, `redis://127.0.0.1:${proxy.port}`);
  await far.ready();
  const registry = await registered(t, server, far, { heartbeatMs: 100, ttlMs: 600 });
  const observer = presenceFor(t, redis.url);
  await observer.ready();
  const listed = (rooms: RoomListing[]): string[] => rooms.map((r) => r.id);
  t.same(
    listed(
      await until(
        server,
        () => observer.listRooms(),
        (r) => r.length === 1,
      ),
    ),
    ['cut-off'],
  );
  proxy.cut();
  const started = Date.now();
  // Rooms and the process are separate keys, each with its own TTL refreshed by the last heartbeat that
  // got through: wait for both to expire, then check both lists.
  const gone = await until(
    server,
    async () => ({ rooms: await observer.listRooms(), processes: await observer.listProcesses() }),
    (v) => v.rooms.length === 0 && v.processes.length === 0,
  );
  t.same(listed(gone.rooms), [], 'the rooms left the list');
  t.same(
    gone.processes.map((p) => p.id),
    [],
    'the process left the list too',
  );
  t.ok(Date.now() - started < 5000, 'within the TTL (plus polling)');
  proxy.heal();
  t.same(
    listed(
      await until(
        server,
        () => observer.listRooms(),
        (r) => r.length === 1,
      ),
    ),
    ['cut-off'],
    're-registered on heal',
  );
  t.same(
    (await observer.listProcesses()).map((p) => p.id),
    [registry.processId],
  );
});
