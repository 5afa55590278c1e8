import t from 'tap';
import { SnapshotInterpolator, type NetworkTime } from '../../netcode/index.js';
import { MultiplayerSynchronizer } from '../../scenetree/index.js';
import type { SimPeer } from '../../plugins/loopback/index.js';
import { type Mover, addMover, driveMover, maxJump, timedSimulation } from '../helpers/netcode-sim.js';

const SPEED = 120; // units per second: 2 per frame at 60 fps, 4 per tick at 30 Hz
const LOSSY = { latencyMs: 60, jitterMs: 20, loss: 0.1 };

function world(seed: number, options: { tickProperty?: boolean; conditions?: object } = {}) {
  const movers = new Map<SimPeer, Mover>();
  const interpolators = new Map<SimPeer, SnapshotInterpolator>();
  const { sim, times } = timedSimulation({
    seed,
    clients: 2,
    conditions: options.conditions ?? LOSSY,
    setup: (p) => movers.set(p, addMover(p)),
    setupTimed: (p, time: NetworkTime) => {
      const mover = movers.get(p)!;
      if (p.index === 0) return driveMover(mover, time, SPEED);
      const interpolator = new SnapshotInterpolator({
        synchronizer: mover.getNode('Sync', MultiplayerSynchronizer),
        time,
        properties: ['position', 'rotation'],
        angles: ['rotation'],
        ...(options.tickProperty === false ? {} : { tickProperty: 'tick' }),
      });
      p.root.addChild(interpolator);
      interpolators.set(p, interpolator);
    },
  });
  return { sim, times, movers, interpolators };
}

t.test(
  'SnapshotInterpolator: under 10 % loss a remote node at constant speed never jumps more than 1.5× its per-frame motion',
  async (t) => {
    const { sim, movers, interpolators } = world(21);
    t.teardown(() => sim.close());
    sim.step(3 * sim.fps);
    const perFrame = SPEED / sim.fps;
    const watched = sim.clients.map((c) => movers.get(c)!);
    const last = watched.map((m) => m.position.x);
    const worst = watched.map(() => 0);
    for (let f = 0; f < 15 * sim.fps; f++) {
      sim.step();
      watched.forEach((m, k) => {
        worst[k] = Math.max(worst[k]!, Math.abs(m.position.x - last[k]!));
        last[k] = m.position.x;
      });
    }
    watched.forEach((m, k) => {
      t.ok(worst[k]! <= 1.5 * perFrame, `client${k + 1}: max jump ${worst[k]!.toFixed(3)} per frame (motion ${perFrame} per frame)`);
      const lag = movers.get(sim.server)!.position.x - m.position.x;
      t.ok(lag > 0 && lag < SPEED * 0.4, `client${k + 1}: renders ${lag.toFixed(1)} units behind the server (delay + one-way latency)`);
    });
    t.ok(
      [...interpolators.values()].some((i) => i.bufferedCount >= 2),
      'snapshots are buffered',
    );
  },
);

t.test('SnapshotInterpolator: off, the same run shows every network hiccup as a jump (the baseline)', async (t) => {
  const { sim, movers, interpolators } = world(21);
  t.teardown(() => sim.close());
  for (const i of interpolators.values()) i.enabled = false;
  sim.step(3 * sim.fps);
  const jump = maxJump(sim, movers.get(sim.clients[0]!)!, 15 * sim.fps);
  t.ok(jump >= 2 * (SPEED / 30), `raw SYNCs jump ${jump.toFixed(1)} units in a frame (two ticks or more at once)`);
});

t.test('SnapshotInterpolator: angles go the short way across the wrap', async (t) => {
  const { sim, movers } = world(4, { conditions: { latencyMs: 30 } });
  t.teardown(() => sim.close());
  sim.step(2 * sim.fps);
  const remote = movers.get(sim.clients[0]!)!;
  let last = remote.rotation;
  let worst = 0;
  for (let f = 0; f < 6 * sim.fps; f++) {
    sim.step();
    const d = Math.abs(remote.rotation - last);
    worst = Math.max(worst, Math.min(d, 2 * Math.PI - d));
    if (d > Math.PI) t.ok(true, 'crossed the wrap');
    last = remote.rotation;
  }
  t.ok(worst <= 1.5 * (2 / sim.fps), `max turn per frame ${worst.toFixed(4)} rad (spin ${(2 / sim.fps).toFixed(4)} per frame)`);
});

t.test('SnapshotInterpolator: when snapshots stop, it extrapolates at most maxExtrapolationMs, then holds', async (t) => {
  const { sim, movers, interpolators, times } = world(8, { conditions: { latencyMs: 30 } });
  t.teardown(() => sim.close());
  const serverX = new Map<number, number>();
  times.get(sim.server)!.afterTick.connect((tick) => serverX.set(tick, movers.get(sim.server)!.position.x));
  sim.step(2 * sim.fps);
  const client = sim.clients[0]!;
  const remote = movers.get(client)!;
  sim.partition(client);
  sim.step(sim.fps);
  const held = remote.position.x;
  sim.step(10);
  t.equal(remote.position.x, held, 'holds after the extrapolation budget');
  t.ok(interpolators.get(client)!.extrapolatedFrames > 0, 'extrapolated first');
  const newest = serverX.get(interpolators.get(client)!.newestTick)!;
  t.ok(
    Math.abs(held - (newest + SPEED * 0.1)) < 0.01,
    `went on 100 ms past the newest snapshot (${newest} → ${held.toFixed(2)}), then stopped`,
  );
});

t.test('SnapshotInterpolator: a property the synchronizer does not sync is refused at _ready', async (t) => {
  const { sim, movers, times } = world(1);
  t.teardown(() => sim.close());
  const c = sim.clients[0]!;
  const bad = new SnapshotInterpolator({
    synchronizer: movers.get(c)!.getNode('Sync', MultiplayerSynchronizer),
    time: times.get(c)!,
    properties: ['scale'],
  });
  t.throws(() => c.root.addChild(bad), /"scale" is not synced/);
});
