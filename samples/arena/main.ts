/**
 * `scenenet arena [--port P] [--ws-port W]`: starts the arena (a GameServer with the `arena` room type
 * and a standing room `main`; a Phaser game in the browser, scenenet on both ends) and prints the URL
 * to open. Open it in two windows to play against yourself; `&room=<name>` in the URL joins (or
 * creates) another match. The page has toggles for interpolation and prediction and a latency slider.
 */
import { parseArgs } from 'node:util';
import { type ArenaServer, startArenaServer } from './server.js';

function port(value: string | undefined, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`bad ${name}: ${value}`);
  return n;
}

export async function main(argv: string[]): Promise<number> {
  let ports: { port: number; wsPort: number };
  try {
    const { values } = parseArgs({ args: argv, options: { port: { type: 'string', default: '0' }, 'ws-port': { type: 'string', default: '0' } }, strict: true });
    ports = { port: port(values.port, '--port'), wsPort: port(values['ws-port'], '--ws-port') };
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  let server: ArenaServer;
  try {
    server = await startArenaServer(ports);
  } catch (err) {
    console.error((err as Error).message);
    return 1;
  }
  console.log(`arena: game server on ws://127.0.0.1:${server.game.getLocalPort()} (rooms: /${server.room.type.name}/<roomId>), client ${server.clientSource}`);
  console.log(`arena: open ${server.url}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await server.close();
  return 0;
}
