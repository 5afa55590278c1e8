/**
 * Concurrent users per server process: how many clients one scenenet game server carries in rooms of
 * 10 players who each broadcast an unreliable position packet 20 times a second (relayed by the
 * server to the other 9), with the server's tick p99 under 50 ms and ≥ 99 % delivered; and, in the
 * same run, ramped the same way, the same for a raw `ws` relay server (the floor).
 *
 *   npx tsx test/bench/ccu.bench.ts [steps=100,250,500,1000,1500,2000] [seconds=5]
 *
 * Servers, each in its own process pinned to core 0 (`taskset -c 0` when available), ticking at 30 Hz
 * and timing every tick:
 *   - ours: a GameServer with an `arena` room type (maxClients 10): per room a WebSocketMultiplayerPeer
 *     (stream server), a SceneMultiplayer with server relay and the server policy, a SceneTree;
 *   - raw ws (the baseline): one `ws` WebSocketServer; the 'message' listener queues, each tick relays
 *     what was queued as SceneMultiplayer's relay does (same bytes: the 4-byte id, ADD_PEER/DEL_PEER
 *     notices to room mates, RELAY packets re-addressed with the sender's id), each socket corked per tick.
 * The bots (ccu-bots.ts) speak those bytes themselves over plain TCP (handshake, unmasked reads, zero-key masked
 * writes): the same bots for both servers, and cheap, so that two bot processes sharing core 1 are not
 * what limits a step. Each bot broadcasts a 33-byte RAW packet (in a 39-byte RELAY) at 20 Hz and, once
 * a second, pings one room mate (relayed there and back: the RTT). Delivery is what room mates received
 * of what was broadcast, counted after a 1 s drain. A step is bounded: the processes must start within
 * 20 s, the bots connect within 8 s, then send for `seconds` after a warm-up second that the tick timing leaves out (WARMUP_S); the ramp of a server stops at its first
 * step that misses a target, and the run when both have. The line before the last is
 * `raw ws: max <N> clients …`, the last `ccu: max <N> clients at p99 tick <ms> ms, delivery <pct>%`.
 *
 * (`scenenet loadtest`'s engine, real WebSocketMultiplayerPeer + SceneMultiplayer clients, was what
 * limited the previous version of this bench.) CCU_GATE=cpu judges the tick by its CPU time instead of
 * its wall time; CCU_PROFILE=<dir> records each server's CPU profile of the sending phase.
 *
 * Reading the figures: the machine has 2 cores shared with other work (the load average is printed);
 * the server and bot CPU are printed per step, so a step limited by the bots or by a busy core shows,
 * and so is the server CPU per delivered message (all of it: ticks, socket I/O, GC), the figure the
 * load disturbs least, with the clients a whole core would carry at that cost.
 *
 * Measured on a quiet machine (Dec 2026, load average 1.0–1.9), with the warm-up second and 1,000 rooms:
 * `ccu: max 2000 clients at p99 tick 21.5 ms, delivery 100.0%` (server CPU 84 % of a core, 2.37 µs per
 * delivered message; the bots used 95 % of theirs), raw `ws` max 1,000 (at 1,500: p99 85 ms). Our server
 * frames each connection's messages of a tick into one write; the raw relay corks each socket per tick
 * but `ws`'s Sender still builds a header and two writes per message. Two bench faults hid this before:
 * the tick timing started with the traffic, so a fresh process's first two ticks (67 and 51 ms at 1,000
 * clients, compiling the relay path) were the p99 of 150 ticks; and GameServer's default of 100 rooms
 * capped ours at 1,000 clients. Without them, the same machine printed max 500 (raw `ws` 1,000).
 * Measured earlier (Dec 2026), at load average ~5 on the 2 cores: raw `ws` max 500 clients (p99 tick 41.5 ms;
 * at 1,000: p99 797 ms, 90 % delivered), ours max 250 (p99 14.6 ms; at 500: p99 68.2 ms, CPU p99 44.8
 * ms, delivery 100 %; a lone 500 step a minute earlier passed at 44.2 ms): 50 % of the raw floor by
 * "max N", the margin being our tick's spikes (the p50 tick is shorter than raw's: 2.6 vs 7.0 ms at
 * 500, as our socket writes leave after the tick). Server CPU per delivered message, which the load
 * disturbs least: ours 4.1 vs 3.75 µs at 500 clients, 4.5 vs 4.1 at 250 (1.09–1.11× the floor; 1.1–1.3×
 * at load average 12–15, where both servers miss the tick target from 100–250 clients as ticks wait
 * for the core). At those costs a whole core carries ~1,360 clients (ours) and ~1,480 (raw `ws`):
 * 2,000 clients means 360,000 relayed messages a second, 1.35 cores at raw `ws`'s 3.75 µs, so 2,000 on
 * one core is out of reach even for the raw `ws` relay. Where our server's time goes in the sending
 * phase (CPU profile at 500 clients, the failing step, self time): socket writes 30 % (one write per
 * connection per tick: the framing batches the tick's messages), Node streams and events 23 % (reads,
 * write completion), our code 28 % (SceneTree/SceneMultiplayer relay ~12 %, the WebSocket plugin’s
 * polls, puts and framing ~10 %, GameServer), the `ws` receiver 5 %, GC 3 %; raw `ws` spends its
 * time in writev (52 %) and `ws`'s Sender (a header buffer and two stream writes per message). A room
 * pinging its clients every 2 s made one write per client in one tick (the p99 tick): pings now go
 * in the tick's batch too.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import type { Socket } from 'node:net';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { ErrorCode } from '../../core/index.js';
import { GameServer } from '../../server/index.js';
import { ADD_PEER, DEL_PEER, RELAY, SYS, SYS_CMD_SIZE, pct, runBots, type BotSummary } from './ccu-bots.js';

const SELF = fileURLToPath(import.meta.url);
/** The children run this file bundled by esbuild (set by main): a tsx start-up takes seconds on a busy machine. */
let script = SELF;
const TICK_HZ = 30;
const RATE = 20;
const ROOM = 10;
const BOT_PROCESSES = 2;
const START_TIMEOUT_MS = 20_000;
const CONNECT_TIMEOUT_MS = 8_000;
/**
 * Seconds the bots send before the server starts timing its ticks (both servers alike): a fresh
 * process's first ticks under traffic compile the relay path and grow its buffers, and with 150 ticks
 * per 5 s step the p99 is the second-longest tick, so those one-time first ticks decided it
 * (ours at 1,000 clients: ticks #1 and #2 at 67 and 51 ms, every later one under 30 ms). Delivery
 * still counts every message, warm-up included.
 */
