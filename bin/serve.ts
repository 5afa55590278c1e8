/** `scenenet serve`: the games it can host, registered here (bin may import every layer). */
import { lobbyRoomType } from '../samples/lobby/lobby-room.js';
import { runServe, type ServeGame } from '../server/index.js';

const GAMES: Record<string, ServeGame> = {
  lobby: {
    description: "Godot's lobby sample: 4 players per room, one round, then the room closes",
    roomTypes: (print) => ({ lobby: lobbyRoomType({ log: print }) }),
  },
};

export function main(argv: string[]): Promise<number> {
  return runServe(argv, GAMES);
}
