import { Redis } from 'ioredis';
import type { ServerEntry, ServerStore } from './server-store.js';

/**
 * The lobby's store on Redis, so several lobby processes share one server list. Each entry is a
 * JSON string that Redis itself expires at the entry's `expiresAtMs` (a game server killed with
 * `kill -9` leaves the list within the TTL even if no lobby looks); a sorted set keeps the
 * registration order.
 */
export class RedisServerStore implements ServerStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  #order = 0;

  constructor(url: string, prefix = 'scenenet:lobby:') {
    this.#redis = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), 2000) });
    this.#redis.on('error', () => {}); // a failed command answers 503; ioredis reconnects by itself
    this.#prefix = prefix;
  }

  async get(id: string): Promise<ServerEntry | undefined> {
    const text = await this.#redis.get(this.#key(id));
    return text === null ? undefined : (JSON.parse(text) as ServerEntry);
  }

  async put(entry: ServerEntry): Promise<void> {
    const ttl = Math.max(1, Math.ceil(entry.expiresAtMs - Date.now()));
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
    const texts = await this.#redis.mget(...ids.map((id) => this.#key(id)));
    const gone = ids.filter((_, i) => texts[i] === null);
    if (gone.length > 0) await this.#redis.zrem(`${this.#prefix}order`, ...gone);
    return texts.flatMap((text) => (text === null ? [] : [JSON.parse(text) as ServerEntry]));
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
