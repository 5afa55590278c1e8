import { SeededRng, randomFloat, randomInt, type Rng } from '../../core/index.js';
import type { TraceEntry } from './packet-trace.js';
// Types only: Simulation.explore passes its class in (SimulationClass), so this module never loads
// simulation.ts and the two do not import each other at run time.
import type { SimEvent, SimPeer, Simulation, SimulationOptions } from './simulation.js';
import { formatWorld, parseWorld, type World, type WorldConditions, type WorldEvent } from './world.js';

/** What a scenario and its invariants see while a world runs. */
export interface ExploreContext {
  readonly sim: Simulation;
  readonly world: World;
  /** Frames stepped so far (the frame just checked, in an invariant). */
  readonly frame: number;
  /** The scenario's own randomness, seeded from the world's seed only (not from its conditions or events). */
  readonly rng: Rng;
  /**
   * The last frame the world disturbed `peer`'s connection (its join, leave, partition or heal), 0 if
   * never; the current frame while it is partitioned. For the server: the same over every client.
   */
  lastDisruption(peer: SimPeer): number;
}

/** A check run after every frame: returns (or throws) a message when it is broken, else nothing. */
export type InvariantCheck = (ctx: ExploreContext) => string | null | undefined | void;

/** An invariant with a name (shown in the failure) and an optional hook into each peer's setup. */
export interface Invariant {
  readonly name: string;
  /** Called for every peer after the scenario's own `setup` (e.g. to watch an RPC method). */
  setup?(peer: SimPeer, ctx: ExploreContext): void;
  check: InvariantCheck;
}

/** A game scenario to explore: how to build each peer, what players do each frame, what must hold. */
export interface ExploreScenario {
  /** Clients per world. Default 2. */
  readonly clients?: number;
  /** Frames per world. Default 600 (10 s at 60 fps). */
  readonly frames?: number;
  readonly fps?: number;
  readonly layout?: SimulationOptions['layout'];
  /** Builds a peer's scene (as `SimulationOptions.setup`). */
  setup?(peer: SimPeer, ctx: ExploreContext): void;
  /** Runs once after the Simulation is built, before the first frame. */
  start?(ctx: ExploreContext): void;
  /** What the game does in a frame, before it is stepped (use `ctx.rng` for random choices). */
  frame?(ctx: ExploreContext): void;
  /** Checked after every frame; the first broken one fails the world. */
  readonly invariants?: ReadonlyArray<Invariant | InvariantCheck>;
}

/** A range `[min, max]` a condition is drawn from (uniformly), or one fixed value. */
export type ConditionRange = number | readonly [min: number, max: number];

/** Options of `Simulation.explore`. */
export interface ExploreOptions {
  /** How many worlds to try. Default 100. */
  readonly seeds?: number;
  /** The first seed (then +1 each world). Default 1. */
  readonly firstSeed?: number;
  /** Ranges of the randomised conditions (each world draws its own). Defaults in `DEFAULT_RANGES`. */
  readonly conditions?: Partial<Record<keyof WorldConditions, ConditionRange>>;
  /** At most this many partitions per world (each of one client, healed later). Default 1. */
  readonly partitions?: number;
  /** At most this many late joins per world. Default 1. */
  readonly joins?: number;
  /** At most this many leaves per world. Default 1. */
  readonly leaves?: number;
  /** Rerun exactly this world (a `repro` line from an earlier failure) instead of searching. */
  readonly repro?: string;
  /** Shrink a failing world to the simplest one that still fails. Default true. */
  readonly shrink?: boolean;
  /** At most this many runs while shrinking. Default 200. */
  readonly maxShrinkRuns?: number;
  /** Called after every world (for progress output). */
  onWorld?(world: World, failure: WorldFailure | null): void;
}

/** Where a world broke. */
export interface WorldFailure {
  readonly world: World;
  /** One line that reruns exactly this world: pass it as `repro` to `Simulation.explore`. */
  readonly repro: string;
  /** The frame after which the invariant was found broken. */
  readonly frame: number;
  readonly invariant: string;
  readonly message: string;
}

