/**
 * `scenenet serve`: a dedicated headless game server hosting rooms of a registered game over WebSocket
 * (one port, rooms by URL path), ENet (a port per room) and WebRTC (signaling lobbies on the WebSocket
 * port), until SIGINT/SIGTERM; then it drains
 * (clients are told why, reliable traffic is flushed) and exits 0 within its grace period.
 */
import { defineCommand, formatHelp, integerOption, type OptionValues, runCommand, UsageError, whenStopped } from '../cli/index.js';
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

/** The command's declaration (cli/'s shared parser and help writer): every option, its default and an example. */
export function serveCommand(games: Record<string, ServeGame>) {
  const width = Math.max(...Object.keys(games).map((n) => n.length)) + 2;
  return defineCommand({
    name: 'serve',
    description: [
      'Hosts rooms of a game over WebSocket and ENet until SIGINT/SIGTERM, then drains and exits 0.',
      '',
      'games:',
      ...Object.entries(games).map(([name, game]) => `  ${name.padEnd(width)}${game.description}`),
      '',
      'clients join by URL: ws://HOST:PORT/<roomId> (an existing room), ws://HOST:PORT/<type>/<roomId>',
      "(created on first join), ws://HOST:PORT/<type>/ (any open room of that type); ENet clients use a room's port;",
      "WebRTC peers signal through ws://HOST:PORT/.signaling (lobbies of Godot's webrtc_signaling demo).",
      'scenenet clients that add ?session (connectToRoom) resume after a drop with ?resume=<token> (refused: 4401).',
      'Exit code: 0 after a drain, 1 when a port cannot be listened on, 2 for bad arguments.',
    ].join('\n'),
    options: {
      game: { type: 'string', value: 'NAME', default: 'lobby', help: 'the registered game to host', example: '--game lobby' },
      host: {
        type: 'string',
        value: 'ADDRESS',
        default: '127.0.0.1',
        help: 'address to listen on (0.0.0.0 for every interface)',
        example: '--host 0.0.0.0',
      },
      port: {
        type: 'string',
        value: 'PORT',
        default: '9080',
        help: 'WebSocket port for every room (0 picks a free port; the URLs are printed)',
        example: '--port 0',
      },
      'enet-ports': {
        type: 'string',
        value: 'FIRST-LAST|0|off',
        default: '0',
        help: 'ENet ports given to rooms, one each (0: a free port per room; off: no ENet)',
        example: '--enet-ports 9100-9199',
      },
      'max-rooms': {
        type: 'string',
        value: 'N',
        default: '100',
        help: 'most rooms at once; further creations are refused (close code 4429)',
        example: '--max-rooms 50',
      },
      rooms: {
        type: 'string',
        value: 'N',
        default: '1',
        help: 'rooms of the default type created at start (ENet clients need one to join)',
        example: '--rooms 4',
      },
      fps: { type: 'string', value: 'N', default: '60', help: 'frames per second of every room', example: '--fps 30' },
      'resume-grace-ms': {
        type: 'string',
        value: 'MS|off',
        default: '10000',
        help: 'how long a client that joined with ?session may resume after a drop (off: no sessions)',
        example: '--resume-grace-ms 30000',
      },
      'ws-ping-ms': {
        type: 'string',
        value: 'MS',
        default: '2000',
        help: 'ping WebSocket clients this often to measure their RTT (0: never)',
        example: '--ws-ping-ms 1000',
      },
      'grace-ms': {
        type: 'string',
        value: 'MS',
        default: '5000',
        help: 'on SIGINT/SIGTERM, how long clients get to leave before the server exits',
        example: '--grace-ms 1000',
      },
      'metrics-port': {
        type: 'string',
        value: 'PORT',
        default: 'off',
        help: 'serve /metrics (Prometheus), /metrics.json and /monitor on this port (0 picks one)',
        example: '--metrics-port 9091',
      },
      'metrics-token': {
        type: 'string',
        value: 'TOKEN',
        defaultText: 'random, printed',
        help: 'token the metrics and monitor pages require (?token= or Bearer)',
        example: '--metrics-token s3cret',
      },
      presence: {
        type: 'string',
        value: 'memory|redis://HOST:PORT',
        default: 'memory',
        help: 'where rooms are listed and seats reserved: this process only, or a Redis shared by every process',
        example: '--presence redis://127.0.0.1:6379',
      },
      'public-url': {
        type: 'string',
        value: 'URL',
        defaultText: 'ws://HOST:PORT',
        help: 'with --presence redis://…: the WebSocket URL other processes send clients to',
        example: '--public-url ws://game1.example:9080',
      },
    },
    examples: [
      'scenenet serve --port 0',
      'scenenet serve --host 0.0.0.0 --port 9080 --enet-ports 9100-9199 --max-rooms 50 --metrics-port 9091',
      'scenenet serve --port 9081 --presence redis://127.0.0.1:6379   # one of several processes on one Redis',
    ],
  });
}

