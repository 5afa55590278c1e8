/**
 * The arena's server: scenenet in Node, as rooms of the game-server layer. A `GameServer` defines the
 * `arena` room type (each room a match: its own SceneTree with the arena's World); browsers join a
 * room by WebSocket URL path (`ws://host:port/arena/<roomId>`, created on first join) and a standing
 * room `main` is open from the start. The page and its Phaser client are served over HTTP on another
 * port of 127.0.0.1; the client is the prebuilt bundle of the published package, or bundled from the
 * sources with esbuild when run from a clone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, type Logger } from '../../core/index.js';
import { GameServer, type Room } from '../../server/index.js';
import type { Node } from '../../scenetree/index.js';
import { hostArena } from './arena-game.js';

/** The room type name, the first segment of a client's WebSocket path. */
export const ARENA_ROOM_TYPE = 'arena';
/** The room open from the start (the page's default). */
export const DEFAULT_ROOM = 'main';
/** File name of the prebuilt browser client in `dist/` (written by the build: tsup.config.ts). */
export const PREBUILT_CLIENT = 'arena-client.js';

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>scenenet arena</title>
<style>body{background:#101418;color:#ddd;font:14px system-ui;margin:16px}label{margin-right:16px}</style></head>
<body>
<div id="game"></div>
<p>Move with the arrow keys or WASD, click to shoot.
<label><input type="checkbox" id="interpolation" checked> interpolation</label>
<label><input type="checkbox" id="prediction" checked> prediction</label>
<label>added latency (round trip) <input type="range" id="latency" min="0" max="500" step="10" value="0"> <span id="latency-ms"></span></label></p>
<p id="room"></p>
<script type="module" src="/client.js"></script>
</body></html>`;

/** A running arena server. */
export interface ArenaServer {
  /** The page to open: the WebSocket address and room in its query (`?server=ws://…&room=main`). */
  readonly url: string;
  /** The game server (its rooms are the matches). */
  readonly game: GameServer;
  /** The standing room `main`. */
  readonly room: Room;
  /** The `main` room's tree and players (what tests compare the browsers against). */
  readonly tree: Room['tree'];
  readonly players: Node;
  /** Where the browser client came from: the prebuilt bundle, or esbuild over the sources. */
  readonly clientSource: 'prebuilt' | 'sources';
  /** The players node of any arena room, by id (null when there is no such room). */
  playersOf(roomId: string): Node | null;
  close(): Promise<void>;
}

export interface ArenaServerOptions {
  /** HTTP port of the page (default 0: any free port). */
  readonly port?: number;
  /** WebSocket port of the game server (default 0). */
  readonly wsPort?: number;
  /** Frames per second of every room (default 60). */
  readonly fps?: number;
  readonly logger?: Logger;
}

/**
 * The browser client: from the sources with esbuild when they are next to this module (a clone, run
 * with tsx), else the bundle the build put in `dist/` (the published package).
 */
export async function loadArenaClient(): Promise<{ code: string; source: 'prebuilt' | 'sources' }> {
  const entry = fileURLToPath(new URL('./client.ts', import.meta.url));
  if (existsSync(entry)) return { code: await bundleArenaClient(entry), source: 'sources' };
  // In dist/ this module is a chunk of dist/ or dist/bin/: look up a few levels for the bundle.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 3; i++, dir = dirname(dir)) {
    const file = join(dir, PREBUILT_CLIENT);
    if (existsSync(file)) return { code: readFileSync(file, 'utf8'), source: 'prebuilt' };
  }
  throw new Error(`scenenet arena: neither the client sources nor the prebuilt ${PREBUILT_CLIENT} were found (rebuild the package).`);
}

/** Bundles `samples/arena/client.ts` (Phaser and scenenet's browser entries) into one ES module. */
export async function bundleArenaClient(entry = fileURLToPath(new URL('./client.ts', import.meta.url))): Promise<string> {
  const { build } = await import('esbuild'); // a dev dependency, like phaser
  const bundle = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'error',
  });
  return bundle.outputFiles[0]!.text;
}

/** Starts the game server with the `arena` room type and the `main` room, and the page's HTTP server. */
export async function startArenaServer(options: ArenaServerOptions = {}): Promise<ArenaServer> {
  const client = await loadArenaClient();
  const arenas = new Map<string, Node>();
  const game = new GameServer({ fps: options.fps ?? 60, ...(options.logger === undefined ? {} : { logger: options.logger }) });
  game.define(ARENA_ROOM_TYPE, {
    maxClients: 16,
    enet: false,
    setup: (room) => {
      arenas.set(room.id, hostArena(room.tree).players);
      room.disposed.connect(() => arenas.delete(room.id));
    },
  });
  const err = await game.listen(options.wsPort ?? 0, '127.0.0.1');
  if (err !== ErrorCode.OK) throw new Error(`arena: the game server could not listen (error ${err}).`);
  const room = await game.createRoom(ARENA_ROOM_TYPE, { id: DEFAULT_ROOM, emptyGraceMs: Number.POSITIVE_INFINITY });
  game.start();
  const http: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/' || path === '/index.html') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    else if (path === '/client.js') res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(client.code);
    else if (path === '/rooms') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(game.rooms()));
    else if (path === '/favicon.ico') res.writeHead(204).end();
    else res.writeHead(404).end();
  });
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
  } catch (e) {
    await game.shutdown({ graceMs: 0 });
    throw e;
  }
  const port = (http.address() as AddressInfo).port;
  const ws = `ws://127.0.0.1:${game.getLocalPort()}`;
  return {
    url: `http://127.0.0.1:${port}/?server=${encodeURIComponent(ws)}&room=${DEFAULT_ROOM}`,
    game,
    room,
    tree: room.tree,
    players: arenas.get(DEFAULT_ROOM)!,
    clientSource: client.source,
    playersOf: (id) => arenas.get(id) ?? null,
    async close() {
      http.closeAllConnections();
      await Promise.all([game.shutdown({ graceMs: 500 }), new Promise<void>((resolve) => http.close(() => resolve()))]);
    },
  };
}
