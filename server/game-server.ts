import {
  ErrorCode,
  MultiplayerError,
  Signal,
  cryptoRng,
  randomInt,
  silentLogger,
  systemClock,
  type Clock,
  type Logger,
  type Rng,
} from '../core/index.js';
import { ENetMultiplayerPeer } from '../plugins/enet/index.js';
import type { VirtualNetwork } from '../plugins/loopback/index.js';
import { installServerPolicy } from '../scenetree/index.js';
import { JoinRefusal, RoomCloseCode } from './close-codes.js';
import { WebSocketServer } from 'ws';
import { HttpFront, type UpgradeArgs } from './http-front.js';
import { MAX_MESSAGE_BYTES } from './signaling/signaling-protocol.js';
import { MAX_LOBBY_PEERS, SignalingServer } from './signaling/signaling-server.js';
import { Room, type RoomInfo } from './room.js';
import { parseRoomPath, type RoomRequest } from './room-path.js';
import { isRoomName, mergeLimits, roomType, type ResumeOptions, type RoomType, type RoomTypeOptions } from './room-type.js';
import type { MultiplayerLimits } from '../scenetree/index.js';

/** ENet settings of a game server: each room listens on its own port. */
export interface EnetOptions {
  /** Address the rooms' ENet hosts bind (default '127.0.0.1'). */
  readonly host?: string;
  /** Ports to give rooms, inclusive (default: each room binds port 0, a free ephemeral port). */
  readonly ports?: readonly [first: number, last: number];
}

/** Options of a GameServer; all optional. */
export interface GameServerOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly rng?: Rng;
  /** Most rooms at once (default 100). */
  readonly maxRooms?: number;
  /** Frames per second of the real-time loop `start()` runs (default 60). */
  readonly fps?: number;
  /** ENet per room; omit for WebSocket only. */
  readonly enet?: EnetOptions;
  /**
   * Hosts WebRTC signaling lobbies (Godot's webrtc_signaling demo protocol) at `/.signaling` on the
   * WebSocket port; `rooms()` lists them as `webrtc-lobby` rows (default false).
   */
  readonly signaling?: boolean;
  /**
   * Session resume for clients that join with `?session` (`connectToRoom`), for every room type that
   * does not override it: `{ enabled: true, graceMs: 10_000 }` by default. Resume tokens come from `rng`.
   */
  readonly resume?: ResumeOptions;
  /**
   * Also hosts every room on this loopback VirtualNetwork, at `roomLoopbackAddress(roomId)`
   * (`connectToLoopbackRoom` joins it): with the network's ManualClock as `clock` and seeded `rng`s,
   * a whole server (rooms, sessions and resumes) runs deterministically in virtual time.
   */
  readonly loopback?: VirtualNetwork;
  /**
   * Budgets of every room's SceneMultiplayer (`limits`), over `DEFAULT_LIMITS`; a room type's own
   * `limits` go over these key by key. `UNLIMITED` turns them off (e.g. for a benchmark).
   */
  readonly limits?: Partial<MultiplayerLimits>;
  /** Every room pings its WebSocket clients this often to measure their RTT (ms, default 2 000; 0: never). */
  readonly wsPingIntervalMs?: number;
}

/** The WebSocket path of the signaling lobbies (never a room id: ids have no dots). */
export const SIGNALING_PATH = '/.signaling';

/**
 * A gate consulted before a WebSocket join is routed (a presence registry checks seat tokens
 * there): it refuses the join, or admits it and is told where the client went (`room`, or null
 * when the join was refused or failed afterwards).
 */
export type Admission = (
  request: RoomRequest,
  target: string,
) => Promise<{ refuse: JoinRefusal; reason: string } | { admitted(room: Room | null): void }>;

/** Options of `createRoom`. */
export interface CreateRoomOptions {
  /** The room's id (default: 8 random characters). */
  readonly id?: string;
  readonly metadata?: Record<string, unknown>;
  /** Overrides the type's `emptyGraceMs` (Infinity: a standing room that is never disposed for being empty). */
  readonly emptyGraceMs?: number;
}

/** Options of `shutdown`. */
export interface ShutdownOptions {
  /** How long clients get to leave after being told (ms, default 5000); the rest are then dropped. */
  readonly graceMs?: number;
  /** The close reason clients see (default 'server shutting down'). */
  readonly reason?: string;
}

const ID_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/**
 * Many matches in one process, behind one port per transport. Room types are registered with
 * `define`; rooms are created by the API (`createRoom`) or on a client's first join; clients reach a
 * room by WebSocket URL path (`listen`) or on the room's ENet port. The server runs every room's
 * frame from one loop (`start`, or `tick` by hand with a manual clock) and disposes rooms left empty
 * past their type's grace period.
 */
