/**
 * `npx scenenet demo` (and `npm run demo`): Godot's lobby with every peer in one process, on a seeded
 * virtual network with latency and loss. The multi-process and socket variants are `scenenet lobby`.
 */
import { choiceOption, defineCommand, integerOption, runCommand } from '../../cli/index.js';
import { runInProcess } from './run-lobby.js';

export const DEMO_COMMAND = defineCommand({
  name: 'demo',
  description: `Godot's lobby, one process: a server and N clients join, load the game, play a round (one
client's cheat is rejected by every receiver) and agree on the final positions, over a virtual network
with 30±10 ms latency and 5 % loss. The same seed replays the same run (the packet trace hash is printed).
Exit code: 0 when the round completed with agreeing views (or on SIGINT/SIGTERM), 1 otherwise, 2 for
bad arguments.`,
  options: {
    clients: { type: 'string', value: 'N', default: '3', help: 'clients besides the server', example: '--clients 5' },
    mode: {
      type: 'string',
      value: 'host|dedicated',
      default: 'host',
      help: 'the server also plays, or only serves',
      example: '--mode dedicated',
    },
    seed: { type: 'string', value: 'S', default: '2026', help: 'seed of the virtual network: same seed, same run', example: '--seed 7' },
    frames: { type: 'string', value: 'N', default: '3000', help: 'give up after N frames', example: '--frames 6000' },
    quiet: { type: 'boolean', help: 'print only the last line', example: '--quiet' },
  },
  examples: ['scenenet demo', 'scenenet demo --clients 5 --seed 7', 'scenenet demo --mode dedicated --quiet'],
});

/** Runs the demo with command-line arguments; resolves with the exit code. */
export function main(argv: string[]): Promise<number> {
  return runCommand(DEMO_COMMAND, argv, async (o, stop) => {
    const result = await runInProcess({
      mode: choiceOption(o.mode, 'mode', ['host', 'dedicated']),
      clients: integerOption(o.clients, 'clients', 1, 63),
      seed: integerOption(o.seed, 'seed', 0),
      maxFrames: integerOption(o.frames, 'frames', 1),
      print: o.quiet ? () => {} : (line) => console.log(line),
      stop,
    });
    if (stop.aborted) {
      console.log(`demo: stopped by ${String(stop.reason)}`);
      return 0;
    }
    console.log(result.ok ? `demo: OK — ${result.summary}` : `demo: FAILED — ${result.summary}`);
    return result.ok ? 0 : 1;
  });
}
