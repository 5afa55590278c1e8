/** `scenenet serve --presence redis://…`: two real serve processes on one real Redis; a matchmaker seats stock clients in both. */
import t from 'tap';
import { decodeUint32 } from '../../../core/index.js';
import { RoomCloseCode } from '../../../server/index.js';
import { Matchmaker, RedisPresence } from '../../../server/presence/index.js';
import { rawClient } from '../../helpers/raw-ws.js';
import { spawnTs } from '../../helpers/redis-processes.js';
import { startRedis } from '../../helpers/redis-server.js';

t.test(
  'scenenet serve --presence: rooms of both processes are listed, seats go to either, a stock client joins with its seat URL',
  async (t) => {
    const redis = await startRedis(t);
    const serves = [0, 1].map(() =>
      spawnTs(t, 'bin/scenenet.ts', [
        'serve',
        '--port',
        '0',
        '--rooms',
        '0',
        '--enet-ports',
        'off',
        '--presence',
        redis.url,
        '--grace-ms',
        '500',
      ]),
    );
    const ids = (
      await Promise.all(
        serves.map((s) => s.waitFor(/^presence: redis:\/\/\S+ as process (\S+) \(clients are sent to (ws:\/\/\S+)\)$/, 90_000)),
      )
    ).map((m) => m[1]!);
    const presence = new RedisPresence({ url: redis.url });
    t.teardown(() => presence.close());
    await presence.ready();
    t.same((await presence.listProcesses()).map((p) => p.id).sort(), [...ids].sort(), 'both processes registered');
    t.same(
      (await presence.listProcesses()).map((p) => p.types),
      [{ lobby: 4 }, { lobby: 4 }],
      'with their room type',
    );
    const matchmaker = new Matchmaker(presence);
    const seats = [];
    for (let i = 0; i < 5; i++) seats.push(await matchmaker.joinOrCreate('lobby'));
    t.same(seats.map((s) => s.roomId).filter((id, i, all) => all.indexOf(id) === i).length, 2, '5 seats in rooms of 4: 2 rooms');
    t.same(new Set(seats.map((s) => s.processId)), new Set(ids), 'one room on each process');
    const client = rawClient(seats[4]!.joinUrl);
    t.teardown(() => client.ws.terminate());
    t.ok(decodeUint32((await client.next(30_000)).data, 0) > 1, 'the client got its peer id from the room');
    const used = rawClient(seats[4]!.joinUrl);
    t.equal((await used.closed).code, RoomCloseCode.BAD_SEAT, 'its seat URL works once');
    for (const s of serves) s.proc.kill('SIGTERM');
    t.same(await Promise.all(serves.map((s) => s.exited)), [0, 0], 'both drain and exit 0');
    t.same(await presence.listProcesses(), [], 'and unregister');
  },
);