export class GameServer {
  readonly roomCreated = new Signal<[room: Room]>();
  readonly roomDisposed = new Signal<[room: Room]>();
  /** A WebSocket join was refused (`reason` is a `JoinRefusal` key). */
  readonly joinRefused = new Signal<[reason: JoinRefusal, path: string]>();
  /** After each `tick`: how long it took (ms of wall time) for every room. */
  readonly ticked = new Signal<[ms: number]>();
  /** Consulted before each WebSocket join is routed (null: every join is routed). */
  admission: Admission | null = null;

  readonly clock: Clock;
  readonly #log: Logger;
  readonly #rng: Rng;
  readonly #maxRooms: number;
  readonly #fps: number;
  readonly #enet: EnetOptions | null;
  readonly #resume: ResumeOptions;
  readonly #loopback: VirtualNetwork | null;
  readonly #wsPingIntervalMs: number;
  readonly #limits: Partial<MultiplayerLimits>;
  readonly #types = new Map<string, RoomType>();
  readonly #rooms = new Map<string, Room>();
  readonly #creating = new Map<string, Promise<Room>>();
  readonly #emptySince = new Map<Room, number>();
  #front: HttpFront | null = null;
  readonly #signaling: SignalingServer | null;
  readonly #signalingWss: WebSocketServer | null;
  #loop: ReturnType<typeof setInterval> | null = null;
  #lastTick = 0;
  #draining = false;

