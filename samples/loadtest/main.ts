/**
 * `scenenet loadtest`: points bots at a server that speaks Godot 4's SceneMultiplayer over WebSocket
 * (scenenet's game server, or a Godot server with server relay on) and reports what they saw.
 */
import { defineCommand, formatHelp, runCommand, UsageError } from '../../cli/index.js';
import { formatSummary, runLoadTest } from './loadtest.js';

export const LOADTEST_COMMAND = defineCommand({
  name: 'loadtest',
  description: `Bots that join a SceneMultiplayer server over WebSocket, broadcast at a rate and measure
delivery and round trips through the server's relay. Works against scenenet's game server and against any
Godot 4 server with SceneMultiplayer's server_relay on (the default): it sends raw packets (send_bytes),
so it needs nothing from your scene. SIGINT/SIGTERM end the run early and print the summary.
Exit code: 0 when every bot stayed connected, 1 otherwise, 2 for bad arguments.`,
  options: {
    url: {
      type: 'string',
      value: 'URL',
      defaultText: 'none, required',
      help: 'server URL; "{room}" in it becomes each bot\'s room number (ws://127.0.0.1:9080/arena/r{room} for a scenenet game server)',
      example: '--url ws://127.0.0.1:9080/arena/r{room}',
    },
    clients: { type: 'string', value: 'N', default: '100', help: 'bots to connect', example: '--clients 500' },
    rooms: {
      type: 'string',
      value: 'N',
      default: '1',
      help: 'rooms the bots are spread over (bot i joins room i mod N)',
      example: '--rooms 50',
    },
    'room-offset': {
      type: 'string',
      value: 'N',
      default: '0',
      help: 'first room number (several load testers fill disjoint rooms)',
      example: '--room-offset 50',
    },
    rate: { type: 'string', value: 'HZ', default: '20', help: 'broadcasts per second per bot', example: '--rate 30' },
    duration: { type: 'string', value: 'S', default: '10', help: 'seconds of sending once connected', example: '--duration 20' },
    payload: { type: 'string', value: 'B', default: '32', help: 'bytes per broadcast (at least 13)', example: '--payload 64' },
    json: { type: 'boolean', help: 'print the summary as one JSON line instead of text', example: '--json' },
  },
  examples: ['scenenet loadtest --url ws://127.0.0.1:9080/arena/r{room} --clients 500 --rooms 50 --duration 20'],
});

/** The `--help` text. */
export const HELP = formatHelp(LOADTEST_COMMAND);

/** Runs the load tester with command-line arguments; resolves with the exit code. */
export function main(argv: string[]): Promise<number> {
  return runCommand(LOADTEST_COMMAND, argv, async (values, stop) => {
    const numbers = {
      clients: Number(values.clients),
      rooms: Number(values.rooms),
      roomOffset: Number(values['room-offset']),
      rate: Number(values.rate),
      duration: Number(values.duration),
      payload: Number(values.payload),
    };
    if (values.url === undefined) throw new UsageError('--url is required');
    const bad = Object.entries(numbers).find(
      ([k, v]) => !Number.isFinite(v) || v < (k === 'roomOffset' ? 0 : 1) || (k !== 'rate' && k !== 'duration' && !Number.isInteger(v)),
    );
    if (bad !== undefined) {
      const flag = bad[0] === 'roomOffset' ? 'room-offset' : (bad[0] as keyof typeof values);
      throw new UsageError(`bad --${flag} ${String(values[flag as keyof typeof values])}`);
    }
    const summary = await runLoadTest({
      url: values.url,
      ...numbers,
      signal: stop,
      onProgress: values.json ? undefined : (line) => console.log(line),
    });
    console.log(values.json ? JSON.stringify(summary) : formatSummary(summary));
    return summary.errors === 0 ? 0 : 1;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2)).then((code) => process.exit(code));
