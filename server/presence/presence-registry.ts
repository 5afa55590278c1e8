import { hostname } from 'node:os';
import { Signal, cryptoRng, silentLogger, type Logger, type Rng } from '../../core/index.js';
import type { Admission, GameServer } from '../game-server.js';
import type { RoomRequest } from '../room-path.js';
import type { Room } from '../room.js';
import { SEAT_PARAM, SEAT_TOKEN_PATTERN } from './matchmaker.js';
import { processChannel, ROOMS_CHANNEL, type Presence } from './presence.js';

/** Options of `PresenceRegistry`. */
export interface PresenceRegistryOptions {
  /** Public WebSocket base URL of this process (`ws://host:port`), what clients are sent to. */
  readonly url: string;
  /** Unique id of this process (default: host name, pid and random bytes). */
  readonly processId?: string;
  /** How often the process and its rooms are reported (ms, default 1000). */
  readonly heartbeatMs?: number;
  /** How long an entry outlives its last report (ms, default 5000): a process that dies leaves the list after this. */
  readonly ttlMs?: number;
  /** Host that ENet clients reach this process's rooms at (default: the host of `url`). */
  readonly enetHost?: string;
  /** Refuse WebSocket joins that carry no seat token (default false: they take a seat directly when one is free). */
  readonly requireSeat?: boolean;
  readonly logger?: Logger;
  readonly rng?: Rng;
}

/** Seats of one room that the store counted and the last report has not settled. */
interface Ledger {
  /** Clients in the room at the last successful report. */
  reported: number;
  /** Clients admitted since, whose seat the store already holds (a used token, a claimed seat). */
  counted: number;
}

/**
 * Connects a GameServer to a presence: registers the process and its rooms, heartbeats them
 * (`heartbeatMs`, entries expire `ttlMs` after the last one), checks seat tokens on every WebSocket
 * join (`?seat=<token>` in the URL, so a stock Godot client works), gives seats back when clients
 * leave, and runs the commands other processes send (open a placed room, tell a room).
 * When the store is lost, heartbeats fail quietly (logged once) and everything is registered again
 * as soon as a heartbeat gets through.
 */
export class PresenceRegistry {
  /** Another process told one of our rooms something (`Matchmaker.tellRoom`). */
  readonly told = new Signal<[room: Room, data: unknown]>();
  readonly processId: string;
  readonly #server: GameServer;
  readonly #presence: Presence;
  readonly #url: string;
  readonly #enetHost: string;
  readonly #heartbeatMs: number;
  readonly #ttlMs: number;
  readonly #requireSeat: boolean;
  readonly #log: Logger;
  readonly #ledgers = new Map<string, Ledger>();
  readonly #announced = new Set<string>();
  readonly #offs: Array<() => void> = [];
  #unsubscribe: (() => Promise<void>) | null = null;
  #subscribed: Promise<unknown> = Promise.resolve();
  #timer: ReturnType<typeof setInterval> | null = null;
  #syncing: Promise<void> | null = null;
  #again = false;
  #failing = false;
  #stopped = false;

