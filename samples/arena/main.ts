/**
 * `scenenet arena [--port P]`: starts the arena server (a Phaser game in the browser, scenenet on both
 * ends) and prints the URL to open. Open it in two windows to play against yourself; the page has
 * toggles for interpolation and prediction and a latency slider.
 */
import { parseArgs } from 'node:util';
import { startArenaServer } from './server.js';

export async function main(argv: string[]): Promise<number> {
  let port: number;
  try {
    const { values } = parseArgs({ args: argv, options: { port: { type: 'string', default: '0' } }, strict: true });
    port = Number(values.port);
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error('bad --port');
    return 2;
  }
  let server;
  try {
    server = await startArenaServer({ port });
  } catch (err) {
    console.error((err as Error).message);
    return 1;
  }
  console.log(`arena: open ${server.url}`);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await server.close();
  return 0;
}
