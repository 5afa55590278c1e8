import { ConnectionStatus, type TransferMode } from '../core/index.js';
import type { MessageKind, PacketOutcome, PacketTraceEntry, SimPeer, SimulationOptions } from '../plugins/loopback/index.js';
import { Simulation } from '../plugins/loopback/index.js';

/**
 * Helpers for a game's multiplayer tests on the Simulation. They throw plain Errors with a readable
 * message (what was awaited, the frame budget, the last events), so they work under any runner.
 */

/** Options of `waitUntil` and `expectNever`. */
export interface FrameBudget {
  /** At most this many frames are stepped (the budget is the point: name one). */
  readonly frames: number;
  /** What is awaited, for the error message. */
  readonly what?: string;
}

/**
 * Steps `sim` until `predicate()` holds and returns the frames it took (0 if it already held). Between
 * frames it lets pending promise callbacks run, so `await signal` in game code resumes. Throws after
 * `budget.frames` frames, naming what was awaited and the simulation's last events.
 */
export async function waitUntil(sim: Simulation, predicate: () => boolean, budget: FrameBudget): Promise<number> {
  for (let taken = 0; ; taken++) {
    await Promise.resolve();
    if (predicate()) return taken;
    if (taken >= budget.frames)
      throw new Error(`waitUntil: ${budget.what ?? 'condition'} not reached within ${budget.frames} frames${context(sim)}`);
    sim.step();
  }
}

/** Steps `sim` exactly `budget.frames` frames and throws at the first frame where `predicate()` holds. */
export async function expectNever(sim: Simulation, predicate: () => boolean, budget: FrameBudget): Promise<void> {
  for (let i = 0; i <= budget.frames; i++) {
    await Promise.resolve();
    if (predicate())
      throw new Error(`expectNever: ${budget.what ?? 'condition'} happened after ${i} of ${budget.frames} frames${context(sim)}`);
    if (i < budget.frames) sim.step();
  }
}

function context(sim: Simulation): string {
  const last = sim.events.slice(-5).map((e) => `${e.frame}:${e.peer}.${e.event}(${e.args.join(',')})`);
  return ` (frame ${sim.frame}, ${sim.clock.nowMs()} ms; last events: ${last.length === 0 ? 'none' : last.join(' ')})`;
}

/**
 * A Simulation (server + `clients` SceneTrees on the seeded virtual network) whose clients have all
 * connected and been admitted by the server. `options.setup` runs on each peer before connecting,
 * as with `new Simulation`. Throws if they are not connected within `frames` (default 5 s of frames).
 */
export async function connectedSimulation(options: SimulationOptions & { readonly frames?: number } = {}): Promise<Simulation> {
  const sim = new Simulation(options);
  try {
    await waitUntil(sim, () => sim.clients.every((c) => isAdmitted(sim, c)), {
      frames: options.frames ?? sim.fps * 5,
      what: `${sim.clients.length} client(s) connected`,
    });
  } catch (err) {
    sim.close();
    throw err;
  }
  return sim;
}

function isAdmitted(sim: Simulation, client: SimPeer): boolean {
  const id = client.multiplayer.getUniqueId();
  return client.peer.getConnectionStatus() === ConnectionStatus.CONNECTED && sim.server.multiplayer.getPeers().includes(id);
}

/** Which packets of a trace to look at; every field given must match. */
export interface PacketFilter {
  /** Sender: a Simulation peer or a network address. */
  readonly from?: SimPeer | string;
  readonly to?: SimPeer | string;
  /** Default `'data'` (user packets, not the loopback handshake). */
  readonly message?: MessageKind;
  readonly outcome?: PacketOutcome;
  readonly mode?: TransferMode;
  readonly channel?: number;
  /** Only packets sent at or after this virtual time. */
  readonly sinceMs?: number;
}

