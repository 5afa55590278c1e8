/**
 * `scenenet arena [--port P] [--ws-port W]`: starts the arena (a GameServer with the `arena` room type
 * and a standing room `main`; a Phaser game in the browser, scenenet on both ends) and prints the URL
 * to open. Open it in two windows to play against yourself; `&room=<name>` in the URL joins (or
 * creates) another match. The page has toggles for interpolation and prediction and a latency slider.
 * Every option: `npx scenenet arena --help`.
 */
import { defineCommand, integerOption, runCommand, whenStopped } from '../../cli/index.js';
import { type ArenaServer, startArenaServer } from './server.js';

export const ARENA_COMMAND = defineCommand({
  name: 'arena',
  description: `The arena: a Phaser game in the browser with scenenet on both ends (a GameServer room over
WebSocket, snapshot interpolation, client-side prediction). Prints the URL to open; open it in two windows
to play against yourself, or add &room=<name> to the URL for another match. The page has toggles for
interpolation and prediction and a latency slider. SIGINT/SIGTERM close the server and exit 0.
Exit code: 0 after a signal, 1 when the server cannot start, 2 for bad arguments.`,
  options: {
    port: {
      type: 'string',
      value: 'P',
      default: '0',
      help: 'HTTP port of the page (0 picks a free one; the URL is printed)',
      example: '--port 8080',
    },
    'ws-port': {
      type: 'string',
      value: 'W',
      default: '0',
      help: "the game server's WebSocket port (0 picks a free one)",
      example: '--ws-port 9080',
    },
  },
  examples: ['scenenet arena --port 8080', 'scenenet arena --port 8080 --ws-port 9080'],
});

/** Runs the arena until SIGINT/SIGTERM; resolves with the exit code. */
export function main(argv: string[]): Promise<number> {
  return runCommand(ARENA_COMMAND, argv, async (values, stop) => {
    const port = integerOption(values.port, 'port', 0, 65535);
    const wsPort = integerOption(values['ws-port'], 'ws-port', 0, 65535);
    let server: ArenaServer;
    try {
      server = await startArenaServer({ port, wsPort });
    } catch (err) {
      console.error(`scenenet arena: ${(err as Error).message}`);
      return 1;
    }
    console.log(
      `arena: game server on ws://127.0.0.1:${server.game.getLocalPort()} (rooms: /${server.room.type.name}/<roomId>), client ${server.clientSource}`,
    );
    console.log(`arena: open ${server.url}`);
    await whenStopped(stop);
    await server.close();
    console.log(`arena: stopped by ${String(stop.reason)}`);
    return 0;
  });
}
