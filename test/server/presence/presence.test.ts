/** The presence contract on MemoryPresence (manual clock) and on RedisPresence (a real redis-server). */
import t from 'tap';
import { ManualClock } from '../../../core/index.js';
import { MemoryPresence, RedisPresence } from '../../../server/presence/index.js';
import { startRedis } from '../../helpers/redis-server.js';
import { presenceContract } from './presence-contract.js';

t.test('MemoryPresence', async (t) => {
  presenceContract(t, async () => {
    const clock = new ManualClock();
    return { presence: new MemoryPresence({ clock }), advance: async (ms) => clock.advance(ms) };
  });
});

t.test('RedisPresence', async (t) => {
  const redis = await startRedis(t);
  let n = 0;
  presenceContract(t, async (t) => {
    // Each case gets its own key prefix on the one server.
    const presence = new RedisPresence({ url: redis.url, prefix: `case${++n}:` });
    t.teardown(() => presence.close());
    await presence.ready();
    return { presence, advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };
  });
});
