/**
 * Memory per idle WebSocket connection, measured where it is paid: in the server's own process.
 *
 *   npx tsx test/bench/connections.bench.ts [clients=1000] [rounds=3]
 *
 * Each round starts a fresh server process (ours: a WebSocketMultiplayerPeer server polled at 60 Hz;
 * the baseline: a raw `ws` WebSocketServer). A second process first opens a warm-up batch of raw `ws`
 * connections (a quarter of `clients`: the server's code gets compiled and its pools allocated), the
 * server records its memory after two forced GCs, then `clients` more connections open (each reads the
 * id a WebSocketMultiplayerPeer server announces), one idle second passes, and the server records its
 * memory again. The figures are that growth divided by `clients`: RSS (what the operating system
 * pays) and heap (V8 objects). The
 * two servers take turns, `rounds` each; medians and ranges are printed. The last line is
 * `idle: <rss> KB RSS, <heap> KB heap per connection; raw ws <rss> KB, <heap> KB`.
 *
 * Both servers run with V8's young generation at a fixed size, 16 MB per semi-space (the default
 * maximum on 64-bit): `--min-semi-space-size=16 --max-semi-space-size=16`. With V8's adaptive sizing
 * the young generation grows by doubling, from 1 MB up to 2 × 16 MB, whenever allocation is busy, and
 * whether one of those doublings fell between the two samples decided the figure: 12–19 KB per
 * connection in one round, 4–7 KB in the next, for the same code. That growth is paid once per
 * process (at most 32 MB, for 10 or 10,000 connections), so it is not a per-connection cost; fixing
 * the size for both servers takes it out of both figures alike. `young=auto` as the fourth argument
 * runs V8's adaptive sizing instead, to see the swings.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { WebSocket, WebSocketServer } from 'ws';
import { WebSocketMultiplayerPeer } from '../../plugins/websocket/index.js';

const SELF = fileURLToPath(import.meta.url);

interface Sample {
  rss: number;
  heap: number;
  external: number;
}

function sample(): Sample {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  gc();
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, external: m.external };
}

/** Child: a server of `kind`; answers 'sample' with its memory. */
async function serve(kind: string): Promise<void> {
  let port: number;
  let stop: () => void;
  if (kind === 'ours') {
    const peer = new WebSocketMultiplayerPeer();
    peer.handshakeTimeout = 120;
    await peer.createServer(0, '127.0.0.1');
    const timer = setInterval(() => peer.poll(), 16);
    port = peer.getLocalPort();
    stop = () => {
      clearInterval(timer);
      peer.close();
    };
  } else {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
    await new Promise((r) => wss.once('listening', r));
    port = (wss.address() as { port: number }).port;
    stop = () => wss.close();
  }
  process.on('message', (m: string) => {
    if (m === 'sample') process.send!({ sample: sample() });
    if (m === 'stop') {
      stop();
      process.exit(0);
    }
  });
  // Let start-up garbage settle before the baseline is taken.
  await new Promise((r) => setTimeout(r, 500));
  process.send!({ port });
}

/**
 * Child: opens raw ws connections to `port` in batches of the sizes it is sent; reports when each
 * batch is open (and, for ours, announced).
 */
async function connect(port: number, announced: boolean): Promise<void> {
  let ready = 0;
  const sockets: WebSocket[] = [];
  const open = async (n: number): Promise<void> => {
    const target = ready + n;
    for (let i = 0; i < n; i++) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
      if (announced) ws.once('message', () => ready++);
      else ws.once('open', () => ready++);
      ws.on('error', (e) => {
        process.send!({ error: String(e) });
      });
      sockets.push(ws);
      if (i % 100 === 99) await new Promise((r) => setTimeout(r, 10)); // do not overrun the accept backlog
    }
    while (ready < target) await new Promise((r) => setTimeout(r, 20));
    process.send!({ ready });
  };
  process.on('message', (m: string | number) => {
    if (typeof m === 'number') void open(m);
    else if (m === 'stop') {
      for (const ws of sockets) ws.terminate();
      process.exit(0);
    }
  });
}

