import t from 'tap';
import { Vector2 } from '../../core/index.js';
import type { SimPeer } from '../../plugins/loopback/index.js';
import { WAN, addWalker, timedSimulation } from '../helpers/netcode-sim.js';

type Walker = ReturnType<typeof addWalker>;
const EPSILON = 1e-3;

function world(seed: number, options: { prediction?: boolean; maxCorrectionSpeed?: number } = {}) {
  const walkers = new Map<SimPeer, Walker>();
  const { sim, times } = timedSimulation({
    seed,
    clients: 2,
    conditions: WAN,
    setupTimed: (p, time, sim) => {
      const w = addWalker(p, time, 0, { maxCorrectionSpeed: options.maxCorrectionSpeed ?? 300 });
      w.prediction.enabled = options.prediction ?? true;
      walkers.set(p, w);
    },
  });
  sim.step(3 * sim.fps); // clocks settle
  for (const w of walkers.values()) w.prediction.inputPeer = sim.clients[0]!.multiplayer.getUniqueId();
  return { sim, times, walkers, server: walkers.get(sim.server)!, client: walkers.get(sim.clients[0]!)! };
}

/** Steps `frames` frames; returns the largest distance the shown position moved in one frame. */
function largestStep(sim: ReturnType<typeof world>['sim'], w: Walker, frames: number): number {
  let shown = w.node.position;
  let worst = 0;
  for (let i = 0; i < frames; i++) {
    sim.step();
    worst = Math.max(worst, Math.hypot(w.node.position.x - shown.x, w.node.position.y - shown.y));
    shown = w.node.position;
  }
  return worst;
}

t.test('ClientPrediction: at 100 ± 30 ms and 5 % loss the prediction equals the server within ε once inputs stop', async (t) => {
  const { sim, server, client } = world(31);
  t.teardown(() => sim.close());
  client.model.held = new Vector2(1, 0);
  sim.step(2 * sim.fps);
  client.model.held = new Vector2(0, -1);
  sim.step(sim.fps);
  client.model.held = new Vector2(-1, 1);
  sim.step(30);
  client.model.held = new Vector2(0, 0);
  sim.step(sim.fps); // one second: more than the round trip
  const a = client.prediction.state;
  const b = server.prediction.state;
  t.ok(Math.hypot(a.x - b.x, a.y - b.y) < EPSILON, `client ${a} = server ${b}`);
  t.ok(Math.abs(b.x - 300) < 1 && Math.abs(b.y + 100) < 1, `the server applied every input (${b})`);
  t.same(client.node.position, a, 'and shows it: no correction left');
  t.ok(client.prediction.lastProcessedInputTick > 0, `acknowledged up to tick ${client.prediction.lastProcessedInputTick}`);
  t.equal(client.prediction.corrections, 0, 'the deterministic model never mispredicted: redundancy covered every lost input packet');
});

t.test('ClientPrediction: a server-side knockback is a misprediction, shown at no more than maxCorrectionSpeed per frame', async (t) => {
  const { sim, server, client } = world(32, { maxCorrectionSpeed: 300 });
  t.teardown(() => sim.close());
  client.model.held = new Vector2(1, 0);
  sim.step(sim.fps);
  server.prediction.setState(new Vector2(server.prediction.state.x - 60, 40)); // the server pushes the player
  const worst = largestStep(sim, client, 2 * sim.fps);
  t.ok(
    client.prediction.corrections >= 1 && client.prediction.largestCorrection > 60,
    `corrected ${client.prediction.largestCorrection.toFixed(1)} units`,
  );
  const bound = 300 / sim.fps;
  t.ok(
    client.prediction.largestVisibleCorrection <= bound + 1e-6,
    `visible correction per frame ${client.prediction.largestVisibleCorrection.toFixed(3)} <= ${bound}`,
  );
  const walkPerTick = 200 / 30;
  t.ok(
    worst <= walkPerTick + bound + 1e-3,
    `the shown position never moved more than one tick of walking plus the bound in a frame (${worst.toFixed(2)})`,
  );
  client.model.held = new Vector2(0, 0);
  sim.step(sim.fps);
  const a = client.node.position;
  const b = server.prediction.state;
  t.ok(Math.hypot(a.x - b.x, a.y - b.y) < EPSILON, `then converges: shown ${a} = server ${b}`);
});

t.test('ClientPrediction: with prediction the input shows in the same tick; without, a round trip later', async (t) => {
  const delays: number[] = [];
  for (const prediction of [true, false]) {
    const { sim, client } = world(33, { prediction });
    client.model.held = new Vector2(1, 0);
    let frames = 0;
    while (client.node.position.x === 0 && frames < 2 * sim.fps) {
      sim.step();
      frames++;
    }
    delays.push(frames);
    sim.close();
  }
  t.ok(delays[0]! <= 2, `predicted: moves after ${delays[0]} frame(s)`);
  t.ok(delays[1]! >= 12 && delays[1]! < 2 * 60, `unpredicted: moves after ${delays[1]} frames (≈ RTT), but it moves`);
});

t.test('ClientPrediction: off, the input peer shows the server state as it arrives and ends where the server is', async (t) => {
  const { sim, server, client } = world(35, { prediction: false });
  t.teardown(() => sim.close());
  client.model.held = new Vector2(1, 0);
  sim.step(sim.fps);
  client.model.held = new Vector2(0, 1);
  sim.step(30);
  const moving = client.node.position;
  t.ok(moving.x > 50, `it follows the server while inputs flow (${moving})`);
  client.model.held = new Vector2(0, 0);
  sim.step(sim.fps);
  const b = server.prediction.state;
  t.ok(b.x > 100 && b.y > 50, `the server applied the inputs (${b})`);
  t.same(client.node.position, b, 'shown = server state, no correction left behind');
});

t.test('ClientPrediction: inputs from another peer, malformed ones and far-future ticks are ignored', async (t) => {
  const { sim, server, walkers, times } = world(34);
  t.teardown(() => sim.close());
  const intruder = walkers.get(sim.clients[1]!)!;
  const start = server.prediction.state;
  intruder.prediction.rpcId(1, '_predictionInputs', 1_000_000, [new Vector2(1, 0)]);
  intruder.prediction.rpcId(1, '_predictionInputs', 1, [new Vector2(1, 0)]);
  const client = walkers.get(sim.clients[0]!)!;
  client.prediction.rpcId(1, '_predictionInputs', server.prediction.lastProcessedInputTick + 1000, [new Vector2(1, 0)]);
  client.prediction.rpcId(1, '_predictionInputs', 'x' as unknown as number, [new Vector2(1, 0)]);
  client.prediction.rpcId(1, '_predictionInputs', times.get(sim.server)!.tick + 1, [new Vector2(50, 0)]); // not a valid input
  sim.step(sim.fps);
  t.same(server.prediction.state, start, 'the server state did not move');
});

t.test('ClientPrediction: the same seed gives the same run', async (t) => {
  const runs: string[] = [];
  for (let i = 0; i < 2; i++) {
    const { sim, client } = world(35);
    client.model.held = new Vector2(1, 1);
    sim.step(sim.fps);
    runs.push(`${client.prediction.state}|${client.prediction.lastProcessedInputTick}|${sim.traceHash()}`);
    sim.close();
  }
  t.equal(runs[0], runs[1]);
});