  constructor(server: GameServer, presence: Presence, options: PresenceRegistryOptions) {
    this.#server = server;
    this.#presence = presence;
    this.#url = options.url.replace(/\/$/, '');
    this.#enetHost = options.enetHost ?? new URL(this.#url).hostname;
    const rng = options.rng ?? cryptoRng;
    this.processId = options.processId ?? `${hostname()}-${process.pid}-${rng.nextUint32().toString(16).padStart(8, '0')}`;
    this.#heartbeatMs = options.heartbeatMs ?? 1000;
    this.#ttlMs = options.ttlMs ?? 5000;
    this.#requireSeat = options.requireSeat ?? false;
    this.#log = options.logger ?? silentLogger;
    if (!(this.#ttlMs > this.#heartbeatMs))
      throw new RangeError(`ttlMs (${this.#ttlMs}) must be longer than heartbeatMs (${this.#heartbeatMs}).`);
  }

  /**
   * Installs the seat check, registers the process and its rooms, and starts heartbeating.
   * Never throws for an unreachable store: it logs and keeps trying at every heartbeat.
   * `subscribed` resolves once commands from other processes can arrive.
   */
  async start(): Promise<void> {
    const admission: Admission = (request, target) => this.#admit(request, target);
    this.#server.admission = admission;
    for (const room of this.#server.roomList()) this.#watch(room);
    this.#offs.push(
      this.#server.roomCreated.connect((room) => {
        this.#watch(room);
        this.sync();
      }),
      this.#server.roomDisposed.connect((room) => void this.#forget(room.id)),
    );
    const reconnected = (this.#presence as { reconnected?: Signal }).reconnected;
    if (reconnected instanceof Signal) this.#offs.push(reconnected.connect(() => this.sync()));
    // Not awaited: on a store that is down, the subscription completes once it is back.
    this.#subscribed = this.#presence
      .subscribe(processChannel(this.processId), (m) => this.#onCommand(m))
      .then(
        (off) => (this.#unsubscribe = off),
        (err: Error) => this.#log.warn(`presence: cannot subscribe to commands (${err.message}).`),
      );
    this.#timer = setInterval(() => this.sync(), this.#heartbeatMs);
    this.#timer.unref?.();
    await this.sync();
  }

  /** Resolves once this process receives commands from other processes (after `start`). */
  get subscribed(): Promise<unknown> {
    return this.#subscribed;
  }

  /** Reports the process and every room now (the heartbeat). Resolves when done; never rejects. */
  sync(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#syncing !== null) {
      this.#again = true;
      return this.#syncing;
    }
    this.#syncing = (async () => {
      do {
        this.#again = false;
        await this.#syncOnce();
      } while (this.#again && !this.#stopped);
      this.#syncing = null;
    })();
    return this.#syncing;
  }

  /** Stops heartbeating and removes the process and its rooms from the presence. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    for (const off of this.#offs.splice(0)) off();
    if (this.#server.admission !== null) this.#server.admission = null;
    await this.#syncing;
    if (this.#unsubscribe !== null) await this.#unsubscribe().catch(() => {});
    else void this.#subscribed.then(() => this.#unsubscribe?.()).catch(() => {});
    try {
      for (const room of this.#server.roomList()) await this.#presence.removeRoom(room.id);
      await this.#presence.unregisterProcess(this.processId);
    } catch (err) {
      this.#log.warn(`presence: could not unregister (${(err as Error).message}); the entries expire in ${this.#ttlMs} ms.`);
    }
  }

  async #syncOnce(): Promise<void> {
    const server = this.#server;
    try {
      const types: Record<string, number> = {};
      for (const name of server.roomTypes()) types[name] = server.getRoomType(name)!.maxClients;
      const rooms = server.roomList().filter((r) => !r.isDisposed);
      await this.#presence.registerProcess({ id: this.processId, url: this.#url, types, rooms: rooms.length }, this.#ttlMs);
      for (const room of rooms) {
        const ledger = this.#ledger(room.id);
        const occupied = room.clientCount;
        const counted = ledger.counted;
        const change = occupied - ledger.reported - counted;
        await this.#presence.syncRoom(
          {
            id: room.id,
            type: room.type.name,
            processId: this.processId,
            url: this.#url,
            maxClients: room.maxClients,
            locked: room.locked || server.draining,
            metadata: room.metadata,
            occupied,
            change,
            endpoints: {
              ws: `${this.#url}/${room.id}`,
              ...(room.enetPort !== null ? { enet: `enet://${this.#enetHost}:${room.enetPort}` } : {}),
            },
          },
          this.#ttlMs,
        );
        // Admissions that happened while the report was in flight stay counted for the next one.
        ledger.reported = occupied;
        ledger.counted -= counted;
        if (!this.#announced.has(room.id)) {
          this.#announced.add(room.id);
          void this.#presence.publish(ROOMS_CHANNEL, `+${room.id}`).catch(() => {});
        }
      }
      if (this.#failing) this.#log.info('presence: reports get through again; process and rooms registered.');
      this.#failing = false;
    } catch (err) {
      if (!this.#failing) this.#log.warn(`presence: report failed (${(err as Error).message}); retrying every ${this.#heartbeatMs} ms.`);
      this.#failing = true;
    }
  }

  #ledger(roomId: string): Ledger {
    let ledger = this.#ledgers.get(roomId);
    if (ledger === undefined) {
      ledger = { reported: 0, counted: 0 };
      this.#ledgers.set(roomId, ledger);
    }
    return ledger;
  }

  /** Reports a room again as soon as one of its clients leaves, so the seat is free at once. */
  #watch(room: Room): void {
    const off = room.multiplayer.peerDisconnected.connect(() => this.sync());
    room.disposed.connect(off, { once: true });
  }