const WARMUP_S = 1;
/**
 * What "p99 tick" means for the targets: `wall` (default), the tick's wall time; `cpu` (CCU_GATE=cpu), its
 * CPU time, for a machine so busy that its wall time mostly measures other processes (both are printed).
 */
const GATE = process.env.CCU_GATE === 'cpu' ? 'cpu' : 'wall';

type Kind = 'ours' | 'raw';

/** Records tick durations between 'mark' and 'report' and answers the parent; `stop` ends the process. */
function tickReporter(kind: Kind, tick: () => void, stop: () => void, port: number): void {
  const profiler = profilerFor(kind);
  let ticks: number[] | null = null;
  let tickCpu: number[] = [];
  let cpuAtMark = process.cpuUsage();
  let markedAt = 0;
  setInterval(() => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    tick();
    if (ticks === null) return;
    ticks.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    tickCpu.push((c.user + c.system) / 1000);
  }, 1000 / TICK_HZ);
  process.on('message', (m: string) => {
    if (m === 'mark') {
      profiler?.start();
      ticks = [];
      tickCpu = [];
      cpuAtMark = process.cpuUsage();
      markedAt = performance.now();
    } else if (m === 'report') {
      profiler?.stop();
      const sorted = [...(ticks ?? [])].sort((a, b) => a - b);
      const cpuSorted = tickCpu.sort((a, b) => a - b);
      ticks = null;
      const cpu = process.cpuUsage(cpuAtMark);
      process.send!({
        report: {
          ticks: sorted.length,
          p50: pct(sorted, 50),
          p99: pct(sorted, 99),
          max: sorted.at(-1) ?? 0,
          cpuP99: pct(cpuSorted, 99),
          cpuMs: (cpu.user + cpu.system) / 1000,
          cpu: (cpu.user + cpu.system) / 1000 / (performance.now() - markedAt),
        },
      });
    } else if (m === 'stop') stop();
  });
  process.send!({ port });
}

