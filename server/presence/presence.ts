/**
 * The presence contract: where the rooms of every game-server process are listed, where seats are
 * reserved, and how processes talk to each other. `MemoryPresence` (one process, the default) and
 * `RedisPresence` (many processes on one Redis) implement it with the same rules, which
 * test/server/presence/presence-contract.ts checks against both.
 *
 * Seat accounting (the rule that keeps a room from being over-booked): a room's `seats` counts the
 * seats that are reserved (a token not yet used and not expired) or held (a client admitted with a
 * token, or joined directly, that has not left). Reserving increments it atomically, only while it
 * is below `maxClients`; an unused reservation gives its seat back when it expires; the hosting
 * process gives seats back when its clients leave (`syncRoom`'s `change`).
 */

/** A JSON-serializable scalar a room's metadata can be matched on. */
export type Criterion = string | number | boolean;

/** A game-server process, as it registers itself. */
export interface ProcessInfo {
  /** Unique per process (default: host, pid and random bytes). */
  readonly id: string;
  /** Public WebSocket base URL of the process (`ws://host:port`): clients join `<url>/<type>/<roomId>`. */
  readonly url: string;
  /** The room types it hosts, with each type's `maxClients`. */
  readonly types: Readonly<Record<string, number>>;
  /** Rooms it hosts now (what a new room's placement balances on). */
  readonly rooms: number;
}

/** One room of some process, as presence lists it. */
export interface RoomListing {
  readonly id: string;
  readonly type: string;
  readonly processId: string;
  /** The hosting process's WebSocket base URL. */
  readonly url: string;
  /** Seats reserved or held (never above `maxClients`). */
  readonly seats: number;
  /** Clients connected, as the hosting process last reported. */
  readonly clients: number;
  readonly maxClients: number;
  readonly locked: boolean;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Placed by the matchmaker, not yet created by its process. */
  readonly pending: boolean;
  /** Public address per transport (`ws`: `ws://host:port/<roomId>`, `enet`: `enet://host:port`); empty while pending. */
  readonly endpoints: Readonly<Record<string, string>>;
}

/** What a process reports about one of its rooms (register and heartbeat in one). */
export interface RoomState {
  readonly id: string;
  readonly type: string;
  readonly processId: string;
  readonly url: string;
  readonly maxClients: number;
  readonly locked: boolean;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Public address per transport (`ws`, `enet`…). */
  readonly endpoints: Readonly<Record<string, string>>;
  /** Clients in the room now (connected or in their handshake). */
  readonly occupied: number;
  /**
   * Seats taken (+) or given back (−) since the last report that the store has not counted yet:
   * clients who left, and clients who joined while the store could not be asked.
   */
  readonly change: number;
}

/** How a seat is asked for. */
export interface ReserveRequest {
  readonly type: string;
  /** `join`: only `roomId`; `join-or-create`: the fullest open room matching `criteria`, else a new one; `create`: a new room. */
  readonly mode: 'join' | 'join-or-create' | 'create';
  readonly roomId?: string;
  /** Metadata values an existing room must have (and a new room gets). */
  readonly criteria?: Readonly<Record<string, Criterion>>;
  /** The single-use token that will hold the seat. */
  readonly token: string;
  /** How long the seat is held for the token (ms). */
  readonly seatTtlMs: number;
  /** Id of the room to place when one is created. */
  readonly newRoomId: string;
  /** How long a placed room is listed before its process reports it (ms). */
  readonly pendingTtlMs: number;
}

/** A reserved seat. */
export interface Reservation {
  readonly roomId: string;
  readonly type: string;
  readonly processId: string;
  /** The process's WebSocket base URL. */
  readonly url: string;
  /** Whether the room was placed by this reservation. */
  readonly created: boolean;
}

/** Why no seat was reserved. */
export type ReserveFailure = 'not_found' | 'full' | 'locked' | 'no_process' | 'exists';

/** A message handler of `subscribe`. */
export type MessageHandler = (message: string) => void;

/** Presence: room and process registry, seat ledger and pub/sub. All methods may reject when the store is unreachable. */
export interface Presence {
  /** Registers or refreshes a process for `ttlMs`. */
  registerProcess(info: ProcessInfo, ttlMs: number): Promise<void>;
  unregisterProcess(id: string): Promise<void>;
  /** Live processes, by id. */
  listProcesses(): Promise<ProcessInfo[]>;
  /**
   * Registers or refreshes a room for `ttlMs`. When the room is unknown (first report, or the store
   * lost it), its seats start at `occupied`; otherwise `change` is added to them. Resolves with the
   * room's seats after the update.
   */
  syncRoom(state: RoomState, ttlMs: number): Promise<number>;
  removeRoom(id: string): Promise<void>;
  /** Reserves one seat atomically: never past a room's `maxClients`, never in a locked room. */
  reserveSeat(request: ReserveRequest): Promise<Reservation | ReserveFailure>;
  /** Uses a seat token once: true if it held an unexpired seat in `roomId` (the seat stays held). */
  consumeSeat(roomId: string, token: string): Promise<boolean>;
  /**
   * Takes a seat in `roomId` for a client that came without a token: 'ok', 'full', 'locked', or
   * 'unknown' when the room is not listed (yet).
   */
  claimSeat(roomId: string): Promise<'ok' | 'full' | 'locked' | 'unknown'>;
  /** Listed rooms (of `type`, or all), in id order; expired reservations are given back first. */
  listRooms(type?: string): Promise<RoomListing[]>;
  /** Sends `message` to every subscriber of `channel` (in every process). */
  publish(channel: string, message: string): Promise<void>;
  /** Calls `handler` for each message on `channel`; resolves with an unsubscribe function. */
  subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>>;
  /** Closes connections; the presence is unusable afterwards. */
  close(): Promise<void>;
}

/** The channel a process listens on for commands (create a room, tell a room). */
export function processChannel(processId: string): string {
  return `process:${processId}`;
}

/** The channel on which room changes are announced (`+<roomId>` / `-<roomId>`). */
export const ROOMS_CHANNEL = 'rooms';

/** Whether `metadata` has every value of `criteria` (compared as strings, as Redis stores them). */
export function matchesCriteria(metadata: Readonly<Record<string, unknown>>, criteria: Readonly<Record<string, Criterion>>): boolean {
  for (const [key, value] of Object.entries(criteria))
    if (metadata[key] === undefined || metadata[key] === null || String(metadata[key]) !== String(value)) return false;
  return true;
}
