/**
 * Netcode quality on a seeded Simulation at 100 ± 30 ms one way and 5 % loss: 1 server + 2 clients,
 * each with a NetworkTime (30 Hz ticks; clients on skewed, drifting clocks). client1 walks a predicted
 * walker through a scripted input pattern for 10 s, then stops; client2 watches a server-driven mover
 * (120 units/s) through a SnapshotInterpolator. Reported:
 * - tick error: the largest |client network time − server time| after a 3 s warm-up, in ticks;
 * - prediction error: |client prediction − server state| 2 s after the inputs stop (and the input-to-screen delay);
 * - interpolation max jump: the largest per-frame movement of the watched mover (its true motion is 2 per frame).
 * Baseline in the same run: the same seed with prediction and interpolation off (Godot's behaviour).
 * Three alternating rounds each after a warm-up; the figures must be identical every round (determinism),
 * wall times are medians.
 *
 *   npx tsx test/bench/netcode.bench.ts
 */
import { Vector2 } from '../../core/index.js';
import { SnapshotInterpolator } from '../../netcode/index.js';
import { MultiplayerSynchronizer } from '../../scenetree/index.js';
import { WAN, addMover, addWalker, driveMover, timedSimulation, type Mover } from '../helpers/netcode-sim.js';

const SPEED = 120;
const PATTERN = [new Vector2(1, 0), new Vector2(1, 1), new Vector2(0, -1), new Vector2(-1, 0), new Vector2(0, 0), new Vector2(1, -1)];

interface Figures {
  tickError: number;
  predictionError: number;
  inputDelayMs: number;
  maxJump: number;
  hash: string;
  seconds: number;
}

function run(netcode: boolean): Figures {
  const started = performance.now();
  const movers: Mover[] = [];
  const walkers: Array<ReturnType<typeof addWalker>> = [];
  const { sim, times } = timedSimulation({
    seed: 2026,
    clients: 2,
    conditions: WAN,
    keepTrace: false,
    setup: (p) => void movers.push(addMover(p)),
    setupTimed: (p, time) => {
      const walker = addWalker(p, time, 0, { maxCorrectionSpeed: 300 });
      walker.prediction.enabled = netcode;
      walkers.push(walker);
      if (p.index === 0) driveMover(movers[0]!, time, SPEED);
      if (p.index === 2) {
        const interpolator = new SnapshotInterpolator({
          synchronizer: movers[2]!.getNode('Sync', MultiplayerSynchronizer),
          time,
          properties: ['position'],
          tickProperty: 'tick',
        });
        interpolator.enabled = netcode;
        p.root.addChild(interpolator);
      }
    },
  });
  sim.step(3 * sim.fps);
  for (const w of walkers) w.prediction.inputPeer = sim.clients[0]!.multiplayer.getUniqueId();
  const [server, client] = walkers as [ReturnType<typeof addWalker>, ReturnType<typeof addWalker>];
  const serverTime = times.get(sim.server)!;
  const watched = movers[2]!;
  let tickError = 0;
  let maxJump = 0;
  let inputDelayMs = Number.NaN;
  const start = client.node.position;
  let lastX = watched.position.x;
  const frames = 12 * sim.fps;
  for (let f = 0; f < frames; f++) {
    client.model.held = f < 10 * sim.fps ? PATTERN[Math.floor(f / 30) % PATTERN.length]! : new Vector2(0, 0);
    sim.step();
    if (Number.isNaN(inputDelayMs) && !client.node.position.equals(start)) inputDelayMs = ((f + 1) * 1000) / sim.fps;
    for (const c of sim.clients) tickError = Math.max(tickError, Math.abs(times.get(c)!.timeMs - serverTime.timeMs) / serverTime.tickMs);
    maxJump = Math.max(maxJump, Math.abs(watched.position.x - lastX));
    lastX = watched.position.x;
  }
  const a = client.node.position;
  const b = server.prediction.state;
  const figures = {
    tickError,
    predictionError: Math.hypot(a.x - b.x, a.y - b.y),
    inputDelayMs,
    maxJump,
    hash: sim.traceHash(),
    seconds: (performance.now() - started) / 1000,
  };
  sim.close();
  return figures;
}

const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
run(true); // warm-up (JIT), not counted
const off: Figures[] = [];
const on: Figures[] = [];
for (let i = 0; i < 3; i++) {
  off.push(run(false)); // baseline and netcode alternate, so neither gets the warmer machine
  on.push(run(true));
}
const same = (rs: Figures[]): boolean =>
  rs.every((r) => JSON.stringify({ ...r, seconds: 0 }) === JSON.stringify({ ...rs[0]!, seconds: 0 }));

console.log('netcode.bench — 1 server + 2 clients, 30 Hz ticks, 60 fps, 100 ± 30 ms one way, 5 % loss, seed 2026, 15 s per round');
console.log(`  command: npx tsx test/bench/netcode.bench.ts   (node ${process.version})`);
for (const [name, rs] of [
  ['baseline (prediction and interpolation off)', off],
  ['netcode on', on],
] as const) {
  const r = rs[0]!;
  console.log(`  ${name}:`);
  console.log(
    `    tick error ${r.tickError.toFixed(2)} ticks; prediction error ${r.predictionError.toFixed(4)} once inputs stop; input shows after ${r.inputDelayMs.toFixed(0)} ms`,
  );
  console.log(`    watched mover: max jump ${r.maxJump.toFixed(2)} per frame (true motion ${(SPEED / 60).toFixed(2)} per frame)`);
  console.log(
    `    wall time median ${median(rs.map((x) => x.seconds)).toFixed(2)} s of 3 rounds; figures identical every round: ${same(rs) ? 'yes' : 'NO (determinism broken!)'}`,
  );
}
if (!same(off) || !same(on)) process.exit(1);
const r = on[0]!;
console.log(
  `netcode: tick error ${r.tickError.toFixed(2)} ticks, prediction error ${r.predictionError.toFixed(4)}, interpolation max jump ${r.maxJump.toFixed(2)} at 100±30 ms, 5% loss`,
);
