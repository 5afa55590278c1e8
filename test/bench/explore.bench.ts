/**
 * Simulation.explore: how fast worlds are searched, and that a planted bug is found.
 *
 * 1. 1,000 seeds of a 1 server + 8 clients, 600-frame scenario (a replicated counter; the real
 *    replication rule, so every world passes and all 1,000 run), with randomised latency, jitter, loss,
 *    duplication, reordering, a partition, a late join and a leave per world, and two invariants checked
 *    after every frame. Target < 60 s. Baseline in the same run: the first 100 of the same worlds
 *    without invariants (the cost of simulating them at all), scaled to 1,000. Wall and CPU time are both
 *    printed: on a shared machine the CPU time is what the search costs, the wall time what it took.
 * 2. The planted bug (an off-by-one in a copy of the rule that rejects stale SYNC packets): searched
 *    from seed 1 until a world breaks "never goes back"; then shrunk.
 *
 *   npx tsx test/bench/explore.bench.ts            (ROUNDS=1 for a single round of part 1)
 */
import { loadavg } from 'node:os';
import { Simulation, describeFailure, type ExploreScenario } from '../../plugins/loopback/index.js';
import { counterScenario } from '../helpers/explore-scenarios.js';

const SEEDS = 1000;
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const scenario = counterScenario({ planted: false, clients: 8, frames: 600 });
const bare: ExploreScenario = { ...scenario, invariants: [] };

const loadBefore = load();
const cpuSeconds = (since: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};
const baseline: number[] = [];
const baselineCpu: number[] = [];
const searched: number[] = [];
const searchedCpu: number[] = [];
let failures = 0;
for (let round = 0; round < ROUNDS; round++) {
  let start = performance.now();
  let cpu = process.cpuUsage();
  Simulation.explore(bare, { seeds: 100 });
  baseline.push(((performance.now() - start) / 1000) * (SEEDS / 100));
  baselineCpu.push(cpuSeconds(cpu) * (SEEDS / 100));
  start = performance.now();
  cpu = process.cpuUsage();
  const result = Simulation.explore(scenario, { seeds: SEEDS });
  searched.push((performance.now() - start) / 1000);
  searchedCpu.push(cpuSeconds(cpu));
  if (!result.ok) {
    failures++;
    console.log(describeFailure(result.failure!));
  }
}

const plantedStart = performance.now();
const planted = Simulation.explore(counterScenario({ planted: true }), { seeds: SEEDS });
const plantedSeconds = (performance.now() - plantedStart) / 1000;

console.log('explore.bench — Simulation.explore over seeded worlds');
console.log(
  `  command: npx tsx test/bench/explore.bench.ts   (node ${process.version}; load average ${loadBefore} before, ${load()} after)`,
);
console.log(
  `  baseline: the same worlds without invariants: ${median(baseline).toFixed(1)} s wall, ${median(baselineCpu).toFixed(1)} s CPU per 1,000 (median of ${ROUNDS}; from 100 worlds per round)`,
);
console.log(`  search: ${SEEDS} seeds of 1+8 peers x 600 frames, random conditions + partition/join/leave, 2 invariants every frame:`);
console.log(
  `          wall ${searched.map((s) => s.toFixed(1)).join(' / ')} s (median ${median(searched).toFixed(1)} s of ${ROUNDS}; target < 60 s), CPU ${median(searchedCpu).toFixed(1)} s; ${failures === 0 ? 'no world failed (as it must: the real rule)' : `${failures} round(s) FAILED`}`,
);
if (planted.failure !== null) {
  console.log(`  planted off-by-one: ${describeFailure(planted.failure.original).replace(/\n/g, '\n  ')}`);
  console.log(`  shrunk in ${planted.failure.shrinkRuns} runs to: ${describeFailure(planted.failure).replace(/\n/g, '\n  ')}`);
}
console.log(`explore: ${planted.worlds} seeds in ${plantedSeconds.toFixed(2)} s, first failing seed ${planted.firstFailingSeed ?? 'none'}`);
if (failures > 0 || planted.failure === null) process.exit(1);
