/**
 * The server list's multi-process mode: lobby API processes and game-server processes share one
 * Redis. Game servers are GameServers whose rooms register themselves (PresenceRegistry); lobby
 * processes answer `GET /servers` from a shared store, and `POST /match/<type>` / `GET /rooms` from
 * the matchmaker; players ask any lobby for a seat and connect straight to the game server with it.
 */
import { ErrorCode } from '../../core/index.js';
import { WebSocketMultiplayerPeer } from '../../plugins/websocket/index.js';
import { Node, SceneTree } from '../../scenetree/index.js';
import { GameServer } from '../../server/index.js';
import { Matchmaker, PresenceRegistry, RedisPresence } from '../../server/presence/index.js';
import { LobbyService } from './lobby-service.js';
import { RedisServerStore } from './redis-server-store.js';
import type { Print } from './run-server-list.js';

const printing = (print: Print) => ({
  debug: () => {},
  info: () => {},
  warn: (m: string) => print(`warning: ${m}`),
  error: (m: string) => print(`error: ${m}`),
});

/** A lobby API process on Redis; resolves with a stop function, or null if it cannot listen. */
export async function startClusterLobby(redisUrl: string, port: number, print: Print): Promise<(() => Promise<void>) | null> {
  const presence = new RedisPresence({ url: redisUrl, logger: printing(print) });
  const store = new RedisServerStore(redisUrl);
  const lobby = new LobbyService({ store, matchmaker: new Matchmaker(presence), logger: printing(print) });
  if ((await lobby.listen(port)) !== ErrorCode.OK) {
    print(`lobby: cannot listen on port ${port}`);
    await Promise.all([presence.close(), store.close()]);
    return null;
  }
  await presence.ready(3000).catch((err: Error) => print(`warning: ${err.message}`));
  print(`lobby listening on port ${lobby.port} (Redis ${redisUrl})`);
  return async () => {
    await lobby.close();
    await Promise.all([presence.close(), store.close()]);
  };
}

/** A game-server process on Redis hosting `arena` rooms of `maxPlayers`; resolves with a stop function. */
export async function startClusterGame(
  redisUrl: string,
  port: number,
  maxPlayers: number,
  print: Print,
): Promise<(() => Promise<void>) | null> {
  const server = new GameServer({ logger: printing(print) });
  server.define('arena', {
    maxClients: maxPlayers,
    setup: (room) => {
      room.tree.root.addChild(new Node('Arena'));
      room.multiplayer.peerConnected.connect((id) => print(`game server: player ${id} joined room ${room.id}`));
    },
  });
  if ((await server.listen(port, '127.0.0.1')) !== ErrorCode.OK) {
    print(`game server: cannot listen on port ${port}`);
    return null;
  }
  const url = `ws://127.0.0.1:${server.getLocalPort()}`;
  const presence = new RedisPresence({ url: redisUrl, logger: printing(print) });
  await presence.ready(3000).catch((err: Error) => print(`warning: ${err.message}`));
  const registry = new PresenceRegistry(server, presence, { url, logger: printing(print) });
  await registry.start();
  server.start();
  print(`game server listening on ${url} as process ${registry.processId}`);
  return async () => {
    await registry.stop();
    await server.shutdown({ graceMs: 500 });
    await presence.close();
  };
}

/** What a matched player did. */
export type MatchState = 'asking' | 'connecting' | 'joined' | 'failed';

/**
 * A player who asks the lobby at `lobbyUrl` for a seat in a `type` room and joins with it; when the
 * join fails (the game server died, the seat expired), it asks again, up to `attempts` times.
 */
export function startMatchedPlayer(
  lobbyUrl: string,
  type: string,
  print: Print,
  attempts = 12,
  retryMs = 1000,
): { tree: SceneTree; state(): MatchState } {
  const tree = new SceneTree();
  let state: MatchState = 'asking';
  let left = attempts;
  const ask = async (): Promise<void> => {
    if (left-- <= 0) {
      state = 'failed';
      return print('player: out of attempts');
    }
    state = 'asking';
    let seat: { roomId: string; joinUrl: string; processId: string };
    try {
      const res = await fetch(`${lobbyUrl.replace(/\/$/, '')}/match/${type}`, { method: 'POST' });
      if (res.status !== 200) throw new Error(`lobby answered ${res.status}`);
      seat = (await res.json()) as typeof seat;
    } catch (err) {
      print(`player: no seat (${(err as Error).message}); asking again`);
      setTimeout(() => void ask(), retryMs);
      return;
    }
    const peer = new WebSocketMultiplayerPeer();
    if (peer.createClient(seat.joinUrl) !== ErrorCode.OK) return void ask();
    state = 'connecting';
    print(`player: seat in room ${seat.roomId} (process ${seat.processId}), connecting to ${seat.joinUrl.replace(/\?.*/, '')}`);
    tree.getMultiplayer().multiplayerPeer = peer;
  };
  tree.getMultiplayer().connectedToServer.connect(() => {
    state = 'joined';
    print('player: joined the game server');
  });
  tree.getMultiplayer().connectionFailed.connect(() => {
    // The game server may have just died: its rooms leave the list within the TTL, so ask again
    // after a pause.
    print('player: could not connect; asking the lobby again');
    setTimeout(() => void ask(), retryMs);
  });
  void ask();
  return { tree, state: () => state };
}
