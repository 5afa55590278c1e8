/**
 * A game-server process on a Redis presence, for the multi-process tests (run with `node --import tsx`):
 *   redis-game-process.ts <redisUrl> <prefix> [maxClients=10] [heartbeatMs=200] [ttlMs=1500]
 * Hosts room type `arena` on a free WebSocket port, prints `ready <wsUrl> <processId>`, then one
 * line per event (`joined <roomId> <peerId>`, `left …`), and drains on SIGTERM.
 */
import { ErrorCode } from '../../core/index.js';
import { GameServer } from '../../server/index.js';
import { PresenceRegistry, RedisPresence } from '../../server/presence/index.js';

const [url, prefix, max = '10', heartbeat = '200', ttl = '1500'] = process.argv.slice(2);
const log = {
  debug: () => {},
  info: (m: string) => console.log(`info ${m}`),
  warn: (m: string) => console.log(`warn ${m}`),
  error: (m: string) => console.log(`error ${m}`),
};
const presence = new RedisPresence({ url: url!, prefix: prefix!, logger: log, maxRetryDelayMs: 200 });
const server = new GameServer({ logger: { ...log, info: () => {} } });
server.define('arena', {
  maxClients: Number(max),
  setup: (room) => {
    room.multiplayer.peerConnected.connect((id) => console.log(`joined ${room.id} ${id}`));
    room.multiplayer.peerDisconnected.connect((id) => console.log(`left ${room.id} ${id}`));
  },
});
if ((await server.listen(0, '127.0.0.1')) !== ErrorCode.OK) process.exit(1);
const wsUrl = `ws://127.0.0.1:${server.getLocalPort()}`;
const registry = new PresenceRegistry(server, presence, { url: wsUrl, heartbeatMs: Number(heartbeat), ttlMs: Number(ttl), logger: log });
server.start();
await presence.ready(30_000);
await registry.start();
console.log(`ready ${wsUrl} ${registry.processId}`);
process.once('SIGTERM', async () => {
  await registry.stop();
  await server.shutdown({ graceMs: 200 });
  await presence.close();
  process.exit(0);
});
