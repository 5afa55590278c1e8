/**
 * The matchmaker across real processes on a real Redis: 200 concurrent joinOrCreate through two
 * matchmaker processes at rooms of 10 hosted by two game-server processes.
 */
import t from 'tap';
import { RedisPresence } from '../../../server/presence/index.js';
import { spawnTs } from '../../helpers/redis-processes.js';
import { startRedis } from '../../helpers/redis-server.js';

interface Seat {
  roomId: string;
  token: string;
  joinUrl: string;
  processId: string;
}

t.test(
  '200 concurrent joinOrCreate through 2 matchmaker processes: exactly 200 seats in 20 rooms, none over capacity, none double-used',
  async (t) => {
    const redis = await startRedis(t);
    const prefix = 'mm200:';
    const games = [0, 1].map(() => spawnTs(t, 'test/helpers/redis-game-process.ts', [redis.url, prefix, '10', '200', '3000']));
    const gameIds = (await Promise.all(games.map((g) => g.waitFor(/^ready (\S+) (\S+)$/, 60_000)))).map((m) => m[2]!);
    const makers = [0, 1].map(() => spawnTs(t, 'test/helpers/redis-matchmaker-process.ts', [redis.url, prefix, '100']));
    await Promise.all(makers.map((m) => m.waitFor(/^ready$/, 60_000)));
    for (const m of makers) m.proc.stdin!.write('go\n');
    const outputs = await Promise.all(
      makers.map(async (m) => JSON.parse((await m.waitFor(/^\{.*\}$/, 60_000))[0]) as { seats: Seat[]; errors: string[] }),
    );
    const seats = outputs.flatMap((o) => o.seats);
    t.same(
      outputs.flatMap((o) => o.errors),
      [],
      'no call failed',
    );
    t.equal(seats.length, 200, '200 seats');
    t.equal(new Set(seats.map((s) => s.token)).size, 200, 'every token is distinct');
    const perRoom = new Map<string, number>();
    for (const s of seats) perRoom.set(s.roomId, (perRoom.get(s.roomId) ?? 0) + 1);
    t.equal(perRoom.size, 20, '20 rooms');
    t.same([...new Set(perRoom.values())], [10], 'each room got exactly 10 seats');
    t.same([...new Set(seats.map((s) => s.processId))].sort(), [...gameIds].sort(), 'rooms were placed on both game-server processes');

    const presence = new RedisPresence({ url: redis.url, prefix });
    t.teardown(() => presence.close());
    await presence.ready();
    const listed = await presence.listRooms('arena');
    t.equal(listed.length, 20);
    t.ok(
      listed.every((r) => r.seats === 10 && r.maxClients === 10),
      'the store agrees: 10 of 10 seats in every room, none over',
    );

    // Both matchmaker processes (and this one) race to use every token twice: each is good exactly once.
    const uses = await Promise.all(
      seats.flatMap((s) => [presence.consumeSeat(s.roomId, s.token), presence.consumeSeat(s.roomId, s.token)]),
    );
    t.equal(uses.filter(Boolean).length, 200, 'every token is used exactly once');
    // The game servers opened the placed rooms (the matchmaker's "create" command over pub/sub).
    for (let i = 0; i < 100 && (await presence.listRooms('arena')).some((r) => r.pending); i++)
      await new Promise((r) => setTimeout(r, 100));
    const after = await presence.listRooms('arena');
    t.ok(
      after.every((r) => !r.pending && r.seats === 10),
      'every room is open on its process, seats still held',
    );
    for (const g of games) g.proc.kill('SIGTERM');
    await Promise.all(games.map((g) => g.exited));
  },
);
