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
}

/** Where the lobby keeps its servers. Swap in a database-backed one; the lobby only uses these. */
export interface ServerStore {
  get(id: string): ServerEntry | undefined;
  put(entry: ServerEntry): void;
  delete(id: string): void;
  /** Every entry, in registration order. */
  all(): ServerEntry[];
  size(): number;
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