/** A failing world with what is needed to look at it: its trace and events (run again with the trace kept). */
export interface ExploreFailure extends WorldFailure {
  /** The world found first, before shrinking (the same as this one when shrinking is off or found nothing simpler). */
  readonly original: WorldFailure;
  /** Runs spent shrinking. */
  readonly shrinkRuns: number;
  readonly trace: readonly TraceEntry[];
  readonly traceHash: string;
  readonly events: readonly SimEvent[];
  /** Network address → peer name, for the timeline's columns. */
  readonly names: ReadonlyMap<string, string>;
}

/** What `Simulation.explore` found. */
export interface ExploreResult {
  /** True when no world broke an invariant. */
  readonly ok: boolean;
  /** Worlds run in the search (shrinking runs not counted). */
  readonly worlds: number;
  /** The seed of the first failing world, or null. */
  readonly firstFailingSeed: number | null;
  readonly failure: ExploreFailure | null;
}

/**
 * The Simulation class, as `Simulation.explore` passes it in: the worlds are built with it, and this
 * module needs no run-time import of simulation.ts (which imports this one for `Simulation.explore`).
 */
export type SimulationClass = new (options: SimulationOptions) => Simulation;

/** Default ranges of the randomised conditions. */
export const DEFAULT_RANGES: Readonly<Record<keyof WorldConditions, readonly [number, number]>> = Object.freeze({
  latencyMs: [0, 120],
  jitterMs: [0, 40],
  loss: [0, 0.2],
  duplicate: [0, 0.05],
  reorder: [0, 0.1],
});

/**
 * Runs `scenario` in many seeded worlds with randomised conditions and events, checks its invariants
 * after every frame, and stops at the first failing world; then shrinks it (fewer events, fewer
 * clients, simpler conditions, fewer frames) to the simplest world that still fails, and runs that one
 * again with its trace kept for the timeline. Deterministic: the same scenario and options find the same
 * world. Synchronous (the scenario's callbacks must be too). `Sim` builds each world's Simulation
 * (`Simulation.explore` passes `Simulation` itself).
 */
export function explore(Sim: SimulationClass, scenario: ExploreScenario, options: ExploreOptions = {}): ExploreResult {
  let first: WorldFailure | null = null;
  let worlds = 0;
  if (options.repro !== undefined) {
    worlds = 1;
    const world = parseWorld(options.repro);
    first = runWorld(Sim, scenario, world).failure;
    options.onWorld?.(world, first);
  } else {
    const firstSeed = options.firstSeed ?? 1;
    const count = options.seeds ?? 100;
    for (let i = 0; i < count && first === null; i++) {
      const world = generateWorld(scenario, firstSeed + i, options);
      worlds++;
      first = runWorld(Sim, scenario, world).failure;
      options.onWorld?.(world, first);
    }
  }
  if (first === null) return { ok: true, worlds, firstFailingSeed: null, failure: null };
  let smallest = first;
  let shrinkRuns = 0;
  if (options.shrink ?? options.repro === undefined) {
    ({ failure: smallest, runs: shrinkRuns } = shrinkFailure(Sim, scenario, first, options.maxShrinkRuns ?? 200));
  }
  const replay = runWorld(Sim, scenario, smallest.world, { keepTrace: true });
  const { sim } = replay;
  return {
    ok: false,
    worlds,
    firstFailingSeed: first.world.seed,
    failure: {
      ...(replay.failure ?? smallest),
      original: first,
      shrinkRuns,
      trace: sim.trace,
      traceHash: sim.traceHash(),
      events: sim.events,
      names: sim.addressNames,
    },
  };
}

