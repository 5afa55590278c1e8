/** The lobby sample as a room type (what `scenenet serve` hosts): fill, lock, play a round, close. */
import t from 'tap';
import { ConnectionStatus, ErrorCode } from '../../core/index.js';
import { SceneMultiplayer, SceneTree } from '../../scenetree/index.js';
import { WebSocketMultiplayerPeer } from '../../plugins/websocket/index.js';
import { GameServer, RoomCloseCode } from '../../server/index.js';
import { Game } from '../../samples/lobby/game.js';
import { Lobby } from '../../samples/lobby/lobby.js';
import { GAME_SCENE } from '../../samples/lobby/game.js';
import { lobbyRoomType } from '../../samples/lobby/lobby-room.js';
import { rawClient } from '../helpers/raw-ws.js';
import { tickUntil } from '../helpers/server-rooms.js';

t.test('two lobby clients fill a room: it locks, plays a round on every peer, and closes when they leave', async (t) => {
  const server = new GameServer();
  server.define('lobby', lobbyRoomType({ players: 2, roundFrames: 30 }));
  t.teardown(() => server.shutdown({ graceMs: 0 }));
  t.equal(await server.listen(0, '127.0.0.1'), ErrorCode.OK);
  const url = `ws://127.0.0.1:${server.getLocalPort()}/lobby/match`;
  const clients = ['Ada', 'Grace'].map((name) => {
    const peer = new WebSocketMultiplayerPeer();
    const tree = new SceneTree({ multiplayer: new SceneMultiplayer() });
    const lobby = new Lobby({ playerInfo: { name }, gameScene: GAME_SCENE });
    tree.root.addChild(lobby);
    tree.scenes.registerScene(GAME_SCENE, () => new Game(lobby, { roundFrames: 30, log: () => {} }));
    t.equal(peer.createClient(url), ErrorCode.OK);
    tree.getMultiplayer().multiplayerPeer = peer;
    t.teardown(() => peer.close());
    return { peer, tree, lobby };
  });
  const trees = clients.map((c) => c.tree);
  const game = (tree: SceneTree) => (tree.currentScene instanceof Game ? tree.currentScene : null);
  await tickUntil(server, () => clients.every((c) => game(c.tree)?.finished === true), trees, 60_000);
  const room = server.getRoom('match')!;
  t.equal(room.locked, true, 'the full room locked itself');
  t.match(room.metadata, { phase: 'playing', players: 2 });
  t.ok(
    clients.every((c) => c.lobby.players.size === 2),
    'each client knows both players',
  );
  const late = rawClient(url);
  t.teardown(() => late.ws.terminate());
  t.equal((await late.closed).code, RoomCloseCode.LOCKED, 'a third player is refused: the match is on');

  for (const c of clients) c.peer.close();
  await tickUntil(server, () => server.getRoom('match') === null, trees);
  t.pass('the room disposed itself once its players had left');
  t.ok(clients.every((c) => c.peer.getConnectionStatus() === ConnectionStatus.DISCONNECTED));
});
