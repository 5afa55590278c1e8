/**
 * Godot's WebSocket chat demo, headless (`npx scenenet chat …` or `node --import tsx samples/websocket-chat/main.ts …`).
 *
 *   --mode multiplayer|raw  SceneMultiplayer RPCs over WebSocketMultiplayerPeer (default), or plain WebSocketPeer
 *   --server [--port P]     run only the server (port 0 picks one; it prints "listening on port P")
 *   --client URL            run only a client, e.g. ws://127.0.0.1:9080
 *                           (neither: a server and two clients, alice and bob, in one process)
 *   --name NAME             the client's name (default "client")
 *   --say TEXT              a line to send once connected (repeatable)
 *   --frames N              stop after N frames (default: run until interrupted; a lone client then
 *                           also sends each line typed on stdin)
 *   --fps F                 frames per second (default 30)
 *
 * Exit code: 0 when the server listened and every client connected, 1 otherwise, 2 for bad arguments.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { startClient, startServer, type Participant } from './multiplayer-chat.js';
import { RawChatClient, RawChatServer, type Print } from './raw-chat.js';

interface ChatOptions {
  readonly mode: 'raw' | 'multiplayer';
  readonly server: boolean;
  readonly clients: ReadonlyArray<{ name: string; url: string | null; say: readonly string[] }>;
  readonly port: number;
  readonly frames: number | undefined;
  readonly fps: number;
}

/** Runs the chat sample with command-line arguments; resolves with the exit code. */
export async function main(argv: string[], print: Print = (line) => console.log(line)): Promise<number> {
  const options = parseOptions(argv);
  if (typeof options === 'string') {
    console.error(options);
    return 2;
  }
  return options.mode === 'raw' ? runRaw(options, print) : runMultiplayer(options, print);
}

function parseOptions(argv: string[]): ChatOptions | string {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        mode: { type: 'string', default: 'multiplayer' },
        server: { type: 'boolean', default: false },
        client: { type: 'string' },
        port: { type: 'string', default: '0' },
        name: { type: 'string', default: 'client' },
        say: { type: 'string', multiple: true, default: [] },
        frames: { type: 'string' },
        fps: { type: 'string', default: '30' },
      },
      strict: true,
    }));
  } catch (err) {
    return (err as Error).message;
  }
  if (values.mode !== 'raw' && values.mode !== 'multiplayer') return `unknown --mode "${values.mode}" (multiplayer, raw)`;
  const port = Number(values.port);
  const fps = Number(values.fps);
  const frames = values.frames === undefined ? undefined : Number(values.frames);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return `bad --port ${values.port}`;
  if (!(fps > 0)) return `bad --fps ${values.fps}`;
  if (frames !== undefined && !(Number.isInteger(frames) && frames >= 0)) return `bad --frames ${values.frames}`;
  const both = !values.server && values.client === undefined;
  const clients = values.client !== undefined
    ? [{ name: values.name, url: values.client, say: values.say }]
    : both
      ? [{ name: 'alice', url: null, say: values.say.length > 0 ? values.say : ['hello from alice'] }, { name: 'bob', url: null, say: ['hi alice, bob here'] }]
      : [];
  return { mode: values.mode, server: values.server || both, clients, port, frames, fps };
}

/**
 * The --say lines wait until every client of this process is connected, so that in the one-process
 * run each client hears every line. Returns the per-frame check that releases them.
 */
function holdLines<C>(options: ChatOptions, clients: readonly C[], connected: (c: C) => boolean, say: (c: C, line: string) => void): () => void {
  let held = true;
  return () => {
    if (!held || !clients.every(connected)) return;
    held = false;
    clients.forEach((c, i) => {
      for (const line of options.clients[i]!.say) say(c, line);
    });
  };
}

/** For a lone client with no --frames limit: each stdin line is sent as a chat line. */
function interactive(options: ChatOptions, send: (line: string) => void): { close(): void } | null {
  if (options.frames !== undefined || options.server || options.clients.length !== 1) return null;
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    if (line.trim() !== '') send(line);
  });
  return rl;
}

/** Calls `step` at `fps` until `frames` have run (or forever), like a game's main loop. */
async function runFrames(options: ChatOptions, step: () => void): Promise<void> {
  const frameMs = 1000 / options.fps;
  for (let frame = 0; options.frames === undefined || frame < options.frames; frame++) {
    step();
    await new Promise((resolve) => setTimeout(resolve, frameMs));
  }
}

async function runRaw(options: ChatOptions, print: Print): Promise<number> {
  const server = options.server ? new RawChatServer(print) : null;
  let port = options.port;
  if (server !== null) {
    port = await server.listen(options.port);
    if (port < 0) return 1;
    print(`[server] listening on port ${port}`);
  }
  const clients = options.clients.map((c) => {
    const client = new RawChatClient(print, c.name, []);
    client.connect(c.url ?? `ws://127.0.0.1:${port}`);
    return client;
  });
  const stdin = interactive(options, (line) => clients[0]!.say(line));
  try {
    const release = holdLines(options, clients, (c) => c.connected, (c, line) => c.say(line));
    await runFrames(options, () => {
      server?.poll();
      for (const c of clients) c.poll();
      release();
    });
  } finally {
    stdin?.close();
    for (const c of clients) c.close();
    server?.close();
  }
  return clients.every((c) => c.connected) ? 0 : 1;
}

async function runMultiplayer(options: ChatOptions, print: Print): Promise<number> {
  const participants: Participant[] = [];
  let port = options.port;
  if (options.server) {
    const server = await startServer(print, options.port);
    participants.push(server);
    if (!server.ok) return 1;
    port = server.port;
    print(`[server] listening on port ${port}`);
  }
  const clients = options.clients.map((c) => startClient(print, c.name, c.url ?? `ws://127.0.0.1:${port}`, []));
  participants.push(...clients);
  const release = holdLines(options, clients, (c) => c.ok, (c, line) => c.say(line));
  const last = participants[participants.length - 1]!;
  const stdin = interactive(options, (line) => last.say(line));
  try {
    await runFrames(options, () => {
      for (const p of participants) p.tree.processFrame(1 / options.fps);
      release();
    });
  } finally {
    stdin?.close();
    for (const p of participants) p.peer.close();
  }
  return participants.every((p) => p.ok) ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