/** The `--help` text: every option with its default and an example, the games, examples. */
export function serveHelp(games: Record<string, ServeGame>): string {
  return formatHelp(serveCommand(games));
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

function serveOptions(values: OptionValues<ReturnType<typeof serveCommand>['options']>): ServeOptions {
  const port = integerOption(values.port, 'port', 0, 65535);
  const maxRooms = integerOption(values['max-rooms'], 'max-rooms', 1, 100_000);
  const rooms = integerOption(values.rooms, 'rooms', 0, 100_000);
  const fps = integerOption(values.fps, 'fps', 1, 1000);
  const graceMs = integerOption(values['grace-ms'], 'grace-ms', 0, 3_600_000);
  const metricsPort = values['metrics-port'] === 'off' ? null : integerOption(values['metrics-port'], 'metrics-port', 0, 65535);
  const enet = parseEnetPorts(values['enet-ports']);
  if (typeof enet === 'string') throw new UsageError(enet);
  const resumeGraceMs =
    values['resume-grace-ms'] === 'off' ? null : integerOption(values['resume-grace-ms'], 'resume-grace-ms', 0, 3_600_000);
  const wsPingMs = integerOption(values['ws-ping-ms'], 'ws-ping-ms', 0, 3_600_000);
  if (rooms > maxRooms) throw new UsageError('--rooms may not exceed --max-rooms');
  const presence = values.presence;
  if (presence !== 'memory' && !/^rediss?:\/\/./.test(presence))
    throw new UsageError(`--presence must be memory or a redis:// URL, got "${presence}"`);
  return {
    game: values.game,
    host: values.host,
    port,
    enet,
    maxRooms,
    rooms,
    fps,
    graceMs,
    resumeGraceMs,
    wsPingMs,
    metricsPort,
    metricsToken: values['metrics-token'] ?? null,
    presence,
    publicUrl: values['public-url'] ?? null,
  };
}

function parseEnetPorts(text: string): readonly [number, number] | null | string {
  if (text === 'off') return null;
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  const first = Number(m?.[1]);
  const last = Number(m?.[2] ?? m?.[1]);
  if (m === null || first > last || last > 65535 || (first === 0 && last !== 0))
    return `--enet-ports must be FIRST-LAST, 0 or off, got "${text}"`;
  return [first, last];
}

/** A logger that prints warnings and errors. */
function printingLogger(print: (line: string) => void): Logger {
  return { debug: () => {}, info: () => {}, warn: (m) => print(`warning: ${m}`), error: (m) => print(`error: ${m}`) };
}

/** Runs `scenenet serve` with `argv`; resolves with the exit code once the server has stopped. */
export function runServe(
  argv: string[],
  games: Record<string, ServeGame>,
  print: (line: string) => void = (l) => console.log(l),
): Promise<number> {
  const output = { out: print, err: (line: string) => console.error(line) };
  return runCommand(serveCommand(games), argv, (values, stop) => serve(serveOptions(values), games, print, stop), output);
}

async function serve(
  options: ServeOptions,
  games: Record<string, ServeGame>,
  print: (line: string) => void,
  stop: AbortSignal,
): Promise<number> {
  const game = Object.hasOwn(games, options.game) ? games[options.game] : undefined;
  if (game === undefined) throw new UsageError(`unknown game "${options.game}" (${Object.keys(games).join(', ')})`);
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
  await whenStopped(stop);
  const signal = String(stop.reason);
  print(`${signal}: draining (grace ${options.graceMs} ms)`);
  await server.shutdown({ graceMs: options.graceMs });
  for (const stop of stopExtras) await stop();
  print('stopped');
  return 0;
}