/** Draws a world for `seed`: conditions from the ranges, then partitions, late joins and leaves. */
export function generateWorld(scenario: ExploreScenario, seed: number, options: ExploreOptions = {}): World {
  const rng = new SeededRng(seed ^ 0x5eed_0f_ea);
  const clients = scenario.clients ?? 2;
  const frames = scenario.frames ?? 600;
  const draw = (key: keyof WorldConditions): number => {
    const range = options.conditions?.[key] ?? DEFAULT_RANGES[key];
    if (typeof range === 'number') return range;
    const [min, max] = range;
    // Rounded so the one-line repro is short and reads back exactly.
    return key === 'latencyMs' || key === 'jitterMs'
      ? randomInt(rng, Math.ceil(min), Math.floor(max))
      : Math.round((min + randomFloat(rng) * (max - min)) * 1000) / 1000;
  };
  const conditions: WorldConditions = {
    latencyMs: draw('latencyMs'),
    jitterMs: draw('jitterMs'),
    loss: draw('loss'),
    duplicate: draw('duplicate'),
    reorder: draw('reorder'),
  };
  const events: WorldEvent[] = [];
  const frameIn = (from: number, to: number): number => randomInt(rng, Math.max(1, from), Math.max(1, to));
  const partitions = randomInt(rng, 0, options.partitions ?? 1);
  for (let i = 0; i < partitions && frames >= 2; i++) {
    const frame = frameIn(1, frames - 1);
    events.push({ type: 'partition', client: randomInt(rng, 1, clients), frame, until: frameIn(frame + 1, Math.min(frames, frame + 300)) });
  }
  const joined = new Set<number>();
  const joins = randomInt(rng, 0, Math.min(options.joins ?? 1, clients));
  for (let i = 0; i < joins; i++) {
    const client = randomInt(rng, 1, clients);
    if (joined.has(client)) continue;
    joined.add(client);
    events.push({ type: 'join', client, frame: frameIn(1, Math.floor(frames / 2)) });
  }
  const leaves = randomInt(rng, 0, Math.min(options.leaves ?? 1, clients));
  const left = new Set<number>();
  for (let i = 0; i < leaves; i++) {
    const client = randomInt(rng, 1, clients);
    if (left.has(client)) continue;
    left.add(client);
    const after = events.find((e) => e.type === 'join' && e.client === client)?.frame ?? 0;
    if (after + 1 <= frames - 1) events.push({ type: 'leave', client, frame: frameIn(after + 1, frames - 1) });
  }
  return { seed, clients, frames, conditions, events: sortEvents(events) };
}

/** One run of one world; the Simulation is closed, its trace and events stay readable. */
export function runWorld(
  Sim: SimulationClass,
  scenario: ExploreScenario,
  world: World,
  options: { keepTrace?: boolean } = {},
): { failure: WorldFailure | null; sim: Simulation } {
  const invariants = (scenario.invariants ?? []).map(
    (inv, i): Invariant => (typeof inv === 'function' ? { name: inv.name === '' ? `invariant ${i + 1}` : inv.name, check: inv } : inv),
  );
  const lateJoins = new Set(world.events.filter((e) => e.type === 'join').map((e) => e.client));
  const disrupted: number[] = new Array<number>(world.clients + 1).fill(0);
  const cut = new Set<number>();
  let frame = 0;
  // The Simulation is created below; the context reads it through this binding.
  let sim: Simulation;
  const ctx: ExploreContext = {
    get sim() {
      return sim;
    },
    world,
    get frame() {
      return frame;
    },
    rng: new SeededRng(world.seed ^ 0x0a11_ce),
    // A partitioned client is being disturbed right now.
    lastDisruption: (peer) => (cut.has(peer.index) || (peer.index === 0 && cut.size > 0) ? frame : (disrupted[peer.index] ?? 0)),
  };
  sim = new Sim({
    seed: world.seed,
    clients: world.clients,
    conditions: world.conditions,
    keepTrace: options.keepTrace ?? false,
    ...(scenario.fps === undefined ? {} : { fps: scenario.fps }),
    ...(scenario.layout === undefined ? {} : { layout: scenario.layout }),
    connectAtStart: (c) => !lateJoins.has(c.index),
    setup: (peer) => {
      scenario.setup?.(peer, ctx);
      for (const inv of invariants) inv.setup?.(peer, ctx);
    },
  });
  const fail = (invariant: string, message: string): { failure: WorldFailure; sim: Simulation } => {
    sim.note(`invariant broken: ${invariant}: ${message}`);
    sim.close();
    return { failure: { world, repro: formatWorld(world), frame, invariant, message }, sim };
  };
  // Events by frame; a partition also heals at `until`.
  const actions = new Map<number, Array<() => void>>();
  const at = (f: number, action: () => void): void => {
    const list = actions.get(f);
    if (list === undefined) actions.set(f, [action]);
    else list.push(action);
  };
  for (const e of world.events) {
    const client = sim.clients[e.client - 1]!;
    const touch = (f: number): void => {
      disrupted[e.client] = f;
      disrupted[0] = f;
    };
    if (e.type === 'partition') {
      at(e.frame, () => (touch(e.frame), cut.add(e.client), sim.note(`partition ${client.name}`), sim.partition(client)));
      at(e.until, () => (touch(e.until), cut.delete(e.client), sim.note(`heal ${client.name}`), sim.heal(client)));
    } else if (e.type === 'join') {
      at(e.frame, () => {
        touch(e.frame);
        sim.note(`join ${client.name}`);
        if (!sim.isActive(client)) sim.join(client);
      });
    } else {
      at(e.frame, () => (touch(e.frame), sim.note(`leave ${client.name}`), sim.isActive(client) && sim.leave(client)));
    }
  }
  try {
    scenario.start?.(ctx);
  } catch (err) {
    return fail('scenario start', errorText(err));
  }
  for (frame = 1; frame <= world.frames; frame++) {
    const due = actions.get(frame);
    if (due !== undefined) for (const action of due) action();
    try {
      scenario.frame?.(ctx);
      sim.step();
    } catch (err) {
      return fail('scenario', errorText(err));
    }
    for (const inv of invariants) {
      let message: string | null | undefined | void;
      try {
        message = inv.check(ctx);
      } catch (err) {
        message = errorText(err);
      }
      if (typeof message === 'string') return fail(inv.name, message);
    }
  }
  frame = world.frames;
  sim.close();
  return { failure: null, sim };
}

