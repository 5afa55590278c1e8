/**
 * `scenenet serve`: a dedicated headless game server hosting rooms of a registered game over WebSocket
 * (one port, rooms by URL path), ENet (a port per room) and WebRTC (signaling lobbies on the WebSocket
 * port), until SIGINT/SIGTERM; then it drains
 * (clients are told why, reliable traffic is flushed) and exits 0 within its grace period.
 */
import { parseArgs } from 'node:util';
import { ErrorCode, type Logger } from '../core/index.js';
import { GameServer, SIGNALING_PATH } from './game-server.js';
import { MetricsHttpServer } from './metrics-http.js';
import { ServerMetrics } from './metrics.js';
import { PresenceRegistry } from './presence/presence-registry.js';
import { RedisPresence } from './presence/redis-presence.js';
import type { Room } from './room.js';
import type { RoomTypeOptions } from './room-type.js';

/** A game `scenenet serve` can host: its room types, the first being the default. */
export interface ServeGame {
  readonly description: string;
  /** Room types by name; rooms pre-created with `--rooms` are of the first. */
  roomTypes(print: (line: string) => void): Record<string, RoomTypeOptions>;
}

interface Option {
  readonly name: string;
  readonly value: string;
  readonly fallback: string;
  readonly help: string;
}

const OPTIONS: readonly Option[] = [
  { name: 'game', value: 'NAME', fallback: 'lobby', help: 'the registered game to host' },
  { name: 'host', value: 'ADDRESS', fallback: '127.0.0.1', help: 'address to listen on (0.0.0.0 for every interface)' },
  { name: 'port', value: 'PORT', fallback: '9080', help: 'WebSocket port for every room (0 picks a free port; the URLs are printed)' },
  { name: 'enet-ports', value: 'FIRST-LAST|0|off', fallback: '0', help: 'ENet ports given to rooms, one each (0: a free port per room; off: no ENet)' },
  { name: 'max-rooms', value: 'N', fallback: '100', help: 'most rooms at once; further creations are refused (close code 4429)' },
  { name: 'rooms', value: 'N', fallback: '1', help: 'rooms of the default type created at start (ENet clients need one to join)' },
  { name: 'fps', value: 'N', fallback: '60', help: 'frames per second of every room' },
  { name: 'resume-grace-ms', value: 'MS|off', fallback: '10000', help: 'how long a client that joined with ?session may resume after a drop (off: no sessions)' },
  { name: 'ws-ping-ms', value: 'MS', fallback: '2000', help: 'ping WebSocket clients this often to measure their RTT (0: never)' },
  { name: 'grace-ms', value: 'MS', fallback: '5000', help: 'on SIGINT/SIGTERM, how long clients get to leave before the server exits' },
  { name: 'metrics-port', value: 'PORT', fallback: 'off', help: 'serve /metrics (Prometheus), /metrics.json and /monitor on this port (0 picks one)' },
  { name: 'metrics-token', value: 'TOKEN', fallback: 'random, printed', help: 'token the metrics and monitor pages require (?token= or Bearer)' },
  { name: 'presence', value: 'memory|redis://HOST:PORT', fallback: 'memory', help: 'where rooms are listed and seats reserved: this process only, or a Redis shared by every process' },
  { name: 'public-url', value: 'URL', fallback: 'ws://HOST:PORT', help: 'with --presence redis://…: the WebSocket URL other processes send clients to' },
];

/** The `--help` text: every option with its default, and examples. */
export function serveHelp(games: Record<string, ServeGame>): string {
  const lines = ['usage: scenenet serve [options]', '', 'Hosts rooms of a game over WebSocket and ENet until SIGINT/SIGTERM, then drains and exits 0.', '', 'options:'];
  for (const o of OPTIONS) lines.push(`  --${`${o.name} ${o.value}`.padEnd(32)} ${o.help} (default: ${o.fallback})`);
  lines.push(`  --${'help'.padEnd(32)} this text`, '', 'games:');
  for (const [name, game] of Object.entries(games)) lines.push(`  ${name.padEnd(34)} ${game.description}`);
  lines.push(
    '',
    'clients join by URL: ws://HOST:PORT/<roomId> (an existing room), ws://HOST:PORT/<type>/<roomId>',
    '(created on first join), ws://HOST:PORT/<type>/ (any open room of that type); ENet clients use a room\'s port;',
    "WebRTC peers signal through ws://HOST:PORT/.signaling (lobbies of Godot's webrtc_signaling demo).",
    'scenenet clients that add ?session (connectToRoom) resume after a drop with ?resume=<token> (refused: 4401).',
    '',
    'examples:',
    '  scenenet serve --port 0',
    '  scenenet serve --host 0.0.0.0 --port 9080 --enet-ports 9100-9199 --max-rooms 50 --metrics-port 9091',
    '  scenenet serve --port 9081 --presence redis://127.0.0.1:6379   (one of several processes on one Redis)',
  );
  return lines.join('\n');
}