  constructor(options: GameServerOptions = {}) {
    // Every room's SceneMultiplayer gets stats, limits and typed argument checks (browser clients do not bundle them).
    installServerPolicy();
    this.clock = options.clock ?? systemClock;
    this.#log = options.logger ?? silentLogger;
    this.#rng = options.rng ?? cryptoRng;
    this.#maxRooms = options.maxRooms ?? 100;
    this.#fps = options.fps ?? 60;
    this.#enet = options.enet ?? null;
    this.#resume = options.resume ?? {};
    this.#loopback = options.loopback ?? null;
    this.#wsPingIntervalMs = options.wsPingIntervalMs ?? 2000;
    this.#limits = mergeLimits(options.limits);
    if (!(this.#wsPingIntervalMs >= 0)) throw new RangeError(`wsPingIntervalMs must be >= 0, got ${this.#wsPingIntervalMs}.`);
    this.#signaling = options.signaling === true ? new SignalingServer({ clock: this.clock, log: (line) => this.#log.info(line) }) : null;
    this.#signalingWss =
      options.signaling === true
        ? new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false, maxPayload: 4 * MAX_MESSAGE_BYTES })
        : null;
    if (!Number.isInteger(this.#maxRooms) || this.#maxRooms < 1)
      throw new RangeError(`maxRooms must be a positive integer, got ${this.#maxRooms}.`);
    if (!(this.#fps > 0)) throw new RangeError(`fps must be positive, got ${this.#fps}.`);
  }

  /** Registers a room type. Throws on a bad or duplicate name. */
  define(name: string, options: RoomTypeOptions): this {
    if (!isRoomName(name)) throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, `Invalid room type name "${name}".`);
    if (this.#types.has(name)) throw new MultiplayerError(ErrorCode.ERR_ALREADY_EXISTS, `Room type "${name}" is already defined.`);
    this.#types.set(name, roomType(name, options, { resume: this.#resume, limits: this.#limits }));
    return this;
  }

  /** Whether `shutdown` has begun. */
  get draining(): boolean {
    return this.#draining;
  }

  get maxRooms(): number {
    return this.#maxRooms;
  }

  /** The registered room type names. */
  roomTypes(): string[] {
    return [...this.#types.keys()];
  }

  /** A registered room type, or null. */
  getRoomType(name: string): RoomType | null {
    return this.#types.get(name) ?? null;
  }

  /**
   * Opens the WebSocket front door on `host:port` (0 picks a free port: see `getLocalPort`).
   * Resolves OK, ERR_ALREADY_IN_USE, or ERR_CANT_CREATE when the port cannot be bound.
   */
  async listen(port = 0, host = '127.0.0.1'): Promise<ErrorCode> {
    if (this.#front !== null || this.#draining) return ErrorCode.ERR_ALREADY_IN_USE;
    const front = new HttpFront({ upgrade: (args) => void this.#route(args) });
    const result = await front.listen(port, host);
    if (result.error !== ErrorCode.OK) {
      this.#log.error(`GameServer: cannot listen on ${host}:${port}: ${result.message}`);
      return result.error;
    }
    this.#front = front;
    return ErrorCode.OK;
  }

  /** The WebSocket port (after `listen`), else 0. */
  getLocalPort(): number {
    return this.#front?.port ?? 0;
  }

  /** A room by id, or null. */
  getRoom(id: string): Room | null {
    return this.#rooms.get(id) ?? null;
  }

  /** Every room's listing, in creation order, then the WebRTC signaling lobbies. */
  rooms(): RoomInfo[] {
    const rows = [...this.#rooms.values()].map((room) => room.info());
    for (const lobby of this.#signaling?.lobbyList() ?? []) {
      rows.push({
        kind: 'webrtc-lobby',
        id: lobby.code,
        type: 'webrtc',
        clients: lobby.peers,
        maxClients: MAX_LOBBY_PEERS,
        locked: lobby.sealed,
        metadata: { mesh: lobby.mesh, hostId: lobby.hostId },
        createdAtMs: lobby.createdAtMs,
        endpoints: { ws: SIGNALING_PATH, enet: null },
      });
    }
    return rows;
  }

  /** The rooms themselves (for metrics and tests). */
  roomList(): Room[] {
    return [...this.#rooms.values()];
  }

  /**
   * Creates a room of `type`. Throws MultiplayerError: ERR_DOES_NOT_EXIST (unknown type),
   * ERR_INVALID_PARAMETER (bad id), ERR_ALREADY_EXISTS (id taken), ERR_OUT_OF_MEMORY (`maxRooms`
   * reached), ERR_UNAVAILABLE (shutting down), ERR_CANT_CREATE (no ENet port free).
   */
  async createRoom(type: string, options: CreateRoomOptions = {}): Promise<Room> {
    const roomTypeDef = this.#types.get(type);
    if (roomTypeDef === undefined) throw new MultiplayerError(ErrorCode.ERR_DOES_NOT_EXIST, `Unknown room type "${type}".`);
    const id = options.id ?? this.#freshId();
    if (!isRoomName(id)) throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, `Invalid room id "${id}".`);
    if (this.#draining) throw new MultiplayerError(ErrorCode.ERR_UNAVAILABLE, 'The server is shutting down.');
    if (this.#rooms.has(id) || this.#creating.has(id))
      throw new MultiplayerError(ErrorCode.ERR_ALREADY_EXISTS, `Room "${id}" already exists.`);
    if (this.#rooms.size + this.#creating.size >= this.#maxRooms)
      throw new MultiplayerError(ErrorCode.ERR_OUT_OF_MEMORY, `The server hosts its maximum of ${this.#maxRooms} rooms.`);
    const creating = Room.create({
      id,
      type: roomTypeDef,
      clock: this.clock,
      logger: this.#log,
      rng: this.#rng,
      wsPingIntervalMs: this.#wsPingIntervalMs,
      ...(this.#loopback !== null ? { loopback: this.#loopback } : {}),
      ...(options.metadata !== undefined ? { metadata: options.metadata } : {}),
      ...(options.emptyGraceMs !== undefined ? { emptyGraceMs: options.emptyGraceMs } : {}),
      ...(this.#enet !== null ? { bindEnet: (maxClients: number) => this.#bindEnet(maxClients) } : {}),
    });
    this.#creating.set(id, creating);
    let room: Room;
    try {
      room = await creating;
    } finally {
      this.#creating.delete(id);
    }
    if (this.#draining) {
      room.dispose(RoomCloseCode.SHUTTING_DOWN, 'server shutting down');
      throw new MultiplayerError(ErrorCode.ERR_UNAVAILABLE, 'The server is shutting down.');
    }
    this.#rooms.set(id, room);
    this.#emptySince.set(room, this.clock.nowMs());
    // A room may also dispose itself (a match that is over): forget it then too.
    room.disposed.connect(() => this.#forget(room), { once: true });
    this.#log.info(`GameServer: room ${id} (${type}) created${room.enetPort !== null ? `, ENet port ${room.enetPort}` : ''}.`);
    this.roomCreated.emit(room);
    return room;
  }

  /** Closes a room now: its clients get `CLOSED` (WebSocket) or a disconnect (ENet). False if unknown. */
  disposeRoom(id: string): boolean {
    const room = this.#rooms.get(id);
    if (room === undefined) return false;
    this.#remove(room, RoomCloseCode.CLOSED, 'room closed');
    return true;
  }

  /**
   * One frame for every room (`delta` seconds; default: the time since the last tick), then disposes
   * rooms that have been empty for their type's grace period.
   */
  tick(delta?: number): void {
    const start = performance.now();
    const now = this.clock.nowMs();
    const seconds = delta ?? (this.#lastTick === 0 ? 1 / this.#fps : Math.max(0, now - this.#lastTick) / 1000);
    this.#lastTick = now;
    for (const room of [...this.#rooms.values()]) {
      room.tick(seconds);
      if (room.clientCount > 0) {
        this.#emptySince.delete(room);
        continue;
      }
      const since = this.#emptySince.get(room);
      if (since === undefined) this.#emptySince.set(room, now);
      else if (!this.#draining && now - since >= room.emptyGraceMs) {
        this.#log.info(`GameServer: room ${room.id} empty for ${room.emptyGraceMs} ms: disposed.`);
        this.#remove(room, RoomCloseCode.CLOSED, 'room closed');
      }
    }
    this.ticked.emit(performance.now() - start);
  }

  /** Runs `tick` in real time, `fps` times a second, until `shutdown`. */
  start(): void {
    if (this.#loop !== null) return;
    this.#lastTick = this.clock.nowMs();
    this.#loop = setInterval(() => this.#safeTick(), 1000 / this.#fps);
  }

  /**
   * Drains and stops: refuses new clients (`SHUTTING_DOWN`), stops listening, tells every client why
   * (a WebSocket close frame with `SHUTTING_DOWN` and `reason`, sent after what was already queued;
   * an ENet disconnect once the reliable queue has drained), keeps running frames until the clients
   * are gone or `graceMs` has passed, then closes every room. Resolves when done.
   */
  async shutdown(options: ShutdownOptions = {}): Promise<void> {
    if (this.#draining) return;
    const graceMs = options.graceMs ?? 5000;
    const reason = options.reason ?? 'server shutting down';
    this.#draining = true;
    const front = this.#front;
    const frontClosed = front?.close() ?? Promise.resolve();
    await Promise.allSettled([...this.#creating.values()]);
    for (const room of this.#rooms.values()) {
      room.lock();
      room.closeClients(RoomCloseCode.SHUTTING_DOWN, reason);
    }
    this.#signaling?.closeAll(RoomCloseCode.SHUTTING_DOWN, reason);
    const deadline = performance.now() + graceMs;
    const busy = (): boolean => this.roomList().some((room) => room.clientCount > 0) || (this.#signaling?.memberCount ?? 0) > 0;
    while (busy() && performance.now() < deadline) {
      if (this.#loop === null) this.#safeTick();
      await new Promise((resolve) => setTimeout(resolve, 1000 / this.#fps));
    }
    if (this.#loop !== null) clearInterval(this.#loop);
    this.#loop = null;
    for (const room of [...this.#rooms.values()]) this.#remove(room, RoomCloseCode.SHUTTING_DOWN, reason);
    await this.#signaling?.close();
    this.#front = null;
    // The grace is over: a connection whose closing handshake has not finished is cut, so the HTTP
    // server can close and the drain ends within its grace.
    front?.destroyConnections();
    await frontClosed;
  }

  #safeTick(): void {
    try {
      this.tick();
    } catch (err) {
      // A room's script error must not stop every other room: log it and go on.
      this.#log.error(`GameServer: a frame threw: ${(err as Error)?.stack ?? String(err)}`);
    }
  }

  #remove(room: Room, code: number, reason: string): void {
    room.dispose(code, reason); // emits `disposed`, which calls #forget
  }

  #forget(room: Room): void {
    if (this.#rooms.get(room.id) !== room) return;
    this.#rooms.delete(room.id);
    this.#emptySince.delete(room);
    this.roomDisposed.emit(room);
  }

  /** Routes one WebSocket upgrade to a room, or refuses it with a close code. */
  async #route(args: UpgradeArgs): Promise<void> {
    const path = args.request.url ?? '';
    const request = parseRoomPath(path);
    let admitted: ((room: Room | null) => void) | null = null;
    const refuse = (why: JoinRefusal, reason: string): void => {
      admitted?.(null);
      this.#log.info(`GameServer: refused ${path.slice(0, 80)}: ${reason}`);
      this.joinRefused.emit(why, path);
      this.#front?.refuse(args, JoinRefusal[why], reason);
    };
    if (this.#draining) return refuse('shutting_down', 'server shutting down');
    if (this.#signaling !== null && path.split('?')[0] === SIGNALING_PATH) {
      const signaling = this.#signaling;
      return this.#front?.handOver(args, this.#signalingWss!, (ws) => signaling.accept(ws));
    }
    if (request === null) return refuse('bad_url', 'expected /<roomId>, /<type>/<roomId> or /<type>/');
    const query = new URLSearchParams(path.includes('?') ? path.slice(path.indexOf('?') + 1) : '');
    const resumeToken = query.get('resume');
    if (resumeToken !== null) {
      // A resume goes back to the room that holds the session (never creates one) and passes the
      // lock, the seat count and the matchmaker's admission: the paused session still holds its seat.
      const holder = this.#sessionHolder(request, resumeToken);
      if (holder === null) return refuse('resume_refused', 'resume refused: unknown, used or expired token');
      if (holder.offer(args, 'session') !== ErrorCode.OK) args.socket.destroy();
      return;
    }
    if (this.admission !== null) {
      const verdict = await this.admission(request, path);
      if ('refuse' in verdict) return refuse(verdict.refuse, verdict.reason);
      admitted = verdict.admitted;
    }
    let room: Room | JoinRefusal;
    try {
      room = await this.#roomFor(request);
    } catch (err) {
      this.#log.error(`GameServer: creating a room for ${path.slice(0, 80)} failed: ${(err as Error).message}`);
      return refuse(
        MultiplayerError.is(err) && err.code === ErrorCode.ERR_UNAVAILABLE ? 'shutting_down' : 'too_many_rooms',
        'room could not be created',
      );
    }
    if (typeof room === 'string') return refuse(room, REFUSAL_TEXT[room]);
    if (room.locked) return refuse('locked', 'room is locked');
    if (room.clientCount >= room.maxClients) return refuse('full', 'room is full');
    if (room.offer(args, query.has('session') ? 'session' : 'plain') === ErrorCode.OK) return admitted?.(room);
    admitted?.(null);
    args.socket.destroy();
  }

  /** The room whose session `token` (hex) resumes: the room the path names, or for `/<type>/` any room of that type. */
  #sessionHolder(request: RoomRequest, token: string): Room | null {
    if (!/^[0-9a-fA-F]{32}$/.test(token)) return null;
    const candidates =
      request.kind === 'quick-join' ? this.roomList().filter((r) => r.type.name === request.type) : [this.#rooms.get(request.roomId)];
    for (const room of candidates) if (room !== undefined && !room.isDisposed && room.sessionOfToken(token) !== 0) return room;
    return null;
  }

  async #roomFor(request: RoomRequest): Promise<Room | JoinRefusal> {
    if (request.kind === 'join') return this.#rooms.get(request.roomId) ?? (await this.#creating.get(request.roomId)) ?? 'not_found';
    const type = this.#types.get(request.type);
    if (type === undefined) return 'not_found';
    if (request.kind === 'quick-join') {
      const open = [...this.#rooms.values()].filter((r) => r.type === type && !r.locked && r.clientCount < r.maxClients);
      open.sort((a, b) => b.clientCount - a.clientCount);
      if (open[0] !== undefined) return open[0];
    } else {
      const existing = this.#rooms.get(request.roomId) ?? (await this.#creating.get(request.roomId));
      if (existing !== undefined) return existing.type === type ? existing : 'not_found';
    }
    if (!type.createOnJoin) return 'not_found';
    if (this.#rooms.size + this.#creating.size >= this.#maxRooms) return 'too_many_rooms';
    return this.createRoom(type.name, request.kind === 'join-or-create' ? { id: request.roomId } : {});
  }

  #freshId(): string {
    for (;;) {
      let id = '';
      for (let i = 0; i < 8; i++) id += ID_ALPHABET[randomInt(this.#rng, 0, ID_ALPHABET.length - 1)];
      if (!this.#rooms.has(id) && !this.#creating.has(id)) return id;
    }
  }

  /** Binds an ENet server for a room: the first free port of the range, or port 0. */
  async #bindEnet(maxClients: number): Promise<ENetMultiplayerPeer | null> {
    const host = this.#enet?.host ?? '127.0.0.1';
    const [first, last] = this.#enet?.ports ?? [0, 0];
    const taken = new Set(this.roomList().map((r) => r.enetPort));
    for (let port = first; port <= last; port++) {
      if (port !== 0 && taken.has(port)) continue;
      const peer = new ENetMultiplayerPeer({ clock: this.clock, logger: this.#log });
      peer.setBindIp(host);
      if ((await peer.createServer(port, maxClients)) === ErrorCode.OK) return peer;
      peer.close();
    }
    return null;
  }
}

const REFUSAL_TEXT: Record<JoinRefusal, string> = {
  bad_url: 'bad room URL',
  resume_refused: 'resume refused',
  bad_seat: 'no valid seat token',
  not_found: 'no such room',
  full: 'room is full',
  locked: 'room is locked',
  too_many_rooms: 'too many rooms',
  shutting_down: 'server shutting down',
};
