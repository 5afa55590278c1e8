/**
 * Godot's lobby, headless: `npx scenenet lobby` (`npx scenenet demo` is its one-process run). Every
 * option, its default and an example: `npx scenenet lobby --help`.
 */
import { choiceOption, defineCommand, integerOption, runCommand, UsageError } from '../../cli/index.js';
import { runInProcess, runRealTime, type LobbyRunResult } from './run-lobby.js';

export const LOBBY_COMMAND = defineCommand({
  name: 'lobby',
  description: `Godot's lobby from the "High-level multiplayer" docs: players register with each other, load the
game scene, play a round (one client tries a cheat every receiver rejects) and agree on the final
positions. Over the seeded loopback network everything runs in one process; over ws or enet it can
also run as a server process and client processes (a client learns the round's size from the server).
Exit code: 0 when the round completed with agreeing views (or on SIGINT/SIGTERM), 1 otherwise, 2 for
bad arguments.`,
  options: {
    transport: {
      type: 'string',
      value: 'loopback|ws|enet',
      default: 'loopback',
      help: 'the network: a seeded virtual one, WebSocket or ENet (UDP) sockets',
      example: '--transport ws',
    },
    mode: {
      type: 'string',
      value: 'host|dedicated',
      default: 'host',
      help: 'the server also plays, or only serves',
      example: '--mode dedicated',
    },
    clients: {
      type: 'string',
      value: 'N',
      defaultText: '3 (1 with --server)',
      help: 'clients in the round (the server process waits for that many)',
      example: '--clients 2',
    },
    server: { type: 'boolean', help: 'run only the server (ws/enet); prints "listening on 127.0.0.1:PORT"', example: '--server' },
    port: { type: 'string', value: 'P', default: '0', help: "the server's port (0 picks a free one)", example: '--port 9080' },
    client: {
      type: 'string',
      value: 'HOST:PORT',
      help: 'run only one client of the server at HOST:PORT (ws/enet)',
      example: '--client 127.0.0.1:9080',
    },
    'transport-module': {
      type: 'string',
      value: 'PATH',
      help: 'a transport plugin module (its default export: a ContainerModule); --transport then names its transport',
      example: '--transport-module examples/custom-transport/index.ts --transport tcp',
    },
    seed: {
      type: 'string',
      value: 'S',
      default: '2026',
      help: 'seed of the virtual network (loopback): same seed, same run',
      example: '--seed 7',
    },
    frames: {
      type: 'string',
      value: 'N',
      defaultText: '3000 (unbounded with --server)',
      help: 'give up after N frames',
      example: '--frames 6000',
    },
    quiet: { type: 'boolean', help: 'print nothing but errors', example: '--quiet' },
  },
  examples: [
    'scenenet lobby',
    'scenenet lobby --transport enet --mode dedicated --clients 2',
    'scenenet lobby --transport ws --server --port 9080     # then, in another terminal:',
    'scenenet lobby --transport ws --client 127.0.0.1:9080',
    'scenenet lobby --transport tcp --transport-module examples/custom-transport/index.ts',
  ],
});

/** Runs the lobby with command-line arguments; resolves with the exit code. */
export function main(argv: string[]): Promise<number> {
  return runCommand(LOBBY_COMMAND, argv, async (o, stop) => {
    const transportModule = o['transport-module'];
    const transport =
      transportModule === undefined ? choiceOption(o.transport, 'transport', ['loopback', 'ws', 'enet']) : String(o.transport);
    const mode = choiceOption(o.mode, 'mode', ['host', 'dedicated']);
    if (o.server && o.client !== undefined) throw new UsageError('choose one of --server and --client');
    const clients = integerOption(o.clients ?? (o.server ? '1' : '3'), 'clients', 1, 63);
    const frames = o.frames === undefined ? (o.server ? Infinity : 3000) : integerOption(o.frames, 'frames', 1);
    const print = o.quiet ? () => {} : (line: string) => console.log(line);
    const common = { mode, print, maxFrames: frames, clients, stop } as const;
    let result: LobbyRunResult;
    if (transport === 'loopback' && transportModule === undefined) {
      if (o.server || o.client !== undefined)
        throw new UsageError('--server/--client need a socket transport: --transport ws or --transport enet');
      result = await runInProcess({ ...common, seed: integerOption(o.seed, 'seed', 0) });
    } else {
      const port = integerOption(o.port, 'port', 0, 65535);
      const role = o.server ? { server: port } : o.client !== undefined ? { client: o.client } : {};
      result = await runRealTime({ ...common, transport, transportModule, ...role });
    }
    if (stop.aborted) {
      print(`lobby: stopped by ${String(stop.reason)}`);
      return 0;
    }
    print(result.ok ? `lobby: OK — ${result.summary}` : `lobby: FAILED — ${result.summary}`);
    return result.ok ? 0 : 1;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
