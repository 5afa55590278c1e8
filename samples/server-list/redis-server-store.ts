import { Redis } from 'ioredis';
import { systemClock, type Clock } from '../../core/index.js';
import type { ServerEntry, ServerStore } from './server-store.js';

/**
 * The lobby's store on Redis, so several lobby processes share one server list. Each entry is a
 * JSON string that Redis itself expires at the entry's `expiresAtMs` (a game server killed with
 * `kill -9` leaves the list within the TTL even if no lobby looks); a sorted set keeps the
 * registration order. Expiry times are kept as Redis TTLs and read back on the lobby's own clock
 * (each process's clock has its own origin).
 */
export class RedisServerStore implements ServerStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #clock: Clock;
  #order = 0;

  /** `clock` must be the lobby's (expiry times are on it). */
  constructor(url: string, prefix = 'scenenet:lobby:', clock: Clock = systemClock) {
    this.#clock = clock;
    this.#redis = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), 2000) });
    this.#redis.on('error', () => {}); // a failed command answers 503; ioredis reconnects by itself
    this.#prefix = prefix;
  }

  async get(id: string): Promise<ServerEntry | undefined> {
    return (await this.#read([id]))[0];
  }

  async put(entry: ServerEntry): Promise<void> {
    const ttl = Math.max(1, Math.ceil(entry.expiresAtMs - this.#clock.nowMs()));
    const exists = await this.#redis.exists(this.#key(entry.id));
    const tx = this.#redis.multi().set(this.#key(entry.id), JSON.stringify(entry), 'PX', ttl);
    // Registration order across processes: time, then a per-process counter as a tie-break.
    if (exists === 0) tx.zadd(`${this.#prefix}order`, Date.now() + (this.#order++ % 1000) / 1000, entry.id);
    await tx.exec();
  }

  async delete(id: string): Promise<void> {
    await this.#redis.multi().del(this.#key(id)).zrem(`${this.#prefix}order`, id).exec();
  }

  async all(): Promise<ServerEntry[]> {
    const ids = await this.#redis.zrange(`${this.#prefix}order`, 0, -1);
    if (ids.length === 0) return [];
    const entries = await this.#read(ids);
    const gone = ids.filter((_, i) => entries[i] === undefined);
    if (gone.length > 0) await this.#redis.zrem(`${this.#prefix}order`, ...gone);
    return entries.filter((e): e is ServerEntry => e !== undefined);
  }

  /** The entries of `ids` (undefined where gone), their expiry on this lobby's clock. */
  async #read(ids: string[]): Promise<Array<ServerEntry | undefined>> {
    const tx = this.#redis.multi();
    for (const id of ids) tx.get(this.#key(id)).pttl(this.#key(id));
    const replies = (await tx.exec()) ?? [];
    const now = this.#clock.nowMs();
    return ids.map((_, i) => {
      const text = replies[2 * i]?.[1] as string | null;
      const pttl = replies[2 * i + 1]?.[1] as number;
      if (text === null || text === undefined || !(pttl > 0)) return undefined;
      return { ...(JSON.parse(text) as ServerEntry), expiresAtMs: now + pttl };
    });
  }

  async size(): Promise<number> {
    return (await this.all()).length;
  }

  async close(): Promise<void> {
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }

  #key(id: string): string {
    return `${this.#prefix}server:${id}`;
  }
}