/**
 * With CCU_PROFILE=<dir>, a server records a CPU profile of each step's sending phase (from 'mark' to
 * 'report', so neither start-up nor the handshakes) into <dir>/ccu-<kind>-<clients>.cpuprofile.
 */
function profilerFor(kind: Kind): { start(): void; stop(): void } | null {
  const dir = process.env.CCU_PROFILE;
  if (dir === undefined) return null;
  const session = new Session();
  session.connect();
  return {
    start: () => {
      session.post('Profiler.enable', () => session.post('Profiler.start'));
    },
    stop: () => {
      session.post('Profiler.stop', (err, result) => {
        if (err === null) writeFileSync(`${dir}/ccu-${kind}-${process.env.CCU_CLIENTS}.cpuprofile`, JSON.stringify(result.profile));
      });
    },
  };
}

/** Child: our game server. */
async function serveOurs(): Promise<void> {
  const server = new GameServer({ fps: TICK_HZ, maxRooms: 1_000 }); // GameServer's default cap, 100 rooms, is 1,000 clients at 10 a room
  server.define('arena', { maxClients: ROOM, emptyGraceMs: Infinity, setup: () => undefined });
  if ((await server.listen(0)) !== ErrorCode.OK) throw new Error('listen failed');
  tickReporter(
    'ours',
    () => server.tick(),
    () => void server.shutdown({ graceMs: 200 }).then(() => process.exit(0)),
    server.getLocalPort(),
  );
}

interface RawClient {
  readonly ws: WebSocket;
  readonly id: number;
  readonly room: RawClient[];
}

/** Child: the raw `ws` relay server (the baseline), doing what SceneMultiplayer's relay does. */
async function serveRaw(): Promise<void> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false, clientTracking: false });
  await new Promise((r) => wss.once('listening', r));
  const rooms = new Map<string, RawClient[]>();
  const inbox: Array<RawClient | Buffer> = [];
  const used = new Set<number>();
  const corked = new Set<Socket>();
  const send = (c: RawClient, data: Uint8Array): void => {
    const s = (c.ws as unknown as { _socket: Socket })._socket;
    if (!corked.has(s)) {
      s.cork();
      corked.add(s);
    }
    c.ws.send(data, { binary: true });
  };
  const notice = (cmd: number, peer: number): Buffer => {
    const b = Buffer.alloc(SYS_CMD_SIZE);
    b[0] = SYS;
    b[1] = cmd;
    b.writeInt32LE(peer, 2);
    return b;
  };
  wss.on('connection', (ws, req) => {
    let id = 2 + Math.floor(Math.random() * 0x7ffffffd);
    while (used.has(id)) id = 2 + Math.floor(Math.random() * 0x7ffffffd);
    used.add(id);
    const key = req.url ?? '/';
    const room = rooms.get(key) ?? [];
    rooms.set(key, room);
    const me: RawClient = { ws, id, room };
    const hello = Buffer.alloc(4);
    hello.writeInt32LE(id, 0);
    send(me, hello);
    for (const mate of room) {
      send(mate, notice(ADD_PEER, id));
      send(me, notice(ADD_PEER, mate.id));
    }
    room.push(me);
    ws.on('message', (data: Buffer) => inbox.push(me, data));
    ws.on('close', () => {
      room.splice(room.indexOf(me), 1);
      used.delete(id);
      for (const mate of room) send(mate, notice(DEL_PEER, id));
    });
  });
  const tick = (): void => {
    for (let i = 0; i < inbox.length; i += 2) {
      const from = inbox[i] as RawClient;
      const data = inbox[i + 1] as Buffer;
      if (data.length <= SYS_CMD_SIZE || data[0] !== SYS || data[1] !== RELAY) continue;
      const target = data.readInt32LE(2);
      const forward = Buffer.from(data); // [07 03 <from> inner]: the relay re-addresses a copy
      forward.writeInt32LE(from.id, 2);
      for (const mate of from.room) if (mate !== from && (target === 0 || mate.id === target)) send(mate, forward);
    }
    inbox.length = 0;
    for (const s of corked) s.uncork();
    corked.clear();
  };
  tickReporter(
    'raw',
    tick,
    () => {
      wss.close();
      process.exit(0);
    },
    (wss.address() as { port: number }).port,
  );
}

