import type { RoomTypeOptions } from '../../server/index.js';
import { GAME_SCENE, Game } from './game.js';
import { Lobby } from './lobby.js';

/** Options of the lobby room type. */
export interface LobbyRoomOptions {
  /** Players per match; the round starts when the room is full (default 4). */
  readonly players?: number;
  /** Frames a round lasts (default 600: ten seconds at 60 fps). */
  readonly roundFrames?: number;
  readonly log?: (line: string) => void;
}

/**
 * Godot's lobby as a game-server room type: each room is a dedicated lobby server (`/root/Lobby`,
 * which takes no part in the game) that fills up with players, locks itself, loads the game scene on
 * every peer, plays one round, and disposes itself once its players have left. Clients are the sample's
 * ordinary lobby clients (or Godot's lobby demo) pointed at `ws://host:port/lobby/<roomId>`.
 */
export function lobbyRoomType(options: LobbyRoomOptions = {}): RoomTypeOptions {
  const players = options.players ?? 4;
  return {
    maxClients: players,
    setup(room) {
      const log = (message: string): void => options.log?.(`[room ${room.id}] ${message}`);
      const lobby = new Lobby({ playerInfo: null, gameScene: GAME_SCENE, log });
      room.tree.root.addChild(lobby);
      room.tree.scenes.registerScene(GAME_SCENE, () => new Game(lobby, { roundFrames: options.roundFrames ?? 600, log }));
      room.metadata = { phase: 'waiting', players: 0 };
      lobby.playerConnected.connect(() => {
        room.metadata = { ...room.metadata, players: lobby.players.size };
        if (lobby.players.size < players || room.locked) return;
        room.lock();
        room.metadata = { ...room.metadata, phase: 'playing' };
        lobby.startLoading();
      });
      lobby.playerDisconnected.connect(() => {
        room.metadata = { ...room.metadata, players: lobby.players.size };
        // The match is over once everyone who played has left: the room closes.
        if (room.locked && lobby.players.size === 0) room.dispose();
      });
      lobby.allPlayersLoaded.connect(() => (room.tree.currentScene as Game).rpc('begin'));
      lobby.hostGame();
    },
  };
}
