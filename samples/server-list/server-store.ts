/** One registered game server, as the lobby keeps it. */
export interface ServerEntry {
  readonly id: string;
  /** Secret the game server must send with heartbeats; never listed. */
  readonly token: string;
  /** How players join: `ws` or `enet`. */
  readonly transport: 'ws' | 'enet';
  readonly name: string;
  readonly game: string;
  readonly host: string;
  readonly port: number;
  readonly players: number;
  readonly maxPlayers: number;
  readonly tags: readonly string[];
  readonly expiresAtMs: number;
  /** Who registered it (counted against the per-client limits; never listed). */
  readonly owner?: { readonly address: string; readonly bearer: string | null };
}

/** A value, or a promise of it: a store may answer at once (memory) or over the network (Redis). */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Where the lobby keeps its servers. Swap in a database-backed one (`RedisServerStore` shares one
 * list between several lobby processes); the lobby only uses these. An entry is dropped by the
 * lobby once `expiresAtMs` has passed; a shared store may also expire it by itself.
 */
export interface ServerStore {
  get(id: string): MaybePromise<ServerEntry | undefined>;
  put(entry: ServerEntry): MaybePromise<void>;
  delete(id: string): MaybePromise<void>;
  /** Every entry, in registration order. */
  all(): MaybePromise<ServerEntry[]>;
  size(): MaybePromise<number>;
}

/** The default store: a Map in memory (lost on restart, which suits a lobby with heartbeats). */
export class MemoryServerStore implements ServerStore {
  readonly #entries = new Map<string, ServerEntry>();

  get(id: string): ServerEntry | undefined {
    return this.#entries.get(id);
  }

  put(entry: ServerEntry): void {
    this.#entries.set(entry.id, entry);
  }

  delete(id: string): void {
    this.#entries.delete(id);
  }

  all(): ServerEntry[] {
    return [...this.#entries.values()];
  }

  size(): number {
    return this.#entries.size;
  }
}