function child(args: string[], pinTo: string | null): ChildProcess {
  if (pinTo !== null && existsSync('/usr/bin/taskset')) {
    return fork(script, args, {
      execPath: '/usr/bin/taskset',
      execArgv: ['-c', pinTo, process.execPath],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
  }
  return fork(script, args, { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

/** Bundles this file (its imports from node_modules stay imports) next to it, for the children. */
async function bundle(): Promise<string> {
  const { build } = await import('esbuild');
  const out = SELF.replace(/\.ts$/, `.${process.pid}.tmp.mjs`);
  await build({
    entryPoints: [SELF],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  return out;
}

function next<T>(proc: ChildProcess, key: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${key} within ${timeoutMs} ms`)), timeoutMs);
    const on = (m: Record<string, unknown>): void => {
      if (key in m) {
        clearTimeout(timer);
        proc.off('message', on);
        resolve(m as T);
      }
    };
    proc.on('message', on);
  });
}

interface Step {
  readonly clients: number;
  readonly connected: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** p99 of the CPU time (user + system) of a tick: the tick's own work, without the time the core went to other processes. */
  readonly cpuP99: number;
  /** Server CPU (all of it: ticks, socket I/O, GC) per message delivered to a bot, µs. */
  readonly usPerDelivered: number;
  readonly delivery: number;
  readonly rttP99: number;
  readonly serverCpu: number;
  readonly botCpu: number;
  readonly error: string | null;
}

/** Clients one core could serve if each delivered message cost `us` µs of server CPU: each client gets ROOM − 1 relayed broadcasts at RATE. */
const coreAt = (us: number): number => (us === 0 ? 0 : 1e6 / (us * RATE * (ROOM - 1)));
const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');

const tickP99 = (s: Step): number => (GATE === 'cpu' ? s.cpuP99 : s.p99);

async function step(kind: Kind, clients: number, seconds: number): Promise<Step> {
  const procs: ChildProcess[] = [];
  process.env.CCU_CLIENTS = String(clients); // the profile's file name (children inherit the environment)
  const server = child(['serve', kind], '0');
  procs.push(server);
  try {
    const { port } = await next<{ port: number }>(server, 'port', START_TIMEOUT_MS);
    const per = Math.ceil(clients / BOT_PROCESSES / ROOM) * ROOM;
    const botProcs: ChildProcess[] = [];
    for (let i = 0, left = clients; i < BOT_PROCESSES && left > 0; i++, left -= per) {
      botProcs.push(child(['bots', String(port), String(Math.min(per, left)), String(i * 10_000), String(seconds + WARMUP_S)], '1'));
    }
    procs.push(...botProcs);
    await Promise.all(botProcs.map((p) => next(p, 'sending', START_TIMEOUT_MS + CONNECT_TIMEOUT_MS + 1000)));
    await new Promise((resolve) => setTimeout(resolve, WARMUP_S * 1000));
    server.send('mark');
    const results = await Promise.all(botProcs.map((p) => next<{ summary: BotSummary }>(p, 'summary', seconds * 1000 + 10_000)));
    server.send('report');
    const { report } = await next<{ report: { p50: number; p99: number; max: number; cpuP99: number; cpuMs: number; cpu: number } }>(
      server,
      'report',
      10_000,
    );
    const received = results.reduce((n, r) => n + r.summary.received, 0);
    const expected = results.reduce((n, r) => n + r.summary.expected, 0);
    return {
      clients,
      connected: results.reduce((n, r) => n + r.summary.connected, 0),
      p50: report.p50,
      p99: report.p99,
      max: report.max,
      cpuP99: report.cpuP99,
      usPerDelivered: received === 0 ? 0 : (report.cpuMs * 1000) / received,
      delivery: expected === 0 ? 0 : (100 * received) / expected,
      rttP99: Math.max(...results.map((r) => r.summary.rttP99)),
      serverCpu: report.cpu,
      botCpu: results.reduce((n, r) => n + r.summary.cpu, 0),
      error: null,
    };
  } catch (err) {
    const none = { connected: 0, p50: 0, p99: 0, max: 0, cpuP99: 0, usPerDelivered: 0, delivery: 0, rttP99: 0, serverCpu: 0, botCpu: 0 };
    return { clients, ...none, error: (err as Error).message };
  } finally {
    if (server.connected) server.send('stop');
    await Promise.all(
      procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null || p.signalCode !== null) return resolve();
            const kill = setTimeout(() => p.kill('SIGKILL'), 3000);
            p.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
          }),
      ),
    );
  }
}

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  script = await bundle();
  try {
    await ramp();
  } finally {
    rmSync(script, { force: true });
  }
}

async function ramp(): Promise<void> {
  const steps = (process.argv[2] ?? '100,250,500,1000,1500,2000').split(',').map(Number);
  const seconds = Number(process.argv[3] ?? 5);
  console.log(
    `ccu: rooms of ${ROOM}, ${RATE} Hz unreliable broadcasts relayed to room mates, server tick ${TICK_HZ} Hz pinned to core 0, ` +
      `bots in ${BOT_PROCESSES} processes on core 1; ${seconds} s per step; targets: tick p99 (${GATE} time) < 50 ms, delivery ≥ 99 %`,
  );
  console.log(`command: npx tsx test/bench/ccu.bench.ts ${steps.join(',')} ${seconds}   (load average ${load()})`);
  const best: Record<Kind, Step | null> = { raw: null, ours: null };
  const going: Record<Kind, boolean> = { raw: true, ours: true };
  for (const clients of steps) {
    for (const kind of ['raw', 'ours'] as const) {
      if (!going[kind]) continue;
      const s = await step(kind, clients, seconds);
      const ok = s.error === null && s.connected === clients && tickP99(s) < 50 && s.delivery >= 99;
      console.log(
        `  ${kind === 'raw' ? 'raw ws' : 'ours  '} ${String(clients).padStart(5)} clients: ` +
          (s.error !== null
            ? `failed: ${s.error}`
            : `connected ${s.connected}, tick p50 ${s.p50.toFixed(1)} ms p99 ${s.p99.toFixed(1)} ms max ${s.max.toFixed(1)} ms ` +
              `(CPU p99 ${s.cpuP99.toFixed(1)} ms), delivery ${s.delivery.toFixed(1)} %, rtt p99 ${s.rttP99.toFixed(0)} ms, ` +
              `server CPU ${(s.serverCpu * 100).toFixed(0)} % of a core = ${s.usPerDelivered.toFixed(2)} µs per delivered message ` +
              `(a whole core at that cost: ~${fmtInt(coreAt(s.usPerDelivered))} clients), ` +
              `bots ${(s.botCpu * 100).toFixed(0)} %`) +
          `  (load ${load()})` +
          (ok ? '' : '  ← misses a target'),
      );
      if (ok) best[kind] = s;
      else going[kind] = false;
    }
    if (!going.raw && !going.ours) break;
  }
  const line = (s: Step | null): string =>
    s === null
      ? 'max 0 clients at p99 tick 0 ms, delivery 0%'
      : `max ${s.clients} clients at p99 tick ${tickP99(s).toFixed(1)} ms, delivery ${s.delivery.toFixed(1)}%`;
  const ratio =
    best.raw !== null && best.ours !== null ? `; ours carries ${((100 * best.ours.clients) / best.raw.clients).toFixed(0)} % of it` : '';
  console.log(`raw ws: ${line(best.raw)} (p99 of the tick's ${GATE === 'cpu' ? 'CPU' : 'wall'} time${ratio})`);
  console.log(`ccu: ${line(best.ours)}`);
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'serve') await (rest[0] === 'raw' ? serveRaw() : serveOurs());
else if (mode === 'bots') {
  const summary = await runBots(Number(rest[0]), Number(rest[1]), Number(rest[2]), Number(rest[3]), {
    room: ROOM,
    rate: RATE,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    onSending: () => process.send!({ sending: true }),
  });
  process.send!({ summary });
  process.exit(0);
} else await main();
