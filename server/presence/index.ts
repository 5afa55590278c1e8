/**
 * Scaling past one process: presence (rooms and processes listed with a TTL, seats reserved
 * atomically, pub/sub between processes), the matchmaker, and the registry that connects a
 * GameServer to them. `MemoryPresence` is the default (one process, no setup); `RedisPresence`
 * shares one Redis between every process of a game.
 *
 * @example
 * ```ts
 * import { GameServer } from 'scenenet/server';
 * import { Matchmaker, PresenceRegistry, RedisPresence } from 'scenenet/server/presence';
 *
 * const presence = new RedisPresence({ url: 'redis://127.0.0.1:6379' });
 * const server = new GameServer().define('arena', { maxClients: 10, setup: () => {} });
 * await server.listen(9080);
 * await new PresenceRegistry(server, presence, { url: 'ws://127.0.0.1:9080' }).start();
 * // anywhere (same or another process):
 * const seat = await new Matchmaker(presence).joinOrCreate('arena', { mode: 'ranked' });
 * // a Godot client: WebSocketMultiplayerPeer.create_client(seat.joinUrl)
 * ```
 *
 * @packageDocumentation
 */
export { MemoryPresence } from './memory-presence.js';
export { RedisPresence } from './redis-presence.js';
export type { RedisPresenceOptions } from './redis-presence.js';
export { Matchmaker, SEAT_PARAM, SEAT_TOKEN_PATTERN } from './matchmaker.js';
export type { MatchmakerOptions, SeatReservation } from './matchmaker.js';
export { PresenceRegistry } from './presence-registry.js';
export type { PresenceRegistryOptions } from './presence-registry.js';
export { matchesCriteria, processChannel, ROOMS_CHANNEL } from './presence.js';
export type {
  Criterion,
  MessageHandler,
  Presence,
  ProcessInfo,
  Reservation,
  ReserveFailure,
  ReserveRequest,
  RoomListing,
  RoomState,
} from './presence.js';
export { createPresence } from './create-presence.js';
