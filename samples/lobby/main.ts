/**
 * Godot's lobby, headless: `npm run demo` (or `npx scenenet lobby`).
 *
 *   --clients N          clients in the one-process run (default 3)
 *   --mode host|dedicated  the server also plays (default host) or only serves
 *   --transport loopback|ws|enet   (default loopback: a seeded virtual network with latency and loss)
 *   --transport-module PATH        a plugin module (default export: its ContainerModule); --transport
 *                        then names its transport, e.g. --transport tcp --transport-module examples/custom-transport/index.ts
 *   --seed S             seed of the virtual network (loopback)
 *   --server [--port P]  run only a server (ws/enet), for a two-process run
 *   --client HOST:PORT   run only a client (ws/enet)
 */
import { parseArgs } from 'node:util';
import { runInProcess, runRealTime, type LobbyRunResult } from './run-lobby.js';

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      clients: { type: 'string', default: '3' },
      mode: { type: 'string', default: 'host' },
      transport: { type: 'string', default: 'loopback' },
      'transport-module': { type: 'string' },
      seed: { type: 'string', default: '2026' },
      server: { type: 'boolean', default: false },
      client: { type: 'string' },
      port: { type: 'string', default: '0' },
      frames: { type: 'string', default: '3000' },
      quiet: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const mode = values.mode === 'dedicated' ? 'dedicated' : 'host';
  const transport = values.transport ?? 'loopback';
  const print = values.quiet ? () => {} : (line: string) => console.log(line);
  const common = { mode, print, maxFrames: Number(values.frames), clients: Number(values.clients) } as const;
  let result: LobbyRunResult;
  if (transport === 'loopback' && values['transport-module'] === undefined) {
    if (values.server || values.client !== undefined) {
      console.error('--server/--client need a socket transport: --transport ws or --transport enet');
      return 2;
    }
    result = await runInProcess({ ...common, seed: Number(values.seed) });
  } else if (transport === 'ws' || transport === 'enet' || values['transport-module'] !== undefined) {
    const role = values.server ? { server: Number(values.port) } : values.client !== undefined ? { client: values.client } : {};
    result = await runRealTime({ ...common, transport, transportModule: values['transport-module'], ...role });
  } else {
    console.error(`unknown transport "${transport}" (loopback, ws, enet)`);
    return 2;
  }
  print(result.ok ? `lobby: OK — ${result.summary}` : `lobby: FAILED — ${result.summary}`);
  return result.ok ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
