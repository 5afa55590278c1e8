import { Signal, systemClock, type Clock } from '../../core/index.js';
import {
  matchesCriteria,
  type MessageHandler,
  type Presence,
  type ProcessInfo,
  type Reservation,
  type ReserveFailure,
  type ReserveRequest,
  type RoomListing,
  type RoomState,
} from './presence.js';

interface RoomEntry {
  listing: RoomListing;
  seats: number;
  expiresAtMs: number;
  /** Unused seat tokens and when they expire. */
  readonly reservations: Map<string, number>;
}

/**
 * Presence for one process, in memory: no setup, the default. Same rules as `RedisPresence`
 * (see presence.ts), on an injected clock, so a single-process game, the samples and the
 * deterministic tests need no Redis. Atomic because JavaScript runs each call to the end.
 */
export class MemoryPresence implements Presence {
  readonly #clock: Clock;
  readonly #processes = new Map<string, { info: ProcessInfo; expiresAtMs: number }>();
  readonly #rooms = new Map<string, RoomEntry>();
  readonly #channels = new Map<string, Signal<[message: string]>>();

  constructor(options: { clock?: Clock } = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  async registerProcess(info: ProcessInfo, ttlMs: number): Promise<void> {
    this.#processes.set(info.id, { info, expiresAtMs: this.#clock.nowMs() + ttlMs });
  }

  async unregisterProcess(id: string): Promise<void> {
    this.#processes.delete(id);
  }

  async listProcesses(): Promise<ProcessInfo[]> {
    this.#expire();
    return [...this.#processes.values()].map((p) => p.info).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async syncRoom(state: RoomState, ttlMs: number): Promise<number> {
    this.#expire();
    const now = this.#clock.nowMs();
    let entry = this.#rooms.get(state.id);
    if (entry === undefined) {
      entry = { listing: null as unknown as RoomListing, seats: state.occupied, expiresAtMs: 0, reservations: new Map() };
      this.#rooms.set(state.id, entry);
    } else {
      this.#purge(entry, now);
      entry.seats = Math.max(0, entry.seats + state.change);
    }
    entry.expiresAtMs = now + ttlMs;
    entry.listing = {
      id: state.id,
      type: state.type,
      processId: state.processId,
      url: state.url,
      seats: entry.seats,
      clients: state.occupied,
      maxClients: state.maxClients,
      locked: state.locked,
      metadata: { ...state.metadata },
      pending: false,
      endpoints: { ...state.endpoints },
    };
    return entry.seats;
  }

  async removeRoom(id: string): Promise<void> {
    this.#rooms.delete(id);
  }

  async reserveSeat(request: ReserveRequest): Promise<Reservation | ReserveFailure> {
    this.#expire();
    const now = this.#clock.nowMs();
    const criteria = request.criteria ?? {};
    let entry: RoomEntry | undefined;
    if (request.mode === 'join') {
      entry = this.#rooms.get(request.roomId ?? '');
      if (entry === undefined || !this.#processAlive(entry.listing.processId, now)) return 'not_found';
      this.#purge(entry, now);
      if (entry.listing.locked) return 'locked';
      if (entry.seats >= entry.listing.maxClients) return 'full';
    } else if (request.mode === 'join-or-create') {
      let best: RoomEntry | undefined;
      for (const candidate of [...this.#rooms.values()].sort((a, b) => (a.listing.id < b.listing.id ? -1 : 1))) {
        const l = candidate.listing;
        if (l.type !== request.type || l.locked || !this.#processAlive(l.processId, now) || !matchesCriteria(l.metadata, criteria))
          continue;
        this.#purge(candidate, now);
        if (candidate.seats >= l.maxClients) continue;
        if (best === undefined || candidate.seats > best.seats) best = candidate;
      }
      entry = best;
    }
    let created = false;
    if (entry === undefined) {
      if (this.#rooms.has(request.newRoomId)) return 'exists';
      const process = this.#placement(request.type);
      if (process === null) return 'no_process';
      const maxClients = process.types[request.type]!;
      entry = {
        listing: {
          id: request.newRoomId,
          type: request.type,
          processId: process.id,
          url: process.url,
          seats: 0,
          clients: 0,
          maxClients,
          locked: false,
          metadata: { ...criteria },
          pending: true,
          endpoints: {},
        },
        seats: 0,
        expiresAtMs: now + request.pendingTtlMs,
        reservations: new Map(),
      };
      this.#rooms.set(request.newRoomId, entry);
      const record = this.#processes.get(process.id)!;
      record.info = { ...record.info, rooms: record.info.rooms + 1 };
      created = true;
    }
    entry.seats++;
    entry.reservations.set(request.token, now + request.seatTtlMs);
    entry.listing = { ...entry.listing, seats: entry.seats };
    const l = entry.listing;
    return { roomId: l.id, type: l.type, processId: l.processId, url: l.url, created };
  }

  async consumeSeat(roomId: string, token: string): Promise<boolean> {
    this.#expire();
    const entry = this.#rooms.get(roomId);
    if (entry === undefined) return false;
    const expiresAtMs = entry.reservations.get(token);
    if (expiresAtMs === undefined) return false;
    if (expiresAtMs <= this.#clock.nowMs()) {
      this.#purge(entry, this.#clock.nowMs());
      return false;
    }
    entry.reservations.delete(token);
    return true;
  }

  async claimSeat(roomId: string): Promise<'ok' | 'full' | 'locked' | 'unknown'> {
    this.#expire();
    const entry = this.#rooms.get(roomId);
    if (entry === undefined) return 'unknown';
    this.#purge(entry, this.#clock.nowMs());
    if (entry.listing.locked) return 'locked';
    if (entry.seats >= entry.listing.maxClients) return 'full';
    entry.seats++;
    entry.listing = { ...entry.listing, seats: entry.seats };
    return 'ok';
  }

  async listRooms(type?: string): Promise<RoomListing[]> {
    this.#expire();
    const now = this.#clock.nowMs();
    const out: RoomListing[] = [];
    for (const entry of this.#rooms.values()) {
      if (type !== undefined && entry.listing.type !== type) continue;
      this.#purge(entry, now);
      out.push(entry.listing);
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async publish(channel: string, message: string): Promise<void> {
    this.#channels.get(channel)?.emit(message);
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    let signal = this.#channels.get(channel);
    if (signal === undefined) {
      signal = new Signal<[message: string]>();
      this.#channels.set(channel, signal);
    }
    const off = signal.connect(handler);
    return async () => off();
  }

  async close(): Promise<void> {
    this.#channels.clear();
  }

  #processAlive(id: string, now: number): boolean {
    const p = this.#processes.get(id);
    return p !== undefined && p.expiresAtMs > now;
  }

  /** The live process hosting `type` with the fewest rooms (ties: lowest id). */
  #placement(type: string): ProcessInfo | null {
    let best: ProcessInfo | null = null;
    for (const { info } of [...this.#processes.values()].sort((a, b) => (a.info.id < b.info.id ? -1 : 1))) {
      if (info.types[type] === undefined) continue;
      if (best === null || info.rooms < best.rooms) best = info;
    }
    return best;
  }

  /** Gives back the seats of expired reservations. */
  #purge(entry: RoomEntry, now: number): void {
    let freed = 0;
    for (const [token, expiresAtMs] of entry.reservations) {
      if (expiresAtMs > now) continue;
      entry.reservations.delete(token);
      freed++;
    }
    if (freed === 0) return;
    entry.seats = Math.max(0, entry.seats - freed);
    entry.listing = { ...entry.listing, seats: entry.seats };
  }

  #expire(): void {
    const now = this.#clock.nowMs();
    for (const [id, p] of this.#processes) if (p.expiresAtMs <= now) this.#processes.delete(id);
    for (const [id, r] of this.#rooms) if (r.expiresAtMs <= now) this.#rooms.delete(id);
  }
}
