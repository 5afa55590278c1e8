/**
 * `scenenet arena [--port P]`: starts the arena server (a Phaser game in the browser, scenenet on both
 * ends) and prints the URL to open. Open it in two windows to play against yourself; the page has
 * toggles for interpolation and prediction and a latency slider. Every option: `npx scenenet arena --help`.
 */
import { defineCommand, integerOption, runCommand, whenStopped } from '../../cli/index.js';
import { startArenaServer } from './server.js';

export const ARENA_COMMAND = defineCommand({
  name: 'arena',
  description: `The arena: a Phaser game in the browser with scenenet on both ends (SceneMultiplayer over
WebSocket, snapshot interpolation, client-side prediction). Prints the URL to open; open it in two windows
to play against yourself. The page has toggles for interpolation and prediction and a latency slider.
SIGINT/SIGTERM close the server and exit 0.
Exit code: 0 after a signal, 1 when the server cannot start, 2 for bad arguments.`,
  options: {
    port: {
      type: 'string',
      value: 'P',
      default: '0',
      help: 'HTTP and WebSocket port (0 picks a free one; the URL is printed)',
      example: '--port 8080',
    },
  },
  examples: ['scenenet arena --port 8080'],
});

/** Runs the arena server until SIGINT/SIGTERM; resolves with the exit code. */
export function main(argv: string[]): Promise<number> {
  return runCommand(ARENA_COMMAND, argv, async (values, stop) => {
    const port = integerOption(values.port, 'port', 0, 65535);
    let server;
    try {
      server = await startArenaServer({ port });
    } catch (err) {
      console.error(`scenenet arena: ${(err as Error).message}`);
      return 1;
    }
    console.log(`arena: open ${server.url}`);
    await whenStopped(stop);
    await server.close();
    console.log(`arena: stopped by ${String(stop.reason)}`);
    return 0;
  });
}
