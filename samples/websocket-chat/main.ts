/**
 * Godot's WebSocket chat demo, headless (`npx scenenet chat …` or `node --import tsx samples/websocket-chat/main.ts …`).
 * Every option, its default and an example: `npx scenenet chat --help`.
 */
import { createInterface } from 'node:readline';
import { choiceOption, defineCommand, integerOption, positiveOption, runCommand, sleep, type OptionValues } from '../../cli/index.js';
import { startClient, startServer, type Participant } from './multiplayer-chat.js';
import { RawChatClient, RawChatServer, type Print } from './raw-chat.js';

export const CHAT_COMMAND = defineCommand({
  name: 'chat',
  description: `Godot's WebSocket chat demo: SceneMultiplayer RPCs over WebSocketMultiplayerPeer (or plain
WebSocketPeer with --mode raw). With neither --server nor --client, a server and two clients (alice and
bob) run in one process and say hello. A lone client with no --frames limit also sends each line typed
on stdin. SIGINT/SIGTERM close every peer and exit 0.
Exit code: 0 when the server listened and every client connected, 1 otherwise, 2 for bad arguments.`,
  options: {
    mode: {
      type: 'string',
      value: 'multiplayer|raw',
      default: 'multiplayer',
      help: 'SceneMultiplayer RPCs, or plain WebSocketPeer text',
      example: '--mode raw',
    },
    server: { type: 'boolean', help: 'run only the server; prints "listening on port P"', example: '--server' },
    port: { type: 'string', value: 'P', default: '0', help: "the server's port (0 picks a free one)", example: '--port 9080' },
    client: { type: 'string', value: 'URL', help: 'run only a client of the server at URL', example: '--client ws://127.0.0.1:9080' },
    name: { type: 'string', value: 'NAME', default: 'client', help: "the client's name", example: '--name carol' },
    say: {
      type: 'string',
      value: 'TEXT',
      multiple: true,
      help: 'a line to send once connected (repeatable)',
      example: "--say 'hello all'",
    },
    frames: {
      type: 'string',
      value: 'N',
      defaultText: 'unbounded (until SIGINT/SIGTERM)',
      help: 'stop after N frames',
      example: '--frames 90',
    },
    fps: { type: 'string', value: 'F', default: '30', help: 'frames per second', example: '--fps 60' },
  },
  examples: [
    'scenenet chat --frames 60',
    'scenenet chat --server --port 9080      # then, in another terminal:',
    "scenenet chat --client ws://127.0.0.1:9080 --name carol --say 'hi'",
  ],
});

interface ChatOptions {
  readonly mode: 'raw' | 'multiplayer';
  readonly server: boolean;
  readonly clients: ReadonlyArray<{ name: string; url: string | null; say: readonly string[] }>;
  readonly port: number;
  readonly frames: number | undefined;
  readonly fps: number;
  readonly stop: AbortSignal | undefined;
}

/** Runs the chat sample with command-line arguments; resolves with the exit code. */
export function main(argv: string[], print: Print = (line) => console.log(line)): Promise<number> {
  return runCommand(CHAT_COMMAND, argv, async (values, stop) => {
    const options = chatOptions(values, stop);
    const code = await (options.mode === 'raw' ? runRaw(options, print) : runMultiplayer(options, print));
    if (stop.aborted) print(`chat: stopped by ${String(stop.reason)}`);
    return stop.aborted ? 0 : code;
  });
}

function chatOptions(values: OptionValues<typeof CHAT_COMMAND.options>, stop: AbortSignal): ChatOptions {
  const mode = choiceOption(values.mode, 'mode', ['multiplayer', 'raw']);
  const port = integerOption(values.port, 'port', 0, 65535);
  const fps = positiveOption(values.fps, 'fps');
  const frames = values.frames === undefined ? undefined : integerOption(values.frames, 'frames', 0);
  const both = !values.server && values.client === undefined;
  const clients =
    values.client !== undefined
      ? [{ name: values.name, url: values.client, say: values.say }]
      : both
        ? [
            { name: 'alice', url: null, say: values.say.length > 0 ? values.say : ['hello from alice'] },
            { name: 'bob', url: null, say: ['hi alice, bob here'] },
          ]
        : [];
  return { mode, server: values.server || both, clients, port, frames, fps, stop };
}

/**
 * The --say lines wait until every client of this process is connected, so that in the one-process
 * run each client hears every line. Returns the per-frame check that releases them.
 */
function holdLines<C>(
  options: ChatOptions,
  clients: readonly C[],
  connected: (c: C) => boolean,
  say: (c: C, line: string) => void,
): () => void {
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

/** Calls `step` at `fps` until `frames` have run (or forever) or the command is stopped, like a game's main loop. */
async function runFrames(options: ChatOptions, step: () => void): Promise<void> {
  const frameMs = 1000 / options.fps;
  for (let frame = 0; (options.frames === undefined || frame < options.frames) && options.stop?.aborted !== true; frame++) {
    step();
    await sleep(frameMs, options.stop);
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
    const release = holdLines(
      options,
      clients,
      (c) => c.connected,
      (c, line) => c.say(line),
    );
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
  const release = holdLines(
    options,
    clients,
    (c) => c.ok,
    (c, line) => c.say(line),
  );
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
