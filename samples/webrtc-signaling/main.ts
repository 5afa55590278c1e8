/**
 * Godot's webrtc_signaling demo, headless (`npx scenenet signaling …` or
 * `node --import tsx samples/webrtc-signaling/main.ts …`): a WebSocket signaling server with lobbies,
 * and clients that form a full WebRTC mesh (`createMesh`) and then talk over SceneMultiplayer RPCs
 * (a reliable `hello` to each peer, an unreliable `ping` to all every frame).
 * Every option, its default and an example: `npx scenenet signaling --help`.
 *
 * A client is done when it is connected to N-1 peers, has had a hello and a ping from each, and each
 * has said (a reliable `finish` RPC) that it is done too; it then lingers half a second and leaves.
 */
import { defineCommand, integerOption, positiveOption, runCommand, sleep, whenStopped, type OptionValues } from '../../cli/index.js';
import { WebRTCMultiplayerPeer, WebRTCPeerConnection } from '../../plugins/webrtc/index.js';
import { WebSocketPeer } from '../../plugins/websocket/index.js';
import { MeshClient, type MeshPlatform, type Print } from './mesh-client.js';
import { SignalingServer } from './signaling-server.js';

export const SIGNALING_COMMAND = defineCommand({
  name: 'signaling',
  description: `Godot's WebRTC signaling demo: a WebSocket signaling server with lobbies, and clients that form a
full WebRTC mesh and then exchange SceneMultiplayer RPCs. With neither --server nor --client, a server
and --peers clients run in one process. WebRTC stays on this machine (no ICE servers, --bind address).
SIGINT/SIGTERM close every peer and exit 0.
Exit code: 0 when every client finished (or the server ran), 1 otherwise, 2 for bad arguments.`,
  options: {
    server: { type: 'boolean', help: 'run only the signaling server; prints "listening on port P"', example: '--server' },
    port: { type: 'string', value: 'P', default: '0', help: "the server's port (0 picks a free one)", example: '--port 9080' },
    client: {
      type: 'string',
      value: 'URL',
      help: 'run one mesh client against the server at URL',
      example: '--client ws://127.0.0.1:9080',
    },
    lobby: {
      type: 'string',
      value: 'CODE',
      defaultText: 'create a lobby (prints "joined lobby CODE")',
      help: 'join the lobby CODE',
      example: '--lobby 3F9A',
    },
    name: { type: 'string', value: 'NAME', default: 'peer', help: "the client's name", example: '--name bob' },
    expect: {
      type: 'string',
      value: 'N',
      default: '2',
      help: 'the mesh is complete at N members, this one included (2 … 16)',
      example: '--expect 3',
    },
    seal: { type: 'boolean', help: 'seal the lobby once N members are connected (the creator only)', example: '--seal' },
    peers: { type: 'string', value: 'N', default: '3', help: 'clients of the one-process run (2 … 16)', example: '--peers 4' },
    bind: {
      type: 'string',
      value: 'ADDRESS',
      default: '127.0.0.1',
      help: 'local address for WebRTC (nothing leaves the machine)',
      example: '--bind 127.0.0.1',
    },
    frames: {
      type: 'string',
      value: 'N',
      defaultText: 'until done (unbounded for --server)',
      help: 'stop after N frames at most',
      example: '--frames 600',
    },
    fps: { type: 'string', value: 'F', default: '60', help: 'frames per second', example: '--fps 30' },
  },
  examples: [
    'scenenet signaling',
    'scenenet signaling --server --port 9080      # then, in two more terminals:',
    'scenenet signaling --client ws://127.0.0.1:9080 --name alice      # prints "joined lobby CODE"',
    'scenenet signaling --client ws://127.0.0.1:9080 --name bob --lobby CODE',
  ],
});

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
  readonly stop: AbortSignal | undefined;
}

/** Node's classes for the mesh client. */
export const nodePlatform: MeshPlatform = {
  createSocket: () => new WebSocketPeer(),
  createConnection: () => new WebRTCPeerConnection(),
  createMultiplayerPeer: () => new WebRTCMultiplayerPeer(),
};

/** Runs the sample with command-line arguments; resolves with the exit code. */
export function main(argv: string[], print: Print = (line) => console.log(line)): Promise<number> {
  return runCommand(SIGNALING_COMMAND, argv, async (values, stop) => {
    const code = await run(signalingOptions(values, stop), print);
    if (stop.aborted) print(`signaling: stopped by ${String(stop.reason)}`);
    return stop.aborted ? 0 : code;
  });
}

async function run(options: SignalingOptions, print: Print): Promise<number> {
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

function signalingOptions(values: OptionValues<typeof SIGNALING_COMMAND.options>, stop: AbortSignal): SignalingOptions {
  const url = values.client ?? null;
  return {
    server: values.server,
    port: integerOption(values.port, 'port', 0, 65535),
    url,
    lobby: values.lobby ?? '',
    name: values.name,
    expect: integerOption(values.expect, 'expect', 2, 16),
    seal: values.seal,
    peers: values.server || url !== null ? 0 : integerOption(values.peers, 'peers', 2, 16),
    bind: values.bind,
    frames: values.frames === undefined ? Infinity : integerOption(values.frames, 'frames', 0),
    fps: positiveOption(values.fps, 'fps'),
    stop,
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
  // Until SIGINT/SIGTERM, or --frames worth of time.
  if (Number.isFinite(options.frames)) await sleep((options.frames * 1000) / options.fps, options.stop);
  else if (options.stop !== undefined) await whenStopped(options.stop);
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
    for (let frame = 0; frame < options.frames && options.stop?.aborted !== true; frame++) {
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
      await sleep(frameMs, options.stop);
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
