/**
 * Matchmaker throughput: `npx tsx test/bench/matchmaker.bench.ts`
 *
 * A real redis-server (no persistence) on a free port, one real game-server process (rooms of 10)
 * registered on it, and PROCESSES matchmaker processes. Each round, every matchmaker process runs
 * SEATS `joinOrCreate('arena')` calls with CONCURRENCY in flight (all processes at once, each round
 * on a fresh key prefix, so each starts with no rooms); the figure is seats reserved per second of
 * wall time, from "go" to the last process done. The baseline, in the same round and the same
 * processes, is the same number of plain Redis INCR round trips: the ceiling a one-round-trip
 * operation reaches here. After each round the store is checked: every room at or under 10 seats,
 * seats summing to the calls made. ROUNDS rounds after a warm-up; medians.
 * Last line: `matchmaker: <N> seats/s across <P> processes, <K> over-booked`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RedisPresence } from '../../server/presence/index.js';
import { launchRedis } from '../helpers/redis-server.js';

const PROCESSES = 2;
const SEATS = 1000;
const CONCURRENCY = 50;
const ROUNDS = 3;

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

interface Worker {
  readonly proc: ChildProcess;
  next(re: RegExp): Promise<string>;
}

function spawnWorker(script: string, args: string[]): Worker {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, script), ...args], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let wake: (() => void) | null = null;
  let partial = '';
  proc.stdout!.on('data', (d: Buffer) => {
    partial += d.toString();
    const parts = partial.split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    wake?.();
  });
  return {
    proc,
    async next(re) {
      for (;;) {
        const i = lines.findIndex((l) => re.test(l));
        if (i !== -1) return lines.splice(0, i + 1).at(-1)!;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const redis = await launchRedis();
const workers = Array.from({ length: PROCESSES }, () =>
  spawnWorker('test/bench/matchmaker-worker.ts', [redis.url, String(SEATS), String(CONCURRENCY)]),
);
await Promise.all(workers.map((w) => w.next(/^ready$/)));

async function run(prefix: string, mode: 'seat' | 'incr'): Promise<{ perSecond: number; failures: number }> {
  const start = performance.now();
  for (const w of workers) w.proc.stdin!.write(`go ${prefix} ${mode}\n`);
  const done = await Promise.all(workers.map((w) => w.next(/^done /)));
  const ms = performance.now() - start;
  return { perSecond: (PROCESSES * SEATS * 1000) / ms, failures: done.reduce((n, l) => n + Number(l.split(' ')[1]), 0) };
}

const seatRates: number[] = [];
const incrRates: number[] = [];
let overBooked = 0;
let failures = 0;
const games: ChildProcess[] = [];
try {
  for (let round = 0; round <= ROUNDS; round++) {
    const prefix = `bench${round}:`;
    // A real game-server process hosts the rooms of this round's prefix.
    const game = spawnWorker('test/helpers/redis-game-process.ts', [redis.url, prefix, '10', '1000', '60000']);
    games.push(game.proc);
    await game.next(/^ready /);
    const order: Array<'seat' | 'incr'> = round % 2 === 0 ? ['seat', 'incr'] : ['incr', 'seat'];
    const results: Record<string, { perSecond: number; failures: number }> = {};
    for (const mode of order) results[mode] = await run(prefix, mode);
    const presence = new RedisPresence({ url: redis.url, prefix });
    await presence.ready();
    const rooms = await presence.listRooms('arena');
    await presence.close();
    const over = rooms.filter((r) => r.seats > r.maxClients).length;
    const seats = rooms.reduce((n, r) => n + r.seats, 0);
    game.proc.kill('SIGKILL');
    if (round === 0) continue; // warm-up
    overBooked += over;
    failures += results.seat!.failures + results.incr!.failures + (seats === PROCESSES * SEATS ? 0 : 1);
    seatRates.push(results.seat!.perSecond);
    incrRates.push(results.incr!.perSecond);
    console.log(
      `round ${round}: ${results.seat!.perSecond.toFixed(0)} seats/s, baseline ${results.incr!.perSecond.toFixed(0)} INCR/s; ${rooms.length} rooms, ${seats} seats, ${over} over-booked`,
    );
  }
} finally {
  for (const w of workers) w.proc.stdin!.write('quit\n');
  for (const g of games) if (g.exitCode === null) g.kill('SIGKILL');
  await redis.stop();
}
console.log(
  `load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}; ${PROCESSES} processes x ${SEATS} calls, ${CONCURRENCY} in flight each; medians of ${ROUNDS} rounds`,
);
console.log(`baseline: ${median(incrRates).toFixed(0)} plain Redis INCR/s across ${PROCESSES} processes (one round trip each)`);
if (failures > 0) console.log(`FAILED: ${failures} calls failed or seat totals did not add up`);
console.log(`matchmaker: ${median(seatRates).toFixed(0)} seats/s across ${PROCESSES} processes, ${overBooked} over-booked`);
process.exit(failures > 0 || overBooked > 0 ? 1 : 0);