/**
 * From a failing world, tries simpler ones (fewer frames, no event, fewer clients, each condition
 * zeroed then halved) and keeps each change that still fails, until no change does or the budget is
 * spent. Frames are cut to the failing frame first: a world's run up to that frame is the same.
 */
export function shrinkFailure(
  Sim: SimulationClass,
  scenario: ExploreScenario,
  failure: WorldFailure,
  maxRuns = 200,
): { failure: WorldFailure; runs: number } {
  let best = withFrames(failure, failure.frame);
  let runs = 0;
  // A simpler world may need longer to break: candidates run for as long as the original world did.
  const frames = failure.world.frames;
  for (let improved = true; improved && runs < maxRuns; ) {
    improved = false;
    for (const candidate of simplerWorlds(best.world)) {
      if (runs >= maxRuns) break;
      runs++;
      const result = runWorld(Sim, scenario, { ...candidate, frames }).failure;
      if (result !== null) {
        best = withFrames(result, result.frame);
        improved = true;
        break;
      }
    }
  }
  return { failure: best, runs };
}

function withFrames(f: WorldFailure, frames: number): WorldFailure {
  if (frames === f.world.frames) return f;
  const world: World = { ...f.world, frames, events: f.world.events.filter((e) => e.frame <= frames) };
  return { ...f, world, repro: formatWorld(world) };
}

/** Simpler variants of a world, simplest change first. */
function* simplerWorlds(world: World): Generator<World> {
  for (let i = 0; i < world.events.length; i++) {
    yield { ...world, events: world.events.filter((_, j) => j !== i) };
  }
  for (const [i, e] of world.events.entries()) {
    if (e.type === 'partition' && e.until > e.frame + 1) {
      const shorter: WorldEvent = { ...e, until: e.frame + Math.max(1, Math.floor((e.until - e.frame) / 2)) };
      yield { ...world, events: world.events.map((x, j) => (j === i ? shorter : x)) };
    }
  }
  if (world.clients > 1) {
    const last = world.clients;
    yield { ...world, clients: last - 1, events: world.events.filter((e) => e.client !== last) };
  }
  const keys = ['duplicate', 'reorder', 'loss', 'jitterMs', 'latencyMs'] as const;
  for (const key of keys) {
    if (world.conditions[key] !== 0) yield { ...world, conditions: { ...world.conditions, [key]: 0 } };
  }
  for (const key of keys) {
    const v = world.conditions[key];
    const half = key === 'latencyMs' || key === 'jitterMs' ? Math.floor(v / 2) : Math.round((v / 2) * 1000) / 1000;
    if (half !== v && half !== 0) yield { ...world, conditions: { ...world.conditions, [key]: half } };
  }
}

function sortEvents(events: WorldEvent[]): WorldEvent[] {
  return events.sort((a, b) => a.frame - b.frame || a.client - b.client || a.type.localeCompare(b.type));
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** The failure as two lines: what broke where, and the repro line. */
export function describeFailure(f: WorldFailure): string {
  return `explore: seed ${f.world.seed} broke "${f.invariant}" at frame ${f.frame}: ${f.message}\n  repro: ${f.repro}`;
}

export { formatWorld, parseWorld };
