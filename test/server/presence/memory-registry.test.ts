/** The same seat flow in one process on MemoryPresence (the default: no Redis), on a manual clock. */
import t from 'tap';
import { ErrorCode, ManualClock, decodeUint32 } from '../../../core/index.js';
import { RoomCloseCode } from '../../../server/index.js';
import { Matchmaker, MemoryPresence, PresenceRegistry } from '../../../server/presence/index.js';
import { rawClient } from '../../helpers/raw-ws.js';
import { arenaServer, tickUntil } from '../../helpers/server-rooms.js';

t.test('MemoryPresence: matchmaker, seat URL, expiry of an unused seat on the manual clock', async (t) => {
  const clock = new ManualClock();
  const server = await arenaServer(t, { clock, maxClients: 2, enet: {} });
  const presence = new MemoryPresence({ clock });
  const registry = new PresenceRegistry(server, presence, {
    url: `ws://127.0.0.1:${server.getLocalPort()}`,
    heartbeatMs: 60_000,
    ttlMs: 120_000,
  });
  t.teardown(() => registry.stop());
  await registry.start();
  const matchmaker = new Matchmaker(presence, { seatTtlMs: 10_000 });
  const a = await matchmaker.joinOrCreate('arena', { map: 'dust' });
  await tickUntil(server, () => server.getRoom(a.roomId) !== null);
  t.ok(server.getRoom(a.roomId) !== null, 'the "create" command opened the room in this process');
  t.same(server.getRoom(a.roomId)!.metadata, { map: 'dust' });
  const b = await matchmaker.joinOrCreate('arena', { map: 'dust' });
  t.equal(b.roomId, a.roomId);
  await t.rejects(matchmaker.join(a.roomId), { code: ErrorCode.ERR_BUSY }, 'two seats reserved in a room of two');
  clock.advance(10_001); // b's and a's seats expire unused
  t.equal((await matchmaker.join(a.roomId)).roomId, a.roomId, 'expired seats are free again');
  const c = await matchmaker.joinOrCreate('arena', { map: 'dust' });
  const client = rawClient(c.joinUrl);
  t.teardown(() => client.ws.terminate());
  let id = 0;
  void client.next().then((m) => (id = decodeUint32(m.data, 0)));
  await tickUntil(server, () => id !== 0);
  t.ok(id > 1, 'joined with the seat URL');
  const expired = rawClient(a.joinUrl);
  let code = 0;
  void expired.closed.then((r) => (code = r.code));
  await tickUntil(server, () => code !== 0);
  t.equal(code, RoomCloseCode.BAD_SEAT, 'an expired seat token is refused');
  t.same(
    (await matchmaker.list('arena')).map((r) => [r.id, r.seats, r.maxClients]),
    [[a.roomId, 2, 2]],
  );
  await registry.sync();
  const port = server.getLocalPort();
  t.same(
    (await matchmaker.list('arena'))[0]!.endpoints,
    { ws: `ws://127.0.0.1:${port}/${a.roomId}`, enet: `enet://127.0.0.1:${server.getRoom(a.roomId)!.enetPort}` },
    'the room is listed with its public address per transport',
  );
});
