import { Redis, type RedisOptions } from 'ioredis';
import { ErrorCode, MultiplayerError, Signal, silentLogger, type Logger } from '../../core/index.js';
import type {
  MessageHandler,
  Presence,
  ProcessInfo,
  Reservation,
  ReserveFailure,
  ReserveRequest,
  RoomListing,
  RoomState,
} from './presence.js';
import {
  CLAIM_SEAT,
  CONSUME_SEAT,
  LIST_PROCESSES,
  LIST_ROOMS,
  REGISTER_PROCESS,
  REMOVE_ROOM,
  RESERVE_SEAT,
  SYNC_ROOM,
} from './redis-scripts.js';

/** Options of `RedisPresence`. */
export interface RedisPresenceOptions {
  /** `redis://[user:password@]host:port[/db]` (default `redis://127.0.0.1:6379`). */
  readonly url?: string;
  /** Prefix of every key and channel (default `scenenet:`): several games can share one Redis. */
  readonly prefix?: string;
  readonly logger?: Logger;
  /** Longest wait between reconnection attempts (ms, default 2000); attempts back off up to it. */
  readonly maxRetryDelayMs?: number;
  /** Extra ioredis options (TLS, Sentinel…). */
  readonly redis?: RedisOptions;
}

type Script = (...args: Array<string | number>) => Promise<unknown>;

const SCRIPTS = {
  snSyncRoom: SYNC_ROOM,
  snRemoveRoom: REMOVE_ROOM,
  snReserveSeat: RESERVE_SEAT,
  snConsumeSeat: CONSUME_SEAT,
  snClaimSeat: CLAIM_SEAT,
  snListRooms: LIST_ROOMS,
  snRegisterProcess: REGISTER_PROCESS,
  snListProcesses: LIST_PROCESSES,
} as const;

/**
 * Presence on Redis (ioredis): every process of a game shares one Redis. Rooms and processes are
 * hashes with a TTL refreshed by heartbeats, seats are reserved by Lua scripts (redis-scripts.ts),
 * messages go over Redis pub/sub on a second connection. While Redis is unreachable, commands fail
 * fast (the caller retries at its next heartbeat), ioredis reconnects with backoff, and `reconnected`
 * fires once it is back, so the caller can register again (Redis may have restarted empty).
 */
export class RedisPresence implements Presence {
  /** Redis is reachable again after it was lost (or reached for the first time). */
  readonly reconnected = new Signal();
  readonly #prefix: string;
  readonly #log: Logger;
  readonly #redis: Redis;
  readonly #scripts: Record<keyof typeof SCRIPTS, Script>;
  #sub: Redis | null = null;
  readonly #handlers = new Map<string, Set<MessageHandler>>();
  #down = false;
  #closed = false;