/** Parsed options, or an error message. */
interface ServeOptions {
  readonly game: string;
  readonly host: string;
  readonly port: number;
  readonly enet: readonly [number, number] | null;
  readonly maxRooms: number;
  readonly rooms: number;
  readonly fps: number;
  readonly graceMs: number;
  readonly resumeGraceMs: number | null;
  readonly wsPingMs: number;
  readonly metricsPort: number | null;
  readonly metricsToken: string | null;
  readonly presence: string;
  readonly publicUrl: string | null;
}

function parseOptions(argv: string[]): ServeOptions | 'help' | string {
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(OPTIONS.map((o) => [o.name, { type: 'string' as const }]));
    values = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean' } }, strict: true }).values;
  } catch (err) {
    return (err as Error).message;
  }
  if (values.help) return 'help';
  const str = (name: string): string => (values[name] as string | undefined) ?? OPTIONS.find((o) => o.name === name)!.fallback;
  const int = (name: string, min: number, max: number): number | string => {
    const n = Number(str(name));
    return Number.isInteger(n) && n >= min && n <= max ? n : `--${name} must be an integer in ${min}..${max}, got "${str(name)}"`;
  };
  const port = int('port', 0, 65535);
  const maxRooms = int('max-rooms', 1, 100_000);
  const rooms = int('rooms', 0, 100_000);
  const fps = int('fps', 1, 1000);
  const graceMs = int('grace-ms', 0, 3_600_000);
  const resumeGraceMs = str('resume-grace-ms') === 'off' ? null : int('resume-grace-ms', 0, 3_600_000);
  const wsPingMs = int('ws-ping-ms', 0, 3_600_000);
  const metricsPort = str('metrics-port') === 'off' ? null : int('metrics-port', 0, 65535);
  for (const v of [port, maxRooms, rooms, fps, graceMs, resumeGraceMs, wsPingMs, metricsPort]) if (typeof v === 'string') return v;
  const enet = parseEnetPorts(str('enet-ports'));
  if (typeof enet === 'string') return enet;
  if ((rooms as number) > (maxRooms as number)) return '--rooms may not exceed --max-rooms';
  if (str('presence') !== 'memory' && !/^rediss?:\/\/./.test(str('presence'))) return `--presence must be memory or a redis:// URL, got "${str('presence')}"`;
  return {
    game: str('game'),
    host: str('host'),
    port: port as number,
    enet,
    maxRooms: maxRooms as number,
    rooms: rooms as number,
    fps: fps as number,
    graceMs: graceMs as number,
    resumeGraceMs: resumeGraceMs as number | null,
    wsPingMs: wsPingMs as number,
    metricsPort: metricsPort as number | null,
    metricsToken: (values['metrics-token'] as string | undefined) ?? null,
    presence: str('presence'),
    publicUrl: (values['public-url'] as string | undefined) ?? null,
  };
}

function parseEnetPorts(text: string): readonly [number, number] | null | string {
  if (text === 'off') return null;
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  const first = Number(m?.[1]);
  const last = Number(m?.[2] ?? m?.[1]);
  if (m === null || first > last || last > 65535 || (first === 0 && last !== 0)) return `--enet-ports must be FIRST-LAST, 0 or off, got "${text}"`;
  return [first, last];
}

/** A logger that prints warnings and errors. */
function printingLogger(print: (line: string) => void): Logger {
  return { debug: () => {}, info: () => {}, warn: (m) => print(`warning: ${m}`), error: (m) => print(`error: ${m}`) };
}