/** The trace's packet entries that match `filter`. */
export function tracePackets(sim: Simulation, filter: PacketFilter = {}): PacketTraceEntry[] {
  const address = (p: SimPeer | string | undefined) => (typeof p === 'object' ? p.loopback.address : p);
  const from = address(filter.from);
  const to = address(filter.to);
  const message = filter.message ?? 'data';
  return sim.trace.filter(
    (e): e is PacketTraceEntry =>
      e.type === 'packet' &&
      e.message === message &&
      (from === undefined || e.from === from) &&
      (to === undefined || e.to === to) &&
      (filter.outcome === undefined || e.outcome === filter.outcome) &&
      (filter.mode === undefined || e.mode === filter.mode) &&
      (filter.channel === undefined || e.channel === filter.channel) &&
      (filter.sinceMs === undefined || e.timeMs >= filter.sinceMs),
  );
}

/** Bounds on the packets `expectPackets` counts. */
export interface TraceExpectation {
  /** Exactly this many packets. */
  readonly count?: number;
  readonly min?: number;
  readonly max?: number;
  /** At most this many payload bytes in total (a bandwidth budget). */
  readonly maxBytes?: number;
}

/** Throws unless the packets matching `filter` meet `expected`; returns them. */
export function expectPackets(sim: Simulation, filter: PacketFilter, expected: TraceExpectation): PacketTraceEntry[] {
  const found = tracePackets(sim, filter);
  const bytes = found.reduce((sum, e) => sum + e.size, 0);
  const problems = [
    expected.count !== undefined && found.length !== expected.count ? `expected exactly ${expected.count}` : '',
    expected.min !== undefined && found.length < expected.min ? `expected at least ${expected.min}` : '',
    expected.max !== undefined && found.length > expected.max ? `expected at most ${expected.max}` : '',
    expected.maxBytes !== undefined && bytes > expected.maxBytes ? `expected at most ${expected.maxBytes} bytes` : '',
  ].filter((p) => p !== '');
  if (problems.length > 0) {
    throw new Error(`expectPackets ${describe(filter)}: found ${found.length} packets, ${bytes} bytes; ${problems.join(', ')}`);
  }
  return found;
}

function describe(filter: PacketFilter): string {
  const parts = Object.entries(filter).map(([k, v]) => `${k}=${typeof v === 'object' && v !== null ? (v as SimPeer).name : String(v)}`);
  return `{${parts.join(' ')}}`;
}

/**
 * Runs `scenario` twice on fresh simulations from `build` and throws unless both runs give the same
 * packet trace and the same events (design §3: same seed, same run). Returns the two hashes.
 */
export async function expectDeterministic(
  build: () => Simulation,
  scenario: (sim: Simulation) => void | Promise<void>,
): Promise<{ traceHash: string; eventsHash: string }> {
  const runs: Array<{ traceHash: string; eventsHash: string; events: string[] }> = [];
  for (let i = 0; i < 2; i++) {
    const sim = build();
    try {
      await scenario(sim);
      runs.push({
        traceHash: sim.traceHash(),
        eventsHash: sim.eventsHash(),
        events: sim.events.map((e) => `${e.frame}:${e.peer}.${e.event}(${e.args.join(',')})`),
      });
    } finally {
      sim.close();
    }
  }
  const [a, b] = runs as [(typeof runs)[0], (typeof runs)[0]];
  if (a.traceHash !== b.traceHash || a.eventsHash !== b.eventsHash) {
    const at = a.events.findIndex((e, i) => e !== b.events[i]);
    const where =
      at < 0
        ? a.events.length !== b.events.length
          ? `event counts differ (${a.events.length} vs ${b.events.length})`
          : 'events equal, packet traces differ'
        : `first different event #${at}: ${a.events[at]} vs ${b.events[at] ?? 'none'}`;
    throw new Error(`expectDeterministic: two runs differ; ${where}`);
  }
  return { traceHash: a.traceHash, eventsHash: a.eventsHash };
}
