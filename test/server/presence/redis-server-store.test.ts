/** The server list's RedisServerStore: two lobby services share one list on a real Redis; Redis expires entries. */
import t from 'tap';
import { ErrorCode } from '../../../core/index.js';
import { LobbyService } from '../../../samples/server-list/lobby-service.js';
import { RedisServerStore } from '../../../samples/server-list/redis-server-store.js';
import { startRedis } from '../../helpers/redis-server.js';

t.test(
  'two lobbies on one RedisServerStore: register on A, list and heartbeat on B; an entry not heartbeaten leaves after its TTL',
  async (t) => {
    const redis = await startRedis(t);
    const lobbies = [0, 1].map(() => {
      const store = new RedisServerStore(redis.url, 'store-test:');
      const lobby = new LobbyService({ store, ttlSeconds: 1 });
      t.teardown(async () => {
        await lobby.close();
        await store.close();
      });
      return lobby;
    });
    for (const l of lobbies) t.equal(await l.listen(0), ErrorCode.OK);
    const [a, b] = lobbies.map((l) => `http://127.0.0.1:${l.port}`) as [string, string];
    const post = async (url: string, body: unknown) => {
      const res = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const one = await post(`${a}/servers`, { name: 'One', game: 'arena', port: 9001, maxPlayers: 4 });
    const two = await post(`${b}/servers`, { name: 'Two', game: 'arena', port: 9002, maxPlayers: 4 });
    t.same([one.status, two.status], [201, 201]);
    const names = async (url: string) =>
      ((await (await fetch(`${url}/servers`)).json()) as { servers: Array<{ name: string }> }).servers.map((s) => s.name);
    t.same(await names(a), ['One', 'Two'], 'A lists both, in registration order');
    t.same(await names(b), ['One', 'Two'], 'B lists both');
    t.equal(
      (await post(`${b}/servers/${one.body.id}/heartbeat`, { token: one.body.token, players: 2 })).status,
      200,
      'B takes a heartbeat for a server registered on A',
    );
    await new Promise((resolve) => setTimeout(resolve, 700));
    t.equal((await post(`${a}/servers/${one.body.id}/heartbeat`, { token: one.body.token, players: 3 })).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 700));
    t.same(await names(b), ['One'], 'Two expired (1 s TTL), One was kept alive');
  },
);