  async #forget(roomId: string): Promise<void> {
    this.#ledgers.delete(roomId);
    this.#announced.delete(roomId);
    if (this.#stopped) return;
    try {
      await this.#presence.removeRoom(roomId);
      await this.#presence.publish(ROOMS_CHANNEL, `-${roomId}`);
    } catch {
      // The store is unreachable: the entry expires by itself.
    }
  }

  /** The seat check of every WebSocket join. */
  async #admit(
    request: RoomRequest,
    target: string,
  ): Promise<{ refuse: 'bad_seat' | 'full' | 'locked'; reason: string } | { admitted(room: Room | null): void }> {
    const query = target.indexOf('?');
    const token = query === -1 ? null : new URLSearchParams(target.slice(query + 1)).get(SEAT_PARAM);
    const roomId = request.kind === 'quick-join' ? null : request.roomId;
    if (token !== null) {
      if (roomId === null || !SEAT_TOKEN_PATTERN.test(token)) return { refuse: 'bad_seat', reason: 'malformed seat token' };
      let ok: boolean;
      try {
        ok = await this.#presence.consumeSeat(roomId, token);
      } catch (err) {
        this.#log.warn(`presence: a seat could not be checked (${(err as Error).message}).`);
        return { refuse: 'bad_seat', reason: 'seat could not be checked, try again' };
      }
      if (!ok) return { refuse: 'bad_seat', reason: 'seat token unknown, used or expired' };
      return { admitted: (room) => this.#settle(roomId, room, true) };
    }
    if (this.#requireSeat || roomId === null) return { refuse: 'bad_seat', reason: 'a seat token is required: ask the matchmaker' };
    let claim: 'ok' | 'full' | 'locked' | 'unknown';
    try {
      claim = await this.#presence.claimSeat(roomId);
    } catch {
      claim = 'unknown'; // the store is unreachable: admit on the room's own limits, counted at the next report
    }
    if (claim === 'full') return { refuse: 'full', reason: 'room is full (seats reserved)' };
    if (claim === 'locked') return { refuse: 'locked', reason: 'room is locked' };
    return { admitted: (room) => this.#settle(roomId, room, claim === 'ok') };
  }

  /** Where an admitted join went: its seat, if the store counted it, is settled at the next report. */
  #settle(roomId: string, room: Room | null, counted: boolean): void {
    if (!counted) return;
    if (room !== null && room.id === roomId) {
      this.#ledger(roomId).counted++;
      return;
    }
    // Refused after its seat was taken (the room was gone, full or locked here): give it back.
    const ledger = this.#ledgers.get(roomId);
    if (ledger !== undefined) {
      ledger.counted++; // not in the room: the next report gives the seat back
      this.sync();
    }
  }

  #onCommand(message: string): void {
    let command: { op?: unknown; type?: unknown; roomId?: unknown; metadata?: unknown; data?: unknown };
    try {
      command = JSON.parse(message) as typeof command;
    } catch {
      this.#log.warn('presence: ignored a command that is not JSON.');
      return;
    }
    if (command.op === 'create' && typeof command.type === 'string' && typeof command.roomId === 'string') {
      if (this.#server.getRoom(command.roomId) !== null) return;
      const metadata =
        command.metadata !== null && typeof command.metadata === 'object' ? (command.metadata as Record<string, unknown>) : {};
      this.#server.createRoom(command.type, { id: command.roomId, metadata }).catch((err: Error) => {
        // The client's join (`/<type>/<roomId>`) may have created it first: that is fine.
        if (this.#server.getRoom(command.roomId as string) === null)
          this.#log.warn(`presence: cannot open room ${String(command.roomId)}: ${err.message}`);
      });
      return;
    }
    if (command.op === 'tell' && typeof command.roomId === 'string') {
      const room = this.#server.getRoom(command.roomId);
      if (room !== null) this.told.emit(room, command.data);
      return;
    }
    this.#log.warn(`presence: ignored an unknown command (${String(command.op).slice(0, 40)}).`);
  }
}
