/**
 * Godot's webrtc_signaling demo, headless (`npx scenenet signaling …` or
 * `node --import tsx samples/webrtc-signaling/main.ts …`): a WebSocket signaling server with lobbies,
 * and clients that form a full WebRTC mesh (`createMesh`) and then talk over SceneMultiplayer RPCs
 * (a reliable `hello` to each peer, an unreliable `ping` to all every frame).
 *
 *   --server [--port P]    run only the signaling server (port 0 picks one; prints "listening on port P")
 *   --client URL           run one mesh client against ws://HOST:PORT
 *     --lobby CODE         join lobby CODE (default: create a lobby; prints "joined lobby CODE")
 *     --name NAME          the client's name (default "peer")
 *     --expect N           the mesh is complete at N members, this one included (default 2)
 *     --seal               seal the lobby once N members are connected (host only)
 *   (neither)              a server and --peers N clients (default 3) in one process
 *   --bind ADDRESS         local address for WebRTC (default 127.0.0.1: nothing leaves the machine)
 *   --frames N             stop after N frames at most (default: until done, or forever for --server)
 *   --fps F                frames per second (default 60)
 *
 * A client is done when it is connected to N-1 peers, has had a hello and a ping from each, and each
 * has said (a reliable `finish` RPC) that it is done too; it then lingers half a second and leaves. Exit code: 0 when every client
 * finished (or the server listened), 1 otherwise, 2 for bad arguments.
 */
import { parseArgs } from 'node:util';
import { WebRTCMultiplayerPeer, WebRTCPeerConnection } from '../../plugins/webrtc/index.js';
import { WebSocketPeer } from '../../plugins/websocket/index.js';
import { MeshClient, type MeshPlatform, type Print } from './mesh-client.js';
import { SignalingServer } from './signaling-server.js';

interface SignalingOptions {
  readonly server: boolean;
  readonly port: number;
  readonly url: string | null;
  readonly lobby: string;
  readonly name: string;
  readonly expect: number;
  readonly seal: boolean;
  readonly peers: number;
  readonly bind: string;
  readonly frames: number;
  readonly fps: number;
}

/** Node's classes for the mesh client. */
export const nodePlatform: MeshPlatform = {
  createSocket: () => new WebSocketPeer(),
  createConnection: () => new WebRTCPeerConnection(),
  createMultiplayerPeer: () => new WebRTCMultiplayerPeer(),
};

/** Runs the sample with command-line arguments; resolves with the exit code. */
export async function main(argv: string[], print: Print = (line) => console.log(line)): Promise<number> {
  const options = parseOptions(argv);
  if (typeof options === 'string') {
    console.error(options);
    return 2;
  }
  if (options.server && options.url === null && options.peers === 0) return runServer(options, print);
  if (options.url !== null) return runClients(options, print, options.url, [{ name: options.name, create: options.lobby === '' }]);
  const server = new SignalingServer({ log: print });
  const port = await server.listen(options.port);
  print(`[server] listening on port ${port}`);
  try {
    const names = Array.from({ length: options.peers }, (_, i) => ({ name: `peer${i + 1}`, create: i === 0 }));
    return await runClients({ ...options, expect: options.peers, seal: true }, print, `ws://127.0.0.1:${port}`, names);
  } finally {
    await server.close();
  }
}

function parseOptions(argv: string[]): SignalingOptions | string {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        server: { type: 'boolean', default: false },
        port: { type: 'string', default: '0' },
        client: { type: 'string' },
        lobby: { type: 'string', default: '' },
        name: { type: 'string', default: 'peer' },
        expect: { type: 'string', default: '2' },
        seal: { type: 'boolean', default: false },
        peers: { type: 'string', default: '3' },
        bind: { type: 'string', default: '127.0.0.1' },
        frames: { type: 'string' },
        fps: { type: 'string', default: '60' },
      },
      strict: true,
    }));
  } catch (err) {
    return (err as Error).message;
  }
  const num = (s: string, min: number): number | null => (Number.isInteger(Number(s)) && Number(s) >= min ? Number(s) : null);
  const port = num(values.port, 0);
  const expect = num(values.expect, 2);
  const peers = num(values.peers, 2);
  const frames = values.frames === undefined ? Infinity : num(values.frames, 0);
  const fps = Number(values.fps);
  if (port === null || port > 65535) return `bad --port ${values.port}`;
  if (expect === null || expect > 16) return `bad --expect ${values.expect} (2 … 16)`;
  if (peers === null || peers > 16) return `bad --peers ${values.peers} (2 … 16)`;
  if (frames === null) return `bad --frames ${values.frames}`;
  if (!(fps > 0)) return `bad --fps ${values.fps}`;
  const url = values.client ?? null;
  return {
    server: values.server,
    port,
    url,
    lobby: values.lobby,
    name: values.name,
    expect,
    seal: values.seal,
    peers: values.server || url !== null ? 0 : peers,
    bind: values.bind,
    frames,
    fps,
  };
}

async function runServer(options: SignalingOptions, print: Print): Promise<number> {
  const server = new SignalingServer({ log: print });
  let port: number;
  try {
    port = await server.listen(options.port);
  } catch (err) {
    print(`[server] cannot listen on port ${options.port}: ${(err as Error).message}`);
    return 1;
  }
  print(`[server] listening on port ${port}`);
  const stop = new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  const frames = Number.isFinite(options.frames)
    ? new Promise<void>((resolve) => setTimeout(resolve, (options.frames * 1000) / options.fps))
    : new Promise<void>(() => {});
  await Promise.race([stop, frames]);
  await server.close();
  return 0;
}

async function runClients(
  options: SignalingOptions,
  print: Print,
  url: string,
  specs: ReadonlyArray<{ name: string; create: boolean }>,
): Promise<number> {
  const rtcConfig = { iceServers: [], bindAddress: options.bind };
  const clients = specs.map((s) => new MeshClient(nodePlatform, { name: s.name, print, rtcConfig }));
  const frameMs = 1000 / options.fps;
  const lingerFrames = Math.ceil(options.fps / 2);
  const doneAt = new Map<MeshClient, number>();
  try {
    // The lobby's creator goes first; the others join once its code is known.
    clients[0]!.start(url, specs[0]!.create ? '' : options.lobby);
    let started = 1;
    let sealed = false;
    for (let frame = 0; frame < options.frames; frame++) {
      const lobby = clients[0]!.lobby;
      for (; started < clients.length && lobby !== ''; started++) clients[started]!.start(url, lobby);
      for (const c of clients) c.frame(frameMs / 1000);
      if (options.seal && !sealed && specs[0]!.create && clients[0]!.connectedPeers().length === options.expect - 1) {
        clients[0]!.seal();
        sealed = true;
      }
      for (const c of clients) {
        if (doneAt.has(c) || !c.isDone(options.expect)) continue;
        doneAt.set(c, frame);
        print(`[${c.name}] done: ${c.stats()}`);
      }
      if (doneAt.size === clients.length && Math.max(...doneAt.values()) + lingerFrames <= frame) break;
      await new Promise((resolve) => setTimeout(resolve, frameMs));
    }
    for (const c of clients) if (!doneAt.has(c)) print(`[${c.name}] NOT done: ${c.stats()}`);
  } finally {
    for (const c of clients) c.close();
  }
  return doneAt.size === clients.length ? 0 : 1;
}

// Run directly (`node --import tsx samples/webrtc-signaling/main.ts …`), not when imported.
if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
