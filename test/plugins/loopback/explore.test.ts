/** Simulation.explore: search, a real bug class found, repro lines, shrinking, invariant helpers. */
import t from 'tap';
import { ErrorCode, RPCMode, TransferMode } from '../../../core/index.js';
import { Node } from '../../../scenetree/index.js';
import {
  Simulation,
  formatWorld,
  generateWorld,
  parseWorld,
  rpcRunsOnce,
  stableKey,
  type ExploreScenario,
  type World,
} from '../../../plugins/loopback/index.js';
import { Vector2 } from '../../../core/index.js';
import { counterScenario } from '../../helpers/explore-scenarios.js';

const SEEDS = 25;

t.test('explore: the real replication rule holds in every world; the planted off-by-one copy is found', (t) => {
  const good = Simulation.explore(counterScenario({ planted: false }), { seeds: SEEDS });
  t.ok(good.ok, good.failure === null ? `${SEEDS} worlds, no invariant broken` : good.failure.repro);
  t.equal(good.worlds, SEEDS);
  t.equal(good.firstFailingSeed, null);

  const bad = Simulation.explore(counterScenario({ planted: true }), { seeds: SEEDS });
  t.notOk(bad.ok, 'the planted bug breaks an invariant');
  const f = bad.failure!;
  t.ok(bad.worlds <= SEEDS, `found within ${bad.worlds} of at most ${SEEDS} worlds`);
  t.equal(f.original.world.seed, bad.firstFailingSeed);
  t.equal(f.invariant, 'replicated state never goes back');
  t.match(f.message, /^client\d went back from (\d+) to \d+$/);
  t.match(f.original.repro, new RegExp(`^seed=${bad.firstFailingSeed} clients=3 frames=600 `));
  t.ok(f.trace.length > 0, 'the shrunk world was run again with its trace kept');
  t.ok(
    f.trace.some((e) => e.type === 'note' && e.text.startsWith('invariant broken:')),
    'the trace marks where it broke',
  );

  // Shrinking: a simpler world that still fails.
  const o = f.original.world;
  const nonZero = (w: World) => Object.values(w.conditions).filter((v) => v !== 0).length;
  t.equal(f.world.frames, f.frame, 'frames cut to the failing frame');
  t.ok(
    f.world.clients <= o.clients && f.world.events.length <= o.events.length && nonZero(f.world) <= nonZero(o),
    'no more complex in any way',
  );
  t.ok(
    f.world.clients + f.world.events.length + nonZero(f.world) < o.clients + o.events.length + nonZero(o),
    `strictly simpler: ${f.repro}`,
  );
  t.ok(f.world.conditions.jitterMs > 0 || f.world.conditions.reorder > 0, 'it keeps what the bug needs: reordering');
  t.ok(f.shrinkRuns > 0 && f.shrinkRuns <= 200);

  // The repro line reruns exactly that world: same frame, message and trace.
  const again = Simulation.explore(counterScenario({ planted: true }), { repro: f.repro });
  t.notOk(again.ok);
  t.equal(again.failure!.frame, f.frame);
  t.equal(again.failure!.message, f.message);
  t.equal(again.failure!.traceHash, f.traceHash, 'same world → same trace hash');
  t.equal(again.worlds, 1);
  t.equal(again.failure!.shrinkRuns, 0, 'a repro is not shrunk unless asked');
  const original = Simulation.explore(counterScenario({ planted: true }), { repro: f.original.repro, shrink: false });
  t.equal(original.failure!.frame, f.original.frame, 'the original world fails where it did');
  t.equal(original.failure!.message, f.original.message);
  t.end();
});

t.test('explore: deterministic — the same search finds the same world and shrinks it the same way', (t) => {
  const a = Simulation.explore(counterScenario({ planted: true, clients: 2, frames: 300 }), { seeds: SEEDS });
  const b = Simulation.explore(counterScenario({ planted: true, clients: 2, frames: 300 }), { seeds: SEEDS });
  t.equal(b.firstFailingSeed, a.firstFailingSeed);
  t.equal(b.failure!.repro, a.failure!.repro);
  t.equal(b.failure!.traceHash, a.failure!.traceHash);
  const seen: number[] = [];
  Simulation.explore(counterScenario({ planted: false, clients: 2, frames: 60 }), {
    seeds: 3,
    firstSeed: 100,
    onWorld: (w) => seen.push(w.seed),
  });
  t.same(seen, [100, 101, 102], 'onWorld reports each world');
  t.end();
});

