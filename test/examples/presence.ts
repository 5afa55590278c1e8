import { ErrorCode } from '../../core/index.js';
import { GameServer } from '../../server/index.js';
import { Matchmaker, MemoryPresence, PresenceRegistry } from '../../server/presence/index.js';

const gameServer = new GameServer();
gameServer.define('arena', { maxClients: 10, setup: () => {} }); // setup builds a room's scene
if ((await gameServer.listen(0, '127.0.0.1')) !== ErrorCode.OK) throw new Error('cannot listen');
gameServer.start();

// One process: MemoryPresence. Several processes on one Redis: new RedisPresence({ url: 'redis://127.0.0.1:6379' }).
const presence = new MemoryPresence();
const registry = new PresenceRegistry(gameServer, presence, { url: `ws://127.0.0.1:${gameServer.getLocalPort()}` });
await registry.start();
const matchmaker = new Matchmaker(presence); // any process
const seat = await matchmaker.joinOrCreate('arena', { mode: 'ranked' }); // also join(roomId), create(type), list(type, filter)
console.log(seat.joinUrl.replace(/\d+\/arena\/.*\?seat=.*/, 'PORT/arena/<roomId>?seat=<32 hex>')); // a stock Godot client joins with this URL

await registry.stop();
await gameServer.shutdown({ graceMs: 0 });
