import { ErrorCode, MultiplayerError } from '../../core/index.js';

/** The randomised link conditions of one explored world (every link gets them). */
export interface WorldConditions {
  readonly latencyMs: number;
  readonly jitterMs: number;
  readonly loss: number;
  readonly duplicate: number;
  readonly reorder: number;
}

/** Something that happens to one client at a frame of an explored world. */
export type WorldEvent =
  /** The client is cut off from everyone at `frame` and healed at `until`. */
  | { readonly type: 'partition'; readonly client: number; readonly frame: number; readonly until: number }
  /** The client does not connect at the start; it joins at `frame`. */
  | { readonly type: 'join'; readonly client: number; readonly frame: number }
  /** The client leaves (closes its peer) at `frame`. */
  | { readonly type: 'leave'; readonly client: number; readonly frame: number };

/**
 * One world of `Simulation.explore`: everything that makes a run what it is. The same world and the
 * same scenario give the same run, event for event (the Simulation is seeded with `seed`, the scenario
 * gets its own Rng seeded from `seed` too).
 */
export interface World {
  readonly seed: number;
  readonly clients: number;
  readonly frames: number;
  readonly conditions: WorldConditions;
  /** Sorted by frame. Clients are numbered from 1 (`sim.clients[client - 1]`). */
  readonly events: readonly WorldEvent[];
}

const CONDITION_KEYS = [
  ['latency', 'latencyMs'],
  ['jitter', 'jitterMs'],
  ['loss', 'loss'],
  ['dup', 'duplicate'],
  ['reorder', 'reorder'],
] as const;

/**
 * A world as one line, e.g. `seed=17 clients=3 frames=600 latency=40 jitter=12 loss=0.05 dup=0
 * reorder=0.02 events=partition:2@120-340,join:3@50,leave:1@400`. `parseWorld` reads it back exactly
 * (numbers are written with JavaScript's round-trip formatting).
 */
export function formatWorld(world: World): string {
  const parts = [`seed=${world.seed}`, `clients=${world.clients}`, `frames=${world.frames}`];
  for (const [short, key] of CONDITION_KEYS) parts.push(`${short}=${world.conditions[key]}`);
  const events = world.events.map((e) =>
    e.type === 'partition' ? `partition:${e.client}@${e.frame}-${e.until}` : `${e.type}:${e.client}@${e.frame}`,
  );
  parts.push(`events=${events.length === 0 ? '-' : events.join(',')}`);
  return parts.join(' ');
}

/** Reads a `formatWorld` line; throws `MultiplayerError(ERR_PARSE_ERROR)` naming what is wrong. */
export function parseWorld(line: string): World {
  const fields = new Map<string, string>();
  for (const part of line.trim().split(/\s+/)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw parseError(`"${part}" is not key=value`);
    fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const num = (key: string, integer: boolean): number => {
    const text = fields.get(key);
    if (text === undefined) throw parseError(`"${key}" is missing`);
    const value = Number(text);
    if (text === '' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
      throw parseError(`"${key}=${text}" is not a ${integer ? 'non-negative integer' : 'non-negative number'}`);
    }
    return value;
  };
  const conditions = Object.fromEntries(CONDITION_KEYS.map(([short, key]) => [key, num(short, false)])) as unknown as WorldConditions;
  for (const key of ['loss', 'duplicate', 'reorder'] as const) {
    if (conditions[key] > 1) throw parseError(`${key} must be at most 1`);
  }
  const world: World = {
    seed: num('seed', true),
    clients: num('clients', true),
    frames: num('frames', true),
    conditions,
    events: parseEvents(fields.get('events') ?? '-'),
  };
  for (const e of world.events) {
    if (e.client < 1 || e.client > world.clients) throw parseError(`event ${e.type}:${e.client} names no client`);
  }
  return world;
}

function parseEvents(text: string): WorldEvent[] {
  if (text === '-' || text === '') return [];
  return text.split(',').map((item) => {
    const m = /^(partition|join|leave):(\d+)@(\d+)(?:-(\d+))?$/.exec(item);
    if (m === null) throw parseError(`event "${item}" is not type:client@frame[-until]`);
    const [, type, client, frame, until] = m;
    if (type === 'partition') {
      if (until === undefined) throw parseError(`partition "${item}" needs @from-until`);
      return { type, client: Number(client), frame: Number(frame), until: Number(until) };
    }
    if (until !== undefined) throw parseError(`event "${item}" takes one frame`);
    return { type: type as 'join' | 'leave', client: Number(client), frame: Number(frame) };
  });
}

function parseError(what: string): MultiplayerError {
  return new MultiplayerError(ErrorCode.ERR_PARSE_ERROR, `Not a world line: ${what}.`);
}

/**
 * A deterministic text form of a value for comparing replicated state: primitives, bigints, arrays,
 * typed arrays, Maps, Sets, plain objects and class instances (own enumerable fields, sorted, with the
 * class name), so `Vector2(1, 2)` and `{ x: 1, y: 2 }` differ and key order does not matter.
 */
export function stableKey(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return String(value);
    case 'object':
      break;
    default:
      return `<${typeof value}>`;
  }
  if (Array.isArray(value)) return `[${value.map(stableKey).join(',')}]`;
  if (ArrayBuffer.isView(value)) {
    const items =
      value instanceof DataView
        ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
        : (value as unknown as ArrayLike<unknown>);
    return `${value.constructor.name}[${Array.from(items, stableKey).join(',')}]`;
  }
  if (value instanceof Map) {
    const entries = [...value].map(([k, v]) => `${stableKey(k)}:${stableKey(v)}`).sort();
    return `Map{${entries.join(',')}}`;
  }
  if (value instanceof Set) return `Set{${[...value].map(stableKey).sort().join(',')}}`;
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  const name = proto === null || proto === Object.prototype ? '' : (proto.constructor?.name ?? '?');
  const fields = Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableKey((value as Record<string, unknown>)[k])}`);
  return `${name}{${fields.join(',')}}`;
}
