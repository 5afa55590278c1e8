/**
 * Concurrent users per server process: how many clients one scenenet game server carries in rooms of
 * 10 players who each broadcast an unreliable position packet 20 times a second (relayed by the
 * server to the other 9), with the server's tick p99 under 50 ms and ≥ 99 % delivered.
 *
 *   npx tsx test/bench/ccu.bench.ts [steps=100,250,500,1000,2000] [seconds=8]
 *
 * The server runs in its own process pinned to one core (`taskset -c 0` when available): a
 * GameServer with an `arena` room type (maxClients 10) ticking at 30 Hz, timing every tick. The bots
 * are `scenenet loadtest`'s engine in two other processes (disjoint rooms, `--room-offset`), which
 * share the other core. Each step starts a fresh server, connects N clients, records the ticks while
 * every bot sends for `seconds`, and reports tick p50/p99/max, delivery and the bots' RTT. The ramp
 * stops at the first step that misses a target. The last line is
 * `ccu: max <N> clients at p99 tick <ms> ms, delivery <pct>%`.
 *
 * Reading the figures: on this 2-core machine the bots (real clients: WebSocket + SceneMultiplayer,
 * each receiving 9 × 20 packets a second) saturate their core before the server does at high N; the
 * bots' own CPU share is printed with each step so a step limited by the bots shows as such.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ErrorCode } from '../../core/index.js';
import { GameServer } from '../../server/index.js';
import { runLoadTest, type LoadTestSummary } from '../../samples/loadtest/loadtest.js';

const SELF = fileURLToPath(import.meta.url);
const TICK_HZ = 30;
const RATE = 20;
const ROOM = 10;
const BOT_PROCESSES = 2;

/** Child: the server. Answers 'mark' (start recording ticks) and 'report' (tick stats since the mark). */
async function serve(): Promise<void> {
  const server = new GameServer({ fps: TICK_HZ });
  server.define('arena', { maxClients: ROOM, emptyGraceMs: Infinity, setup: () => undefined });
  if ((await server.listen(0)) !== ErrorCode.OK) throw new Error('listen failed');
  let ticks: number[] | null = null;
  let cpuAtMark = process.cpuUsage();
  let markedAt = 0;
  setInterval(() => {
    const t0 = performance.now();
    server.tick();
    ticks?.push(performance.now() - t0);
  }, 1000 / TICK_HZ);
  process.on('message', (m: string) => {
    if (m === 'mark') {
      ticks = [];
      cpuAtMark = process.cpuUsage();
      markedAt = performance.now();
    } else if (m === 'report') {
      const sorted = [...(ticks ?? [])].sort((a, b) => a - b);
      const cpu = process.cpuUsage(cpuAtMark);
      process.send!({
        report: {
          ticks: sorted.length,
          p50: pct(sorted, 50),
          p99: pct(sorted, 99),
          max: sorted.at(-1) ?? 0,
          cpu: (cpu.user + cpu.system) / 1000 / (performance.now() - markedAt),
        },
      });
    } else if (m === 'stop') {
      void server.shutdown({ graceMs: 200 }).then(() => process.exit(0));
    }
  });
  process.send!({ port: server.getLocalPort() });
}

/** Child: `clients` bots in rooms from `roomOffset`. Posts 'sending', then its summary. */
async function bots(port: number, clients: number, roomOffset: number, seconds: number): Promise<void> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const summary = await runLoadTest({
    url: `ws://127.0.0.1:${port}/arena/r{room}`,
    clients,
    rooms: Math.ceil(clients / ROOM),
    roomOffset,
    rate: RATE,
    duration: seconds,
    connectTimeout: 120,
    onSending: () => process.send!({ sending: true }),
  });
  const cpu = process.cpuUsage(cpu0);
  process.send!({ summary, cpu: (cpu.user + cpu.system) / 1000 / (performance.now() - t0) });
  process.exit(0);
}

