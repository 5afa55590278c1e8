/**
 * A lobby for game servers over HTTP, headless (`npx scenenet server-list …` or
 * `node --import tsx samples/server-list/main.ts …`).
 *
 *   (no role)               lobby + two game servers (one WebSocket, one ENet) + a player, in one process
 *   --lobby [--port P]      only the lobby service (prints "lobby listening on port P")
 *   --game --lobby-url URL [--name N] [--transport ws|enet]   only a game server, registered with the lobby
 *   --client --lobby-url URL [--transport ws|enet]            only a player: lists servers, joins the first
 *   --transport ws|enet     the game server's transport (default ws); for a player, a list filter
 *   --join auto|websocket|enet|none   how the player joins (default auto: the transport the server
 *                           announced; none stops after listing)
 *   --frames N              stop after N frames (default: until done; roles --lobby/--game: forever)
 *
 * Multi-process mode (every process on one Redis; see the README's "Scaling past one process"):
 *   --lobby --redis URL [--port P]              a lobby API process: GET /servers, POST /match/<type>, GET /rooms
 *   --game --redis URL [--port P] [--max-players N]   a game-server process whose `arena` rooms register themselves
 *   --client --lobby-url URL --match TYPE       a player: asks the lobby for a seat, joins with it (asks again on failure)
 *   --fps F                 frames per second (default 30)
 *
 * Exit code: 0 when the role did its job (player joined or listed; game server registered; lobby
 * served), 1 otherwise, 2 for bad arguments.
 */
import { parseArgs } from 'node:util';
import { startClusterGame, startClusterLobby, startMatchedPlayer } from './cluster.js';
import { joinByTransport, joinOverENet, joinOverWebSocket, type JoinServer } from './join.js';
import {
  closeTree, runFrames, startGameServer, startLobby, startPlayer, type Frames, type GameServer, type Print, type Transport,
} from './run-server-list.js';

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
export async function main(argv: string[], print: Print = (line) => console.log(line)): Promise<number> {
  const options = parseOptions(argv);
  if (typeof options === 'string') {
    console.error(options);
    return 2;
  }
  switch (options.role) {
    case 'lobby': return runLobby(options, print);
    case 'game': return runGame(options, print);
    case 'client': return runClient(options, options.lobbyUrl!, print);
    case 'all': return runAll(options, print);
  }
}

function parseOptions(argv: string[]): Options | string {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        lobby: { type: 'boolean', default: false },
        game: { type: 'boolean', default: false },
        client: { type: 'boolean', default: false },
        port: { type: 'string', default: '0' },
        'lobby-url': { type: 'string' },
        name: { type: 'string', default: 'Arena' },
        join: { type: 'string', default: 'auto' },
        transport: { type: 'string' },
        frames: { type: 'string' },
        fps: { type: 'string', default: '30' },
        redis: { type: 'string' },
        match: { type: 'string' },
        'max-players': { type: 'string', default: '8' },
      },
      strict: true,
    }));
  } catch (err) {
    return (err as Error).message;
  }
  const roles = [values.lobby && 'lobby', values.game && 'game', values.client && 'client'].filter((r) => r !== false);
  if (roles.length > 1) return 'choose one of --lobby, --game, --client';
  const role = (roles[0] || 'all') as Options['role'];
  if (((role === 'game' && values.redis === undefined) || role === 'client') && values['lobby-url'] === undefined) return `--${role} needs --lobby-url URL`;
  if (values.redis !== undefined && !/^rediss?:\/\/./.test(values.redis)) return `--redis must be a redis:// URL, got "${values.redis}"`;
  if (values.redis !== undefined && role !== 'lobby' && role !== 'game') return '--redis goes with --lobby or --game';
  if (values.match !== undefined && (role !== 'client' || !/^[A-Za-z0-9_-]{1,64}$/.test(values.match))) return '--match TYPE goes with --client';
  const maxPlayers = Number(values['max-players']);
  if (!Number.isInteger(maxPlayers) || maxPlayers < 1 || maxPlayers > 4095) return `bad --max-players ${values['max-players']}`;
  if (!(values.join in JOINS)) return `unknown --join "${values.join}" (${Object.keys(JOINS).join(', ')})`;
  if (values.transport !== undefined && values.transport !== 'ws' && values.transport !== 'enet') return `unknown --transport "${values.transport}" (ws, enet)`;
  const port = Number(values.port);
  const fps = Number(values.fps);
  const frames = values.frames === undefined ? undefined : Number(values.frames);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return `bad --port ${values.port}`;
  if (!(fps > 0)) return `bad --fps ${values.fps}`;
  if (frames !== undefined && !(Number.isInteger(frames) && frames >= 0)) return `bad --frames ${values.frames}`;
  return {
    role, port, fps, frames, name: values.name, lobbyUrl: values['lobby-url'],
    transport: values.transport as Transport | undefined, join: JOINS[values.join]!,
    redis: values.redis, match: values.match, maxPlayers,
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

/** Runs a multi-process role until its frames end or SIGINT/SIGTERM; 0 once stopped cleanly. */
async function runUntilStopped(stop: (() => Promise<void>) | null, o: Options): Promise<number> {
  if (stop === null) return 1;
  let signalled = false;
  const onSignal = (): void => void (signalled = true);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await runFrames([], o, () => signalled);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
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
  for (const [name, transport] of [['Arena 1', 'ws'], ['Arena 2', 'enet']] as const) {
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