/** V8 flags of the server processes: the young generation fixed at 16 MB per semi-space unless `young=auto`. */
const YOUNG = process.argv[4] === 'young=auto' ? [] : ['--min-semi-space-size=16', '--max-semi-space-size=16'];

function child(args: string[], v8Flags: readonly string[] = []): ChildProcess {
  return fork(SELF, args, { execArgv: ['--expose-gc', ...v8Flags, '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function next<T>(proc: ChildProcess, key: string, timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${key} within ${timeoutMs} ms`)), timeoutMs);
    const on = (m: Record<string, unknown>): void => {
      if (m.error !== undefined) {
        clearTimeout(timer);
        proc.off('message', on);
        reject(new Error(String(m.error)));
      } else if (key in m) {
        clearTimeout(timer);
        proc.off('message', on);
        resolve(m[key] as T);
      }
    };
    proc.on('message', on);
  });
}

async function round(kind: 'ours' | 'raw', clients: number): Promise<Sample> {
  const server = child(['serve', kind], YOUNG);
  const port = await next<number>(server, 'port');
  const bots = child(['connect', String(port), kind === 'ours' ? '1' : '0']);
  bots.send(Math.ceil(clients / 4));
  await next<number>(bots, 'ready');
  await new Promise((r) => setTimeout(r, 500));
  server.send('sample');
  const before = await next<Sample>(server, 'sample');
  bots.send(clients);
  await next<number>(bots, 'ready');
  await new Promise((r) => setTimeout(r, 1000)); // idle
  server.send('sample');
  const after = await next<Sample>(server, 'sample');
  bots.send('stop');
  server.send('stop');
  await Promise.all([bots, server].map((p) => new Promise((r) => p.once('exit', r))));
  return {
    rss: (after.rss - before.rss) / clients,
    heap: (after.heap - before.heap) / clients,
    external: (after.external - before.external) / clients,
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const kb = (n: number): string => (n / 1024).toFixed(1);
const range = (xs: number[]): string => `${kb(Math.min(...xs))}–${kb(Math.max(...xs))}`;

async function main(): Promise<void> {
  const clients = Number(process.argv[2] ?? 1000);
  const rounds = Number(process.argv[3] ?? 3);
  console.log(
    `idle connections: ${clients} raw ws clients (after ${Math.ceil(clients / 4)} warm-up ones) in another process, the server in its own; ${rounds} rounds each, taking turns`,
  );
  console.log(`server V8 flags: ${YOUNG.length > 0 ? YOUNG.join(' ') : "V8's adaptive young generation (young=auto)"}`);
  console.log(
    `command: npx tsx test/bench/connections.bench.ts ${clients} ${rounds}${YOUNG.length > 0 ? '' : ' young=auto'}   (load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})`,
  );
  const results = { ours: [] as Sample[], raw: [] as Sample[] };
  for (let r = 0; r < rounds; r++) {
    for (const kind of r % 2 === 0 ? (['raw', 'ours'] as const) : (['ours', 'raw'] as const))
      results[kind].push(await round(kind, clients));
  }
  for (const [name, kind] of [
    ['raw ws WebSocketServer (baseline)', 'raw'],
    ['WebSocketMultiplayerPeer server', 'ours'],
  ] as const) {
    const s = results[kind];
    console.log(
      `  ${name.padEnd(34)} RSS ${kb(median(s.map((x) => x.rss))).padStart(6)} KB [${range(s.map((x) => x.rss))}]` +
        `  heap ${kb(median(s.map((x) => x.heap))).padStart(5)} KB [${range(s.map((x) => x.heap))}]` +
        `  external ${kb(median(s.map((x) => x.external))).padStart(5)} KB per connection`,
    );
  }
  const ours = results.ours;
  const raw = results.raw;
  console.log(
    `idle: ${kb(median(ours.map((x) => x.rss)))} KB RSS, ${kb(median(ours.map((x) => x.heap)))} KB heap per connection; ` +
      `raw ws ${kb(median(raw.map((x) => x.rss)))} KB, ${kb(median(raw.map((x) => x.heap)))} KB`,
  );
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'serve') await serve(rest[0]!);
else if (mode === 'connect') await connect(Number(rest[0]), rest[1] === '1');
else await main();