function pct(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function child(args: string[], pinTo: string | null): ChildProcess {
  if (pinTo !== null && existsSync('/usr/bin/taskset')) {
    return fork(SELF, args, {
      execPath: '/usr/bin/taskset',
      execArgv: ['-c', pinTo, process.execPath, '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
  }
  return fork(SELF, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function next<T>(proc: ChildProcess, key: string, timeoutMs = 300_000): Promise<T> {
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
  readonly delivery: number;
  readonly rttP99: number;
  readonly serverCpu: number;
  readonly botCpu: number;
}

async function step(clients: number, seconds: number): Promise<Step> {
  const server = child(['serve'], '0');
  const { port } = await next<{ port: number }>(server, 'port');
  const per = Math.ceil(clients / BOT_PROCESSES / ROOM) * ROOM;
  const procs: ChildProcess[] = [];
  for (let i = 0, left = clients; i < BOT_PROCESSES && left > 0; i++, left -= per) {
    procs.push(
      child(['bots', String(port), String(Math.min(per, left)), String(i * 10_000), String(seconds)], BOT_PROCESSES > 1 ? '1' : null),
    );
  }
  await Promise.all(procs.map((p) => next(p, 'sending')));
  server.send('mark');
  const results = await Promise.all(procs.map((p) => next<{ summary: LoadTestSummary; cpu: number }>(p, 'summary')));
  server.send('report');
  const { report } = await next<{ report: { p50: number; p99: number; max: number; cpu: number } }>(server, 'report');
  server.send('stop');
  await new Promise((r) => server.once('exit', r));
  const received = results.reduce((n, r) => n + r.summary.received, 0);
  const expected = results.reduce((n, r) => n + (r.summary.deliveryPct > 0 ? (100 * r.summary.received) / r.summary.deliveryPct : 0), 0);
  return {
    clients,
    connected: results.reduce((n, r) => n + r.summary.connected, 0),
    p50: report.p50,
    p99: report.p99,
    max: report.max,
    delivery: expected === 0 ? 0 : (100 * received) / expected,
    rttP99: Math.max(...results.map((r) => r.summary.rttP99Ms)),
    serverCpu: report.cpu,
    botCpu: results.reduce((n, r) => n + r.cpu, 0),
  };
}

async function main(): Promise<void> {
  const steps = (process.argv[2] ?? '100,250,500,1000,2000').split(',').map(Number);
  const seconds = Number(process.argv[3] ?? 8);
  console.log(
    `ccu: rooms of ${ROOM}, ${RATE} Hz unreliable broadcasts relayed to room mates, server tick ${TICK_HZ} Hz pinned to core 0, ` +
      `bots in ${BOT_PROCESSES} processes on core 1; ${seconds} s per step`,
  );
  console.log(
    `command: npx tsx test/bench/ccu.bench.ts ${steps.join(',')} ${seconds}   (load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})`,
  );
  let best: Step | null = null;
  for (const clients of steps) {
    const s = await step(clients, seconds);
    const ok = s.connected === clients && s.p99 < 50 && s.delivery >= 99;
    console.log(
      `  ${String(clients).padStart(5)} clients: connected ${s.connected}, tick p50 ${s.p50.toFixed(1)} ms p99 ${s.p99.toFixed(1)} ms max ${s.max.toFixed(1)} ms, ` +
        `delivery ${s.delivery.toFixed(1)} %, rtt p99 ${s.rttP99.toFixed(0)} ms, server CPU ${(s.serverCpu * 100).toFixed(0)} % of a core, bots ${(s.botCpu * 100).toFixed(0)} %` +
        (ok ? '' : '  ← misses a target'),
    );
    if (!ok) break;
    best = s;
  }
  console.log(
    best === null
      ? `ccu: max 0 clients at p99 tick 0 ms, delivery 0%`
      : `ccu: max ${best.clients} clients at p99 tick ${best.p99.toFixed(1)} ms, delivery ${best.delivery.toFixed(1)}%`,
  );
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'serve') await serve();
else if (mode === 'bots') await bots(Number(rest[0]), Number(rest[1]), Number(rest[2]), Number(rest[3]));
else await main();
