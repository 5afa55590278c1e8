/**
 * `scenenet loadtest`: points bots at a server that speaks Godot 4's SceneMultiplayer over WebSocket
 * (scenenet's game server, or a Godot server with server relay on) and reports what they saw.
 */
import { parseArgs } from 'node:util';
import { formatSummary, runLoadTest } from './loadtest.js';

export const HELP = `scenenet loadtest: bots that join a SceneMultiplayer server over WebSocket, broadcast at a rate and
measure delivery and round trips through the server's relay. Works against scenenet's game server and
against any Godot 4 server with SceneMultiplayer's server_relay on (the default): it sends raw packets
(send_bytes), so it needs nothing from your scene.

usage: scenenet loadtest --url URL [options]

options:
  --url URL          server URL; "{room}" in it becomes each bot's room number    (required)
                     e.g. ws://127.0.0.1:9080/arena/r{room} for a scenenet game server
  --clients N        bots to connect                                                (default 100)
  --rooms N          rooms the bots are spread over (bot i joins room i mod N)      (default 1)
  --room-offset N    first room number (several load testers fill disjoint rooms)   (default 0)
  --rate HZ          broadcasts per second per bot                                  (default 20)
  --duration S       seconds of sending once connected                              (default 10)
  --payload B        bytes per broadcast (at least 13)                              (default 32)
  --json             print the summary as one JSON line instead of text
  -h, --help         this help

example: scenenet loadtest --url ws://127.0.0.1:9080/arena/r{room} --clients 500 --rooms 50 --duration 20

Exit code: 0 when every bot stayed connected, 1 otherwise, 2 for bad arguments.`;

/** Runs the load tester with command-line arguments; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        clients: { type: 'string', default: '100' },
        rooms: { type: 'string', default: '1' },
        'room-offset': { type: 'string', default: '0' },
        rate: { type: 'string', default: '20' },
        duration: { type: 'string', default: '10' },
        payload: { type: 'string', default: '32' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    console.error(`scenenet loadtest: ${(err as Error).message} (see scenenet loadtest --help)`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const numbers = { clients: Number(values.clients), rooms: Number(values.rooms), roomOffset: Number(values['room-offset']), rate: Number(values.rate), duration: Number(values.duration), payload: Number(values.payload) };
  const bad = Object.entries(numbers).find(([k, v]) => !Number.isFinite(v) || v < (k === 'roomOffset' ? 0 : 1) || (k !== 'rate' && k !== 'duration' && !Number.isInteger(v)));
  if (values.url === undefined || bad !== undefined) {
    const flag = bad === undefined ? '' : bad[0] === 'roomOffset' ? 'room-offset' : bad[0];
    const given = bad === undefined ? '' : (values as Record<string, unknown>)[flag];
    console.error(`scenenet loadtest: ${values.url === undefined ? '--url is required' : `bad --${flag} ${String(given)}`} (see scenenet loadtest --help)`);
    return 2;
  }
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const summary = await runLoadTest({
      url: values.url,
      ...numbers,
      signal: stop.signal,
      onProgress: values.json ? undefined : (line) => console.log(line),
    });
    console.log(values.json ? JSON.stringify(summary) : formatSummary(summary));
    return summary.errors === 0 ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2)).then((code) => process.exit(code));
