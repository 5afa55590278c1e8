import type { SessionOptions } from '../plugins/session/index.js';
import { DEFAULT_LIMITS, type MultiplayerLimits } from '../scenetree/index.js';
import type { Room } from './room.js';

/**
 * Session resume of a server or room type: a client that joins with `?session` (`connectToRoom` does)
 * gets a session; when its connection drops it comes back with `?resume=<token>` within `graceMs` as
 * the same peer. The other keys are `plugins/session`'s (`timeoutMs`, `heartbeatMs`, buffer bounds).
 */
export interface ResumeOptions extends SessionOptions {
  /** Whether `?session` clients get a session (default true; off: they join as plain peers and `?resume` is refused). */
  readonly enabled?: boolean;
}

/** `ResumeOptions` with `enabled` decided. */
export interface ResolvedResume extends SessionOptions {
  readonly enabled: boolean;
}

/** Room ids and type names: 1–64 of `A–Z a–z 0–9 _ -` (safe in a URL path segment as they are). */
export const ROOM_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Whether `name` may be a room id or a room type name. */
export function isRoomName(name: string): boolean {
  return ROOM_NAME_PATTERN.test(name);
}

/** How a room type builds and runs its rooms (`GameServer.define(name, options)`). */
export interface RoomTypeOptions {
  /**
   * Builds a new room's scene in `room.tree` (add nodes, register scenes, connect to
   * `room.multiplayer`'s signals). Runs once, before any client can join.
   */
  setup(room: Room): void;
  /** Most clients the room takes at once (default 16). */
  readonly maxClients?: number;
  /** Whether a client's `/<type>/<roomId>` (or `/<type>/`) URL may create a room (default true). */
  readonly createOnJoin?: boolean;
  /** A room left empty this long is disposed (ms, on the server's clock; default 30 000; Infinity: never). */
  readonly emptyGraceMs?: number;
  /** Whether rooms of this type also listen on an ENet port when the server has ENet (default true). */
  readonly enet?: boolean;
  /** Session resume for this type's rooms, key by key over the server's `resume` (default: on, 10 s grace). */
  readonly resume?: ResumeOptions;
  /**
   * Per-peer and per-room budgets of this type's rooms (`SceneMultiplayer#limits`), key by key over the
   * server's `limits`, which go over `DEFAULT_LIMITS` (`UNLIMITED`: none, Godot's behaviour).
   */
  readonly limits?: Partial<MultiplayerLimits>;
}

/** What a server gives every room type unless the type says otherwise. */
export interface RoomTypeDefaults {
  readonly resume?: ResumeOptions;
  readonly limits?: Partial<MultiplayerLimits>;
}

/** `base` then `over`, key by key, checked as SceneMultiplayer checks them (throws RangeError on an unknown key or a bad value). */
export function mergeLimits(base: Partial<MultiplayerLimits> = {}, over: Partial<MultiplayerLimits> = {}): Partial<MultiplayerLimits> {
  const out = { ...base, ...over };
  for (const [key, value] of Object.entries(out)) {
    if (!Object.hasOwn(DEFAULT_LIMITS, key)) throw new RangeError(`Unknown multiplayer limit '${key}'.`);
    if (typeof value !== 'number' || !(value >= 0))
      throw new RangeError(`Multiplayer limit '${key}' must be a number >= 0 (Infinity for none), got ${String(value)}.`);
  }
  return Object.freeze(out);
}

/** A registered room type, defaults applied. */
export interface RoomType {
  readonly name: string;
  readonly setup: (room: Room) => void;
  readonly maxClients: number;
  readonly createOnJoin: boolean;
  readonly emptyGraceMs: number;
  readonly enet: boolean;
  readonly resume: ResolvedResume;
  /** The server's limits with the type's over them (missing keys: `DEFAULT_LIMITS`). */
  readonly limits: Partial<MultiplayerLimits>;
}

/** Applies the defaults of `RoomTypeOptions`. */
export function roomType(name: string, options: RoomTypeOptions, defaults: RoomTypeDefaults = {}): RoomType {
  const maxClients = options.maxClients ?? 16;
  if (!Number.isInteger(maxClients) || maxClients < 1 || maxClients > 4095)
    throw new RangeError(`maxClients must be an integer in 1..4095, got ${maxClients}.`);
  const emptyGraceMs = options.emptyGraceMs ?? 30_000;
  if (!(emptyGraceMs >= 0)) throw new RangeError(`emptyGraceMs must be >= 0, got ${emptyGraceMs}.`);
  const resume: ResolvedResume = {
    ...defaults.resume,
    ...options.resume,
    enabled: options.resume?.enabled ?? defaults.resume?.enabled ?? true,
  };
  if (resume.graceMs !== undefined && !(resume.graceMs >= 0)) throw new RangeError(`resume.graceMs must be >= 0, got ${resume.graceMs}.`);
  const limits = mergeLimits(defaults.limits, options.limits);
  return {
    name,
    setup: options.setup,
    maxClients,
    createOnJoin: options.createOnJoin ?? true,
    emptyGraceMs,
    enet: options.enet ?? true,
    resume,
    limits,
  };
}
