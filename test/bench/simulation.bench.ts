/**
 * A whole simulated match: 1 server + 16 clients on the loopback network, 10,000 frames at 60 Hz with
 * 5 % loss and 50 ± 20 ms latency. Every client sends an unreliable input RPC every frame; the server
 * answers with a reliable state RPC to everyone every 6th frame. Reports wall time and the trace hash
 * (which must be the same on every run). Baseline in the same run: the same frames with no RPC traffic.
 * Then the same match at scale, 1 server + 100 clients (beyond the loopback's default 32-client cap),
 * three runs: time (median) and trace hash (identical on every run).
 *
 *   npx tsx test/bench/simulation.bench.ts
 */
import { loadavg } from 'node:os';
import { TransferMode, Vector2 } from '../../core/index.js';
import { Node, rpc } from '../../scenetree/index.js';
import { Simulation } from '../../plugins/loopback/index.js';

class Avatar extends Node {
  inputs = 0;
  states = 0;
  constructor() {
    super('Avatar');
  }
  @rpc('any_peer', 'unreliable')
  input(direction: Vector2, frame: number): void {
    if (direction.x + frame >= 0) this.inputs++;
  }
  @rpc('authority', 'reliable')
  state(frame: number, positions: Float32Array): void {
    if (positions.length === 16 && frame >= 0) this.states++;
  }
}

const FRAMES = 10_000;
const CLIENTS = 16;

async function run(
  traffic: boolean,
  clients = CLIENTS,
): Promise<{ seconds: number; cpu: number; hash: string; inputs: number; states: number[] }> {
  const CLIENTS = clients;
  const sim = new Simulation({
    seed: 2026,
    clients: CLIENTS,
    keepTrace: false,
    conditions: { loss: 0.05, latencyMs: 50, jitterMs: 20 },
    setup: (p) => p.root.addChild(new Avatar()),
  });
  const avatars = sim.peers.map((p) => p.root.getNode('Avatar', Avatar));
  const avatar = (i: number) => avatars[i]!;
  await sim.until(() => sim.server.multiplayer.getPeers().length === CLIENTS);
  const positions = new Float32Array(16);
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  for (let f = 0; f < FRAMES; f++) {
    if (traffic) {
      for (let c = 1; c <= CLIENTS; c++) avatar(c).rpcId(1, 'input', new Vector2(1, 0), f);
      if (f % 6 === 0) avatar(0).rpc('state', f, positions);
    }
    sim.step();
  }
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpuStart);
  const result = {
    seconds,
    cpu: (used.user + used.system) / 1e6,
    hash: sim.traceHash(),
    inputs: avatar(0).inputs,
    states: sim.clients.map((_, i) => avatar(i + 1).states),
  };
  sim.close();
  return result;
}

const idle = await run(false);
const a = await run(true);
const b = await run(true);
const expectedStates = Math.ceil(FRAMES / 6);
console.log('simulation.bench — 1 server + 16 clients, 10,000 frames at 60 Hz, 5 % loss, 50 ± 20 ms');
console.log(
  `  command: npx tsx test/bench/simulation.bench.ts   (node ${process.version}; TransferMode ${TransferMode.UNRELIABLE} inputs, reliable state)`,
);
console.log(`  baseline (same frames, no RPC traffic): ${idle.seconds.toFixed(2)} s`);
console.log(`  with traffic: run 1 ${a.seconds.toFixed(2)} s, run 2 ${b.seconds.toFixed(2)} s   (target < 2 s)`);
console.log(`  inputs received by the server: ${a.inputs} of ${FRAMES * CLIENTS} sent (unreliable, 5 % loss)`);
console.log(
  `  reliable states per client: min ${Math.min(...a.states)}, max ${Math.max(...a.states)} of ${expectedStates} (all must arrive; the last ones may still be in flight)`,
);
console.log(`  trace hash: ${a.hash} / ${b.hash} — ${a.hash === b.hash ? 'identical' : 'DIFFERENT (determinism broken!)'}`);

const BIG = 100;
const big = [await run(true, BIG), await run(true, BIG), await run(true, BIG)];
const bigSeconds = big.map((r) => r.seconds).sort((x, y) => x - y);
const bigSame = big.every((r) => r.hash === big[0]!.hash);
const bigCpu = big.map((r) => r.cpu).sort((x, y) => x - y);
console.log(
  `  at scale, 1 server + ${BIG} clients, same match: ${bigSeconds.map((s) => s.toFixed(2)).join(' / ')} s wall (median ${bigSeconds[1]!.toFixed(2)} s; target < 5 s), CPU median ${bigCpu[1]!.toFixed(2)} s (load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')})`,
);
console.log(
  `    inputs received ${big[0]!.inputs} of ${FRAMES * BIG}; reliable states per client min ${Math.min(...big[0]!.states)} of ${expectedStates}`,
);
console.log(`    trace hash: ${big.map((r) => r.hash).join(' / ')} — ${bigSame ? 'identical' : 'DIFFERENT (determinism broken!)'}`);
console.log(
  `simulation: 1+${BIG} peers, ${FRAMES} frames, 5 % loss in ${bigSeconds[1]!.toFixed(2)} s, trace hash ${big[0]!.hash}${bigSame ? ' (same every run)' : ' (DIFFERS)'}`,
);
if (a.hash !== b.hash || !bigSame) process.exit(1);