t.test('worlds: generated within the ranges, with partitions, joins and leaves; one-line form round-trips', (t) => {
  const scenario: ExploreScenario = { clients: 4, frames: 600 };
  const worlds: World[] = Array.from({ length: 200 }, (_, i) =>
    generateWorld(scenario, i + 1, { partitions: 2, joins: 2, leaves: 2, conditions: { loss: [0.1, 0.3], latencyMs: 50 } }),
  );
  for (const w of worlds) {
    if (!(w.conditions.loss >= 0.1 && w.conditions.loss <= 0.3 && w.conditions.latencyMs === 50)) {
      t.fail(`out of range: ${formatWorld(w)}`);
      break;
    }
  }
  const types = new Set(worlds.flatMap((w) => w.events.map((e) => e.type)));
  t.same([...types].sort(), ['join', 'leave', 'partition'], 'every kind of event is drawn');
  t.ok(
    worlds.every((w) => w.events.every((e, i) => i === 0 || w.events[i - 1]!.frame <= e.frame)),
    'events sorted by frame',
  );
  t.ok(worlds.every((w) => w.events.every((e) => e.type !== 'partition' || (e.until > e.frame && e.until <= 600))));
  for (const w of worlds) t.same(parseWorld(formatWorld(w)), w);
  t.same(generateWorld(scenario, 7), generateWorld(scenario, 7), 'same seed, same world');
  const line =
    'seed=17 clients=3 frames=600 latency=40 jitter=12 loss=0.05 dup=0 reorder=0.02 events=partition:2@120-340,join:3@50,leave:1@400';
  t.equal(formatWorld(parseWorld(line)), line);
  for (const bad of [
    'seed=1',
    'seed=x clients=1 frames=1 latency=0 jitter=0 loss=0 dup=0 reorder=0',
    'seed=1 clients=1 frames=1 latency=0 jitter=0 loss=2 dup=0 reorder=0',
    'seed=1 clients=1 frames=1 latency=0 jitter=0 loss=0 dup=0 reorder=0 events=partition:1@5',
    'seed=1 clients=1 frames=1 latency=0 jitter=0 loss=0 dup=0 reorder=0 events=leave:2@5',
    'nonsense',
  ]) {
    t.throws(() => parseWorld(bad), { code: ErrorCode.ERR_PARSE_ERROR }, bad);
  }
  t.end();
});

class Orders extends Node {
  done: number[] = [];
  constructor(reliable: boolean) {
    super('Orders');
    this.rpcConfig('order', { rpcMode: RPCMode.ANY_PEER, transferMode: reliable ? TransferMode.RELIABLE : TransferMode.UNRELIABLE });
  }
  order(n: number): void {
    this.done.push(n);
  }
}

function ordersScenario(reliable: boolean): ExploreScenario {
  let next = 0;
  return {
    clients: 2,
    frames: 240,
    setup: (p) => p.root.addChild(new Orders(reliable)),
    frame(ctx) {
      for (const c of ctx.sim.clients) {
        if (c.multiplayer.getUniqueId() > 1 && ctx.sim.isActive(c)) c.root.getNode('Orders', Orders).rpcId(1, 'order', next++);
      }
    },
    invariants: [rpcRunsOnce({ node: 'Orders', method: 'order' })],
  };
}

t.test('rpcRunsOnce: holds for reliable RPCs under loss and partitions; catches duplicated unreliable ones', (t) => {
  const reliable = Simulation.explore(ordersScenario(true), { seeds: 10, conditions: { duplicate: [0.1, 0.3] } });
  t.ok(reliable.ok, reliable.failure?.repro ?? 'no reliable RPC ran twice');
  const unreliable = Simulation.explore(ordersScenario(false), { seeds: 10, conditions: { duplicate: [0.1, 0.3] } });
  t.notOk(unreliable.ok, 'a duplicating link runs an unreliable RPC twice');
  t.match(unreliable.failure!.message, /^server ran order twice for /);
  t.equal(unreliable.failure!.invariant, 'RPC order runs at most once per call');
  t.end();
});

t.test('explore: a throwing scenario or invariant fails the world with its message', (t) => {
  const r = Simulation.explore(
    {
      clients: 1,
      frames: 10,
      invariants: [
        function boom(ctx) {
          if (ctx.frame === 4) throw new Error('kaput');
        },
      ],
    },
    { seeds: 2, shrink: false },
  );
  t.equal(r.failure!.invariant, 'boom');
  t.equal(r.failure!.message, 'Error: kaput');
  t.equal(r.failure!.frame, 4);
  const s = Simulation.explore(
    {
      clients: 1,
      frames: 10,
      frame: (ctx) => {
        if (ctx.frame === 2) throw new TypeError('bad input');
      },
    },
    { seeds: 1 },
  );
  t.equal(s.failure!.invariant, 'scenario');
  t.equal(s.failure!.message, 'TypeError: bad input');
  t.end();
});

t.test('stableKey: compares state by value, regardless of key order; types are told apart', (t) => {
  t.equal(stableKey({ b: 1, a: [1, 2n] }), stableKey({ a: [1, 2n], b: 1 }));
  t.not(stableKey(new Vector2(1, 2)), stableKey({ x: 1, y: 2 }));
  t.equal(stableKey(new Vector2(1, 2)), stableKey(new Vector2(1, 2)));
  t.not(stableKey('1'), stableKey(1));
  t.equal(
    stableKey(
      new Map([
        [2, 'b'],
        [1, 'a'],
      ]),
    ),
    stableKey(
      new Map([
        [1, 'a'],
        [2, 'b'],
      ]),
    ),
  );
  t.equal(stableKey(Float32Array.of(1, 2)), 'Float32Array[1,2]');
  t.not(stableKey(0), stableKey(-0));
  t.end();
});
