/**
 * A lobby for game servers over HTTP, headless (`npx scenenet server-list …` or
 * `node --import tsx samples/server-list/main.ts …`). Every option, its default and an example:
 * `npx scenenet server-list --help`.
 */
import { choiceOption, defineCommand, integerOption, positiveOption, runCommand, UsageError, type OptionValues } from '../../cli/index.js';
import { startClusterGame, startClusterLobby, startMatchedPlayer } from './cluster.js';
import { joinByTransport, joinOverENet, joinOverWebSocket, type JoinServer } from './join.js';
import {
  closeTree,
  runFrames,
  startGameServer,
  startLobby,
  startPlayer,
  type Frames,
  type GameServer,
  type Print,
  type Transport,
} from './run-server-list.js';

export const SERVER_LIST_COMMAND = defineCommand({
  name: 'server-list',
  description: `A lobby for game servers over HTTP: game servers register with the lobby service and keep their
entry alive, a player lists them (with filters) and joins one. With no role, the lobby, two game servers
(one WebSocket, one ENet) and a player run in one process. With --redis, lobby API processes and game-server
processes share one Redis (presence and a matchmaker with seat reservation; see the README's "Scaling past
one process"), and a player started with --match asks the lobby for a seat and joins with it.
SIGINT/SIGTERM close every peer and exit 0.
Exit code: 0 when the role did its job (player joined or listed; game server registered; lobby served),
1 otherwise, 2 for bad arguments.`,
  options: {
    lobby: { type: 'boolean', help: 'run only the lobby service; prints "lobby listening on port P"', example: '--lobby' },
    game: { type: 'boolean', help: 'run only a game server, registered with the lobby at --lobby-url', example: '--game' },
    client: { type: 'boolean', help: 'run only a player: lists the servers, joins the first', example: '--client' },
    port: { type: 'string', value: 'P', default: '0', help: "the lobby's port (0 picks a free one)", example: '--port 8080' },
    'lobby-url': {
      type: 'string',
      value: 'URL',
      help: 'the lobby service (needed by --game and --client)',
      example: '--lobby-url http://127.0.0.1:8080',
    },
    name: { type: 'string', value: 'NAME', default: 'Arena', help: "the game server's name", example: '--name Dust' },
    transport: {
      type: 'string',
      value: 'ws|enet',
      defaultText: 'ws for a game server, any for a player',
      help: "the game server's transport; for a player, a list filter",
      example: '--transport enet',
    },
    join: {
      type: 'string',
      value: 'auto|websocket|enet|none',
      default: 'auto',
      help: 'how the player joins (auto: the transport the server announced; none: only list)',
      example: '--join none',
    },
    frames: {
      type: 'string',
      value: 'N',
      defaultText: 'until done (unbounded for --lobby/--game)',
      help: 'stop after N frames',
      example: '--frames 300',
    },
    fps: { type: 'string', value: 'F', default: '30', help: 'frames per second', example: '--fps 60' },
    redis: {
      type: 'string',
      value: 'URL',
      help: 'multi-process mode (with --lobby or --game): the shared Redis',
      example: '--redis redis://127.0.0.1:6379',
    },
    match: {
      type: 'string',
      value: 'TYPE',
      help: 'with --client: ask the lobby for a seat in a room of TYPE and join with it',
      example: '--match arena',
    },
    'max-players': {
      type: 'string',
      value: 'N',
      default: '8',
      help: "with --game --redis: each room's maxClients",
      example: '--max-players 10',
    },
  },
  examples: [
    'scenenet server-list',
    'scenenet server-list --lobby --port 8080      # then, in more terminals:',
    'scenenet server-list --game --lobby-url http://127.0.0.1:8080 --name Dust --transport enet',
    'scenenet server-list --client --lobby-url http://127.0.0.1:8080',
    'scenenet server-list --lobby --redis redis://127.0.0.1:6379 --port 8080',
    'scenenet server-list --game --redis redis://127.0.0.1:6379',
    'scenenet server-list --client --lobby-url http://127.0.0.1:8080 --match arena',
  ],
});

interface Options extends Frames {
  readonly role: 'all' | 'lobby' | 'game' | 'client';
  readonly port: number;
  readonly lobbyUrl: string | undefined;
  readonly name: string;
  readonly transport: Transport | undefined;
  readonly join: JoinServer | null;
  readonly redis: string | undefined;
  readonly match: string | undefined;
  readonly maxPlayers: number;
}

const JOINS: Record<string, JoinServer | null> = { auto: joinByTransport, websocket: joinOverWebSocket, enet: joinOverENet, none: null };

/** Runs the sample with command-line arguments; resolves with the exit code. */
export function main(argv: string[], print: Print = (line) => console.log(line)): Promise<number> {
  return runCommand(SERVER_LIST_COMMAND, argv, async (values, stop) => {
    const options = serverListOptions(values, stop);
    const code = await run(options, print);
    if (stop.aborted) print(`server-list: stopped by ${String(stop.reason)}`);
    return stop.aborted ? 0 : code;
  });
}

function run(options: Options, print: Print): Promise<number> {
  switch (options.role) {
    case 'lobby':
      return runLobby(options, print);
    case 'game':
      return runGame(options, print);
    case 'client':
      return runClient(options, options.lobbyUrl!, print);
    case 'all':
      return runAll(options, print);
  }
}

