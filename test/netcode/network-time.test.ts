import t from 'tap';
import { ManualClock } from '../../core/index.js';
import { ClockSync, NetworkTime } from '../../netcode/index.js';
import { Simulation } from '../../plugins/loopback/index.js';
import { Node, SceneTree } from '../../scenetree/index.js';
import { WAN, timedSimulation } from '../helpers/netcode-sim.js';

t.test('NetworkTime: at 100 ± 30 ms and 5 % loss, every client tick is within one tick of the server after warm-up', async (t) => {
  const { sim, times } = timedSimulation({ seed: 14, clients: 3, conditions: WAN, time: { tickRate: 30 } });
  t.teardown(() => sim.close());
  const server = times.get(sim.server)!;
  sim.step(3 * sim.fps); // warm-up
  t.ok(
    sim.clients.every((c) => times.get(c)!.isSynced),
    'every client synced',
  );
  let worstTicks = 0;
  let worstMs = 0;
  for (let frame = 0; frame < 20 * sim.fps; frame++) {
    sim.step();
    for (const c of sim.clients) {
      const time = times.get(c)!;
      worstTicks = Math.max(worstTicks, Math.abs(time.tick - server.tick));
      worstMs = Math.max(worstMs, Math.abs(time.timeMs - server.timeMs));
    }
  }
  t.ok(worstTicks <= 1, `worst tick difference over 20 s: ${worstTicks}`);
  t.ok(worstMs < 1000 / 30, `worst clock error ${worstMs.toFixed(2)} ms is under one tick`);
  for (const c of sim.clients) {
    const rtt = times.get(c)!.rttMs;
    t.ok(rtt >= 140 && rtt <= 260, `${c.name}: min-filtered RTT ${rtt.toFixed(1)} ms is within 2 × (100 ± 30)`);
  }
});

t.test('NetworkTime: the same seed gives the same ticks and estimates, every run', async (t) => {
  const runs: string[] = [];
  for (let i = 0; i < 2; i++) {
    const { sim, times } = timedSimulation({ seed: 3, clients: 2, conditions: WAN });
    sim.step(120);
    runs.push(sim.clients.map((c) => `${times.get(c)!.tick}:${times.get(c)!.clockSync.offsetMs}`).join() + sim.traceHash());
    sim.close();
  }
  t.equal(runs[0], runs[1]);
});

t.test('NetworkTime: networkTick runs at the tick rate whatever the frame rate, in order, each tick once', async (t) => {
  for (const fps of [144, 60, 20, 7]) {
    const clock = new ManualClock();
    const tree = new SceneTree({ clock });
    const time = new NetworkTime({ tickRate: 30 });
    tree.root.addChild(time);
    const ticks: number[] = [];
    time.networkTick.connect((tick, delta) => {
      ticks.push(tick);
      if (delta !== 1 / 30) t.fail('fixed delta');
    });
    for (let i = 0; i < 10 * fps; i++) {
      clock.advance(1000 / fps);
      tree.processFrame(1 / fps);
    }
    t.equal(ticks.at(-1), Math.floor(time.preciseTick), `${fps} fps: up to the current tick`);
    t.equal(ticks.length, ticks.at(-1)! - ticks[0]! + 1, `${fps} fps: ${ticks.length} ticks in 10 s, from tick ${ticks[0]}`);
    t.ok(
      ticks.every((tick, i) => i === 0 || tick === ticks[i - 1]! + 1),
      `${fps} fps: consecutive`,
    );
    t.equal(time.skippedTicks, 0);
    tree.quit();
  }
});

t.test('NetworkTime: catch-up runs at most maxTicksPerFrame per frame; a long stall is skipped and counted', async (t) => {
  const clock = new ManualClock();
  const tree = new SceneTree({ clock });
  const time = new NetworkTime({ tickRate: 30, maxTicksPerFrame: 3, maxLagTicks: 15 });
  tree.root.addChild(time);
  let perFrame = 0;
  time.networkTick.connect(() => perFrame++);
  const frame = (ms: number): number => {
    perFrame = 0;
    clock.advance(ms);
    tree.processFrame(ms / 1000);
    return perFrame;
  };
  for (let i = 0; i < 30; i++) frame(1000 / 60);
  t.equal(frame(300), 3, 'a 300 ms hitch (9 ticks) runs 3 ticks this frame');
  t.equal(frame(1), 3, '… and catches up over the next frames');
  t.equal(frame(1), 3);
  t.equal(time.tick, Math.floor(time.preciseTick), 'caught up');
  t.equal(time.skippedTicks, 0);
  frame(2000);
  t.ok(time.skippedTicks >= 55, `a 2 s stall skips ${time.skippedTicks} ticks instead of running 60`);
  tree.quit();
});

t.test('ClockSync: the min-RTT sample wins; a spike in the window does not move the estimate', (t) => {
  const sync = new ClockSync({ window: 4 });
  sync.addSample(0, 1100, 200); // rtt 200, offset 1000
  sync.addSample(300, 1410, 420); // rtt 120, offset 1050
  sync.addSample(500, 2000, 900); // rtt 400 (queued): offset 1300, ignored
  t.equal(sync.rttMs, 120);
  t.equal(sync.targetOffsetMs, 1050);
  t.equal(sync.offsetMs, 1000, 'the first sample is applied at once');
  sync.advance(100);
  t.equal(sync.offsetMs, 1005, 'then slewed at 5 % of elapsed time');
  sync.advance(10_000);
  t.equal(sync.offsetMs, 1050);
  t.end();
});

t.test('NetworkTime: a peer without it (as a stock Godot peer) still joins and plays; nobody logs an error', async (t) => {
  const sim = new Simulation({
    seed: 2,
    clients: 2,
    conditions: WAN,
    setup: (p) => {
      if (p.index !== 2) p.root.addChild(new NetworkTime());
      p.root.addChild(new Node('Game'));
    },
  });
  t.teardown(() => sim.close());
  sim.step(4 * sim.fps);
  const time = sim.clients[0]!.root.getNode('NetworkTime') as NetworkTime;
  t.ok(time.isSynced && time.tick > 0, 'the client with NetworkTime ticks');
  t.ok(sim.clients[1]!.multiplayer.getPeers().includes(1), 'the client without it is connected');
  for (const p of sim.peers) t.same(p.log.at(3), [], `${p.name}: no error`);
});
