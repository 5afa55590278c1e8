/**
 * The arena's server: scenenet in Node. It bundles the Phaser client (esbuild), serves it over HTTP on
 * 127.0.0.1, and runs the game on a WebSocketMultiplayerPeer, the tree driven at 60 fps.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ErrorCode } from '../../core/index.js';
import { WebSocketMultiplayerPeer } from '../../plugins/websocket/index.js';
import { SceneTree, type Node } from '../../scenetree/index.js';
import { hostArena } from './arena-game.js';

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>scenenet arena</title>
<style>body{background:#101418;color:#ddd;font:14px system-ui;margin:16px}label{margin-right:16px}</style></head>
<body>
<div id="game"></div>
<p>Move with the arrow keys or WASD, click to shoot.
<label><input type="checkbox" id="interpolation" checked> interpolation</label>
<label><input type="checkbox" id="prediction" checked> prediction</label>
<label>added latency (round trip) <input type="range" id="latency" min="0" max="500" step="10" value="0"> <span id="latency-ms"></span></label></p>
<script type="module" src="/client.js"></script>
</body></html>`;

/** A running arena server. */
export interface ArenaServer {
  /** The page to open, with the WebSocket address in its query. */
  readonly url: string;
  readonly tree: SceneTree;
  readonly players: Node;
  close(): Promise<void>;
}

/** Bundles the client, starts the game and its HTTP page on 127.0.0.1 (port 0: any free port). */
export async function startArenaServer(options: { port?: number; fps?: number } = {}): Promise<ArenaServer> {
  const entry = fileURLToPath(new URL('./client.ts', import.meta.url));
  if (!existsSync(entry)) {
    throw new Error('scenenet arena bundles its Phaser client from the sources at start: run it from a clone (npx tsx bin/scenenet.ts arena).');
  }
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
  const client = bundle.outputFiles[0]!.text;
  const tree = new SceneTree();
  const { players } = hostArena(tree);
  const peer = new WebSocketMultiplayerPeer();
  const err = await peer.createServer(0, '127.0.0.1');
  if (err !== ErrorCode.OK) throw new Error(`arena: the WebSocket server could not start (error ${err}).`);
  tree.getMultiplayer().multiplayerPeer = peer;
  const fps = options.fps ?? 60;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    tree.processFrame((now - last) / 1000);
    last = now;
  }, 1000 / fps);
  const http: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/' || path === '/index.html') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    else if (path === '/client.js') res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(client);
    else if (path === '/favicon.ico') res.writeHead(204).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?server=${encodeURIComponent(`ws://127.0.0.1:${peer.getLocalPort()}`)}`,
    tree,
    players,
    async close() {
      clearInterval(timer);
      peer.close();
      tree.quit();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
