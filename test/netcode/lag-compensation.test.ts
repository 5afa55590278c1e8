import t from 'tap';
import { RPCMode, Rect2, Vector2, Vector3 } from '../../core/index.js';
import { LagCompensation, SnapshotInterpolator, type NetworkTime } from '../../netcode/index.js';
import type { SimPeer } from '../../plugins/loopback/index.js';
import { MultiplayerSynchronizer, Node } from '../../scenetree/index.js';
import { type Mover, addMover, driveMover, timedSimulation } from '../helpers/netcode-sim.js';

const SPEED = 120;
const RADIUS = 10;

/** Game code: a client reports a shot at `point`, stamped with the tick it rendered; the server judges it. */
class Gun extends Node {
  lag: LagCompensation | null = null;
  serverTick: () => number = () => 0;
  readonly verdicts: Array<{ rewound: string[] | string; now: string[] | string }> = [];
  constructor() {
    super('Gun');
    this.rpcConfig('fire', { rpcMode: RPCMode.ANY_PEER });
  }
  fire(seenTick: number, point: Vector2): void {
    const lag = this.lag;
    if (lag === null || typeof seenTick !== 'number' || !(point instanceof Vector2)) return;
    this.verdicts.push({ rewound: lag.hitTest(seenTick, point), now: lag.hitTest(this.serverTick(), point) });
  }
}

function world(seed: number) {
  const movers = new Map<SimPeer, Mover>();
  const guns = new Map<SimPeer, Gun>();
  const interpolators = new Map<SimPeer, SnapshotInterpolator>();
  const { sim, times } = timedSimulation({
    seed,
    clients: 1,
    conditions: { latencyMs: 150, jitterMs: 10 },
    setup: (p) => {
      movers.set(p, addMover(p));
      const gun = new Gun();
      p.root.addChild(gun);
      guns.set(p, gun);
    },
    setupTimed: (p, time: NetworkTime) => {
      const mover = movers.get(p)!;
      if (p.index === 0) {
        driveMover(mover, time, SPEED);
        const lag = new LagCompensation({ time, maxRewindMs: 500 });
        lag.register('target', () => ({ kind: 'circle', center: mover.position, radius: RADIUS }));
        guns.get(p)!.lag = lag;
        guns.get(p)!.serverTick = () => time.tick;
        return;
      }
      const i = new SnapshotInterpolator({
        synchronizer: mover.getNode('Sync', MultiplayerSynchronizer),
        time,
        properties: ['position'],
        tickProperty: 'tick',
      });
      p.root.addChild(i);
      interpolators.set(p, i);
    },
  });
  sim.step(3 * sim.fps);
  const shooter = sim.clients[0]!;
  return {
    sim,
    server: guns.get(sim.server)!,
    target: movers.get(sim.server)!,
    seen: movers.get(shooter)!,
    /** What the shooter's interpolator renders against. */
    seenTick: () => interpolators.get(shooter)!.renderTick,
    shoot: (tick: number, point: Vector2) => guns.get(shooter)!.rpcId(1, 'fire', tick, point),
  };
}

t.test('LagCompensation: at 150 ms latency a hit the shooter saw is accepted, one it did not see is refused', async (t) => {
  const w = world(50);
  t.teardown(() => w.sim.close());
  const gap = w.target.position.x - w.seen.position.x;
  t.ok(gap > 2 * RADIUS, `the shooter sees the target ${gap.toFixed(1)} units behind where the server has it`);
  w.shoot(w.seenTick(), w.seen.position); // aimed at what it sees
  w.shoot(w.seenTick(), w.target.position); // aimed where the target really is: the shooter cannot have seen that
  await w.sim.until(() => w.server.verdicts.length === 2, { maxFrames: 60 });
  const [saw, didNotSee] = w.server.verdicts;
  t.same(saw!.rewound, ['target'], 'the shot at what the shooter saw hits, rewound to the tick it saw');
  t.same(saw!.now, [], '(without rewinding, the same shot would miss)');
  t.same(didNotSee!.rewound, [], 'the shot at the target’s present position is refused');
});

t.test('LagCompensation: a claim older than maxRewindMs, or from the future, is refused', async (t) => {
  const w = world(51);
  t.teardown(() => w.sim.close());
  w.shoot(w.seenTick() - 30, w.seen.position); // a second further back than the 500 ms window
  w.shoot(w.seenTick() + 60, w.seen.position);
  await w.sim.until(() => w.server.verdicts.length === 2, { maxFrames: 60 });
  t.equal(w.server.verdicts[0]!.rewound, 'too-old');
  t.equal(w.server.verdicts[1]!.rewound, 'in-the-future');
});

t.test('LagCompensation: raycasts against circles, rects and spheres, interpolated between ticks', (t) => {
  let tick = 0;
  const afterTick = { connect: (fn: (tick: number) => void) => ((record = fn), () => undefined) };
  let record: (tick: number) => void = () => undefined;
  const time = {
    afterTick,
    get tick() {
      return tick;
    },
    tickMs: 1000 / 30,
  } as unknown as NetworkTime;
  const lag = new LagCompensation({ time });
  let x = 0;
  lag.register('circle', () => ({ kind: 'circle', center: new Vector2(x, 0), radius: 1 }));
  lag.register('rect', () => ({ kind: 'rect', rect: new Rect2(x, 10, 2, 2) }));
  lag.register('sphere', () => ({ kind: 'sphere', center: new Vector3(x, 0, 5), radius: 1 }));
  for (tick = 0; tick <= 10; tick++, x += 10) record(tick);
  tick = 10;
  t.same(lag.hitTest(2.5, new Vector2(25, 0)), ['circle'], 'halfway between tick 2 (x=20) and 3 (x=30)');
  t.same(lag.hitTest(2, new Vector2(25, 0)), []);
  t.same(lag.raycast(4, new Vector2(0, 11), new Vector2(1, 0)), { id: 'rect', distance: 40 });
  t.same(lag.raycast(4, new Vector3(40, 0, 0), new Vector3(0, 0, 1)), { id: 'sphere', distance: 4 });
  t.equal(lag.raycast(4, new Vector2(0, 50), new Vector2(1, 0)), null);
  t.equal(lag.rewind(Number.NaN), 'not-a-tick');
  t.end();
});