/** Runs `scenenet serve` with `argv`; resolves with the exit code once the server has stopped. */
export async function runServe(argv: string[], games: Record<string, ServeGame>, print: (line: string) => void = (l) => console.log(l)): Promise<number> {
  const options = parseOptions(argv);
  if (options === 'help') {
    print(serveHelp(games));
    return 0;
  }
  if (typeof options === 'string') {
    console.error(`scenenet serve: ${options}\n\n${serveHelp(games)}`);
    return 2;
  }
  const game = games[options.game];
  if (game === undefined) {
    console.error(`scenenet serve: unknown game "${options.game}" (${Object.keys(games).join(', ')})`);
    return 2;
  }
  const server = new GameServer({
    maxRooms: options.maxRooms,
    fps: options.fps,
    logger: printingLogger(print),
    signaling: true,
    resume: options.resumeGraceMs === null ? { enabled: false } : { graceMs: options.resumeGraceMs },
    wsPingIntervalMs: options.wsPingMs,
    ...(options.enet !== null ? { enet: { host: options.host, ports: options.enet } } : {}),
  });
  const types = game.roomTypes(print);
  for (const [name, type] of Object.entries(types)) server.define(name, type);
  const announce = (room: Room): void => {
    const enet = room.enetPort !== null ? `, enet://${options.host}:${room.enetPort}` : '';
    print(`room ${room.id} (${room.type.name}) created: ws://${options.host}:${server.getLocalPort()}/${room.id}${enet}`);
  };
  server.roomCreated.connect(announce);
  // Standing rooms (`--rooms`) are recreated when their match ends, so ENet clients always find one.
  const standing = new Set<string>();
  server.roomDisposed.connect((room) => {
    print(`room ${room.id} disposed`);
    if (standing.has(room.id) && !server.draining) void openStanding(room.id, room.type.name);
  });
  const openStanding = (id: string, type: string): Promise<unknown> =>
    server.createRoom(type, { id, emptyGraceMs: Infinity }).catch((err: Error) => print(`error: room ${id}: ${err.message}`));
  if ((await server.listen(options.port, options.host)) !== ErrorCode.OK) {
    console.error(`scenenet serve: cannot listen on ${options.host}:${options.port}`);
    return 1;
  }
  const base = `ws://${options.host}:${server.getLocalPort()}`;
  print(`scenenet serve: ${options.game} (${game.description})`);
  print(`listening on ${base}/<roomId>, ${base}/<type>/<roomId>, ${base}/<type>/ (types: ${Object.keys(types).join(', ')})`);
  print(`WebRTC signaling lobbies: ${base}${SIGNALING_PATH}`);
  const stopExtras: Array<() => Promise<void>> = [];
  if (options.metricsPort !== null) {
    const metrics = new ServerMetrics(server);
    const http = new MetricsHttpServer(metrics, options.metricsToken !== null ? { token: options.metricsToken } : {});
    if ((await http.listen(options.metricsPort, options.host)) !== ErrorCode.OK) {
      console.error(`scenenet serve: cannot listen for metrics on ${options.host}:${options.metricsPort}`);
      await server.shutdown({ graceMs: 0 });
      return 1;
    }
    const base = `http://${options.host}:${http.port}`;
    print(`metrics: ${base}/metrics and ${base}/metrics.json (token ${http.token})`);
    print(`monitor: ${base}/monitor?token=${http.token}`);
    stopExtras.push(async () => {
      metrics.close();
      await http.close();
    });
  }
  if (options.presence !== 'memory') {
    const presence = new RedisPresence({ url: options.presence, logger: printingLogger(print) });
    const registry = new PresenceRegistry(server, presence, { url: options.publicUrl ?? base, logger: printingLogger(print) });
    await presence.ready(3000).catch((err: Error) => print(`warning: ${err.message}`));
    await registry.start();
    print(`presence: ${options.presence} as process ${registry.processId} (clients are sent to ${options.publicUrl ?? base})`);
    stopExtras.unshift(async () => {
      await registry.stop();
      await presence.close();
    });
  }
  try {
    const defaultType = Object.keys(types)[0]!;
    for (let i = 1; i <= options.rooms; i++) {
      standing.add(`${defaultType}-${i}`);
      await server.createRoom(defaultType, { id: `${defaultType}-${i}`, emptyGraceMs: Infinity });
    }
  } catch (err) {
    console.error(`scenenet serve: ${(err as Error).message}`);
    await server.shutdown({ graceMs: 0 });
    return 1;
  }
  server.start();
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  print(`${signal}: draining (grace ${options.graceMs} ms)`);
  await server.shutdown({ graceMs: options.graceMs });
  for (const stop of stopExtras) await stop();
  print('stopped');
  return 0;
}
