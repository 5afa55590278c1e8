/**
 * Simulation.explore: how fast worlds are searched, and that a planted bug is found.
 *
 * 1. 1,000 seeds of a 1 server + 8 clients, 600-frame scenario (a replicated counter; the real
 *    replication rule, so every world passes and all 1,000 run), with randomised latency, jitter, loss,
 *    duplication, reordering, a partition, a late join and a leave per world, and two invariants checked
 *    after every frame. Target < 60 s. Baseline in the same run: the same worlds stepped without
 *    invariants on a perfect network (the cost of simulating 9 peers for 600 frames at all).
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
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const scenario = counterScenario({ planted: false, clients: 8, frames: 600 });
const bare: ExploreScenario = { ...scenario, invariants: [] };

const loadBefore = load();
const baseline: number[] = [];
const searched: number[] = [];
let failures = 0;
for (let round = 0; round < ROUNDS; round++) {
  let start = performance.now();
  Simulation.explore(bare, { seeds: 100, conditions: { latencyMs: 0, jitterMs: 0, loss: 0, duplicate: 0, reorder: 0 }, partitions: 0, joins: 0, leaves: 0 });
  baseline.push(((performance.now() - start) / 100) * SEEDS);
  start = performance.now();
  const result = Simulation.explore(scenario, { seeds: SEEDS });
  searched.push((performance.now() - start) / 1000);
  if (!result.ok) {
    failures++;
    console.log(describeFailure(result.failure!));
  }
}

const plantedStart = performance.now();
const planted = Simulation.explore(counterScenario({ planted: true }), { seeds: SEEDS });
const plantedSeconds = (performance.now() - plantedStart) / 1000;

console.log('explore.bench — Simulation.explore over seeded worlds');
console.log(`  command: npx tsx test/bench/explore.bench.ts   (node ${process.version}; load average ${loadBefore} before, ${load()} after)`);
console.log(`  baseline: 1+8 peers x 600 frames, perfect network, no invariants: ${(median(baseline) / 1000).toFixed(1)} s per 1,000 worlds (median of ${ROUNDS}; from 100 worlds per round)`);
console.log(`  search: ${SEEDS} seeds of 1+8 peers x 600 frames, random conditions + partition/join/leave, 2 invariants every frame:`);
console.log(`          ${searched.map((s) => s.toFixed(1)).join(' / ')} s (median ${median(searched).toFixed(1)} s of ${ROUNDS}; target < 60 s); ${failures === 0 ? 'no world failed (as it must: the real rule)' : `${failures} round(s) FAILED`}`);
if (planted.failure !== null) {
  console.log(`  planted off-by-one: ${describeFailure(planted.failure.original).replace(/\n/g, '\n  ')}`);
  console.log(`  shrunk in ${planted.failure.shrinkRuns} runs to: ${describeFailure(planted.failure).replace(/\n/g, '\n  ')}`);
}
console.log(`explore: ${planted.worlds} seeds in ${plantedSeconds.toFixed(2)} s, first failing seed ${planted.firstFailingSeed ?? 'none'}`);
if (failures > 0 || planted.failure === null) process.exit(1);