function serverListOptions(values: OptionValues<typeof SERVER_LIST_COMMAND.options>, stop: AbortSignal): Options {
  const roles = [values.lobby && 'lobby', values.game && 'game', values.client && 'client'].filter((r) => r !== false);
  if (roles.length > 1) throw new UsageError('choose one of --lobby, --game, --client');
  const role = (roles[0] || 'all') as Options['role'];
  if (((role === 'game' && values.redis === undefined) || role === 'client') && values['lobby-url'] === undefined)
    throw new UsageError(`--${role} needs --lobby-url URL`);
  if (values.redis !== undefined && !/^rediss?:\/\/./.test(values.redis))
    throw new UsageError(`--redis must be a redis:// URL, got "${values.redis}"`);
  if (values.redis !== undefined && role !== 'lobby' && role !== 'game') throw new UsageError('--redis goes with --lobby or --game');
  if (values.match !== undefined && (role !== 'client' || !/^[A-Za-z0-9_-]{1,64}$/.test(values.match)))
    throw new UsageError('--match TYPE goes with --client');
  const join = choiceOption(values.join, 'join', Object.keys(JOINS));
  return {
    role,
    port: integerOption(values.port, 'port', 0, 65535),
    fps: positiveOption(values.fps, 'fps'),
    frames: values.frames === undefined ? undefined : integerOption(values.frames, 'frames', 0),
    name: values.name,
    lobbyUrl: values['lobby-url'],
    transport: values.transport === undefined ? undefined : choiceOption(values.transport, 'transport', ['ws', 'enet']),
    join: JOINS[join]!,
    redis: values.redis,
    match: values.match,
    maxPlayers: integerOption(values['max-players'], 'max-players', 1, 4095),
    stop,
  };
}

async function runLobby(o: Options, print: Print): Promise<number> {
  if (o.redis !== undefined) return runUntilStopped(await startClusterLobby(o.redis, o.port, print), o);
  const lobby = await startLobby(o.port, print);
  if (lobby === null) return 1;
  await runFrames([], o, () => false);
  await lobby.close();
  return 0;
}

/** Runs a multi-process role until its frames end or SIGINT/SIGTERM (`o.stop`); 0 once stopped cleanly. */
async function runUntilStopped(stop: (() => Promise<void>) | null, o: Options): Promise<number> {
  if (stop === null) return 1;
  await runFrames([], o, () => false);
  await stop();
  return 0;
}

async function runGame(o: Options, print: Print): Promise<number> {
  if (o.redis !== undefined) return runUntilStopped(await startClusterGame(o.redis, o.port, o.maxPlayers, print), o);
  const game = await startGameServer(o.lobbyUrl!, o.name, o.transport ?? 'ws', print);
  if (game === null) return 1;
  print(`game server "${o.name}" listening on port ${game.peer.getLocalPort()}`);
  await runFrames([game.tree], o, () => false);
  closeTree(game.tree);
  return game.announcer.serverId !== null ? 0 : 1;
}

async function runClient(o: Options, lobbyUrl: string, print: Print): Promise<number> {
  if (o.match !== undefined) {
    const player = startMatchedPlayer(lobbyUrl, o.match, print);
    const ok = await runFrames([player.tree], o, () => player.state() === 'joined' || player.state() === 'failed');
    closeTree(player.tree);
    return ok && player.state() === 'joined' ? 0 : 1;
  }
  const player = startPlayer(lobbyUrl, filters(o), o.join, print);
  let frame = 0;
  // The game servers may not have registered yet: ask again each second until a list arrives.
  const ok = await runFrames([player.tree], o, () => {
    if (player.state() === 'waiting' && frame++ % Math.ceil(o.fps) === 0) player.refresh();
    return finished(player.state(), o.join);
  });
  closeTree(player.tree);
  return ok && player.state() !== 'failed' ? 0 : 1;
}

async function runAll(o: Options, print: Print): Promise<number> {
  const lobby = await startLobby(0, print);
  if (lobby === null) return 1;
  const lobbyUrl = `http://127.0.0.1:${lobby.port}`;
  const games: GameServer[] = [];
  for (const [name, transport] of [
    ['Arena 1', 'ws'],
    ['Arena 2', 'enet'],
  ] as const) {
    const game = await startGameServer(lobbyUrl, name, transport, print);
    if (game !== null) games.push(game);
  }
  const player = startPlayer(lobbyUrl, filters(o), o.join, print);
  let asked = false;
  const ok = await runFrames([...games.map((g) => g.tree), player.tree], o, () => {
    if (!asked && games.length === 2 && games.every((g) => g.announcer.serverId !== null)) {
      asked = true;
      player.refresh();
    }
    const seated = o.join === null || games.some((g) => g.players() > 0);
    return finished(player.state(), o.join) && seated;
  });
  for (const tree of [...games.map((g) => g.tree), player.tree]) closeTree(tree);
  await lobby.close();
  const success = ok && player.state() !== 'failed';
  print(success ? 'server-list: OK' : 'server-list: FAILED');
  return success ? 0 : 1;
}

function filters(o: Options): { game: string; hasSpace: boolean; transport?: Transport } {
  return { game: 'arena', hasSpace: true, ...(o.transport !== undefined ? { transport: o.transport } : {}) };
}

function finished(state: string, join: JoinServer | null): boolean {
  return join === null ? state !== 'waiting' : state === 'joined' || state === 'failed';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