  constructor(options: RedisPresenceOptions = {}) {
    this.#prefix = options.prefix ?? 'scenenet:';
    this.#log = options.logger ?? silentLogger;
    const maxDelay = options.maxRetryDelayMs ?? 2000;
    const common: RedisOptions = {
      // Fail a command at once while disconnected: presence calls are retried by their callers
      // (heartbeats) or answered as "unavailable" (joins), never left hanging.
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: (times) => (this.#closed ? null : Math.min(50 * 2 ** Math.min(times, 10), maxDelay)),
      ...options.redis,
    };
    this.#redis = new Redis(options.url ?? 'redis://127.0.0.1:6379', common);
    for (const [name, lua] of Object.entries(SCRIPTS)) this.#redis.defineCommand(name, { numberOfKeys: 0, lua });
    this.#scripts = this.#redis as unknown as Record<keyof typeof SCRIPTS, Script>;
    this.#redis.on('error', (err: Error) => this.#lost(err));
    this.#redis.on('close', () => this.#lost(null));
    this.#redis.on('ready', () => {
      const wasDown = this.#down;
      this.#down = false;
      if (wasDown) this.#log.info('presence: Redis is reachable again.');
      this.reconnected.emit();
    });
  }

  /** Whether the command connection is ready now. */
  get connected(): boolean {
    return this.#redis.status === 'ready';
  }

  /**
   * Waits until Redis answers (ioredis keeps retrying with backoff); rejects with ERR_CANT_CONNECT
   * after `timeoutMs`. The presence stays usable either way: it connects whenever Redis comes up.
   */
  async ready(timeoutMs = 10_000): Promise<void> {
    if (this.connected) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new MultiplayerError(ErrorCode.ERR_CANT_CONNECT, `Redis is unreachable (${this.#describe()}), still retrying.`));
      }, timeoutMs);
      const off = this.reconnected.connect(() => {
        clearTimeout(timer);
        off();
        resolve();
      });
    });
  }

  async registerProcess(info: ProcessInfo, ttlMs: number): Promise<void> {
    await this.#scripts.snRegisterProcess(this.#prefix, info.id, info.url, JSON.stringify(info.types), info.rooms, Math.ceil(ttlMs));
  }

  async unregisterProcess(id: string): Promise<void> {
    await this.#redis.multi().zrem(`${this.#prefix}procs`, id).del(`${this.#prefix}proc:${id}`).exec();
  }

  async listProcesses(): Promise<ProcessInfo[]> {
    const rows = JSON.parse((await this.#scripts.snListProcesses(this.#prefix)) as string) as Array<Record<string, string>>;
    return rows.map((r) => ({
      id: r.id!,
      url: r.url!,
      types: JSON.parse(r.types ?? '{}') as Record<string, number>,
      rooms: Number(r.rooms ?? 0),
    }));
  }

  async syncRoom(s: RoomState, ttlMs: number): Promise<number> {
    const seats = await this.#scripts.snSyncRoom(
      this.#prefix,
      s.id,
      s.type,
      s.processId,
      s.url,
      s.maxClients,
      s.locked ? '1' : '0',
      JSON.stringify(s.metadata),
      s.occupied,
      s.change,
      Math.ceil(ttlMs),
      JSON.stringify(s.endpoints),
    );
    return Number(seats);
  }

  async removeRoom(id: string): Promise<void> {
    await this.#scripts.snRemoveRoom(this.#prefix, id);
  }

  async reserveSeat(q: ReserveRequest): Promise<Reservation | ReserveFailure> {
    const result = await this.#scripts.snReserveSeat(
      this.#prefix,
      q.mode,
      q.type,
      q.roomId ?? '',
      JSON.stringify(q.criteria ?? {}),
      q.token,
      Math.ceil(q.seatTtlMs),
      q.newRoomId,
      Math.ceil(q.pendingTtlMs),
    );
    if (typeof result === 'string') return result as ReserveFailure;
    const [roomId, type, processId, url, created] = result as [string, string, string, string, number];
    return { roomId, type, processId, url, created: created === 1 };
  }

  async consumeSeat(roomId: string, token: string): Promise<boolean> {
    return (await this.#scripts.snConsumeSeat(this.#prefix, roomId, token)) === 1;
  }

  async claimSeat(roomId: string): Promise<'ok' | 'full' | 'locked' | 'unknown'> {
    return (await this.#scripts.snClaimSeat(this.#prefix, roomId)) as 'ok' | 'full' | 'locked' | 'unknown';
  }

  async listRooms(type?: string): Promise<RoomListing[]> {
    const rows = JSON.parse((await this.#scripts.snListRooms(this.#prefix, type ?? '')) as string) as Array<Record<string, string>>;
    return rows.map(toListing).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.#redis.publish(this.#prefix + channel, message);
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    const sub = this.#subscriber();
    const full = this.#prefix + channel;
    let set = this.#handlers.get(full);
    if (set === undefined) {
      set = new Set();
      this.#handlers.set(full, set);
      await sub.subscribe(full);
    }
    set.add(handler);
    return async () => {
      const current = this.#handlers.get(full);
      if (current === undefined || !current.delete(handler) || current.size > 0) return;
      this.#handlers.delete(full);
      // Not awaited: the handler is already gone, and a reply that never comes (the connection
      // dropped meanwhile) must not hold up a shutdown.
      if (sub.status === 'ready') void sub.unsubscribe(full).catch(() => {});
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#handlers.clear();
    const quit = async (r: Redis): Promise<void> => {
      if (r.status === 'ready') await r.quit().catch(() => r.disconnect());
      else r.disconnect();
    };
    await Promise.all([quit(this.#redis), ...(this.#sub !== null ? [quit(this.#sub)] : [])]);
  }

  #subscriber(): Redis {
    if (this.#sub !== null) return this.#sub;
    // A connection in subscriber mode runs no other command: pub/sub gets its own. It queues the
    // SUBSCRIBE while connecting and re-subscribes by itself after a reconnection.
    const sub = this.#redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    sub.on('error', () => {}); // reported once by the command connection
    sub.on('message', (channel: string, message: string) => {
      for (const handler of this.#handlers.get(channel) ?? []) {
        try {
          handler(message);
        } catch (err) {
          this.#log.error(`presence: a handler of ${channel} threw: ${(err as Error).message}`);
        }
      }
    });
    this.#sub = sub;
    return sub;
  }

  /** Logs the loss of Redis once, until it is back. */
  #lost(err: Error | null): void {
    if (this.#down || this.#closed) return;
    this.#down = true;
    this.#log.warn(
      `presence: Redis connection lost (${this.#describe()}${err !== null ? `: ${err.message}` : ''}); retrying with backoff.`,
    );
  }

  #describe(): string {
    const o = this.#redis.options;
    return `${o.host ?? '127.0.0.1'}:${o.port ?? 6379}`;
  }
}

/** A JSON object field of a room hash, or {} (a hand-edited key: listed without it). */
function objectField<T>(text: string | undefined): Record<string, T> {
  try {
    const parsed = JSON.parse(text ?? '{}') as unknown;
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, T>;
  } catch {
    // fall through
  }
  return {};
}

function toListing(r: Record<string, string>): RoomListing {
  const metadata = objectField<unknown>(r.meta);
  const endpoints = objectField<string>(r.endpoints);
  return {
    id: r.id!,
    type: r.type!,
    processId: r.process!,
    url: r.url!,
    seats: Number(r.seats ?? 0),
    clients: Number(r.clients ?? 0),
    maxClients: Number(r.max ?? 0),
    locked: r.locked === '1',
    metadata,
    pending: r.pending === '1',
    endpoints,
  };
}
