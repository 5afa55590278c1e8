import type { WaitingPathStats } from './scene-cache-interface.js';

/** A SYNC or delta entry for a synchronizer net id whose SPAWN has not arrived yet. */
export interface HeldState {
  readonly netId: number;
  /** SYNC: the packet's u16 time; delta: -1. */
  readonly time: number;
  /** Delta: the property mask; SYNC: 0n. */
  readonly mask: bigint;
  /** The entry's encoded values (a copy: the packet buffer may be reused). */
  readonly bytes: Uint8Array;
}

/**
 * Sync-before-spawn counters of one SceneMultiplayer (all peers together). The `paths*` ones count the
 * SIMPLIFY_PATHs of static synchronizers (and other nodes) that arrived before their node existed here.
 */
export interface HeldStateStats extends WaitingPathStats {
  /** Entries held because their net id was not spawned (or their path id not resolved) yet. */
  held: number;
  /** Held entries applied right after their SPAWN. */
  applied: number;
  /** Held entries evicted because a peer's buffer was full (each overflow episode is logged once). */
  dropped: number;
  /** Held SYNCs replaced by a newer SYNC for the same net id (a SYNC carries the whole sync state). */
  superseded: number;
  /** Entries for a net id this peer already despawned (late unreliable SYNCs), discarded. */
  stale: number;
  /** SPAWNs held because their spawner's SIMPLIFY_PATH waits for the spawner to enter the tree. */
  spawnsHeld: number;
  /** Of those, processed once the spawner's path resolved. */
  spawnsApplied: number;
  /** Of those, cancelled by their DESPAWN before the spawner appeared. */
  spawnsCancelled: number;
}

/** A SPAWN whose spawner (by the sender's cache id) is not in the tree yet. */
export interface HeldSpawn {
  readonly spawnerId: number;
  readonly netId: number;
  /** The whole SPAWN packet (a copy). */
  readonly packet: Uint8Array;
}

/** Default bound of held entries per peer. */
export const DEFAULT_MAX_HELD_STATES = 64;
/** How many despawned sync net ids a peer remembers, to tell a late SYNC from an early one. */
const RETIRED_MEMORY = 256;

/**
 * One peer's held states: a bounded FIFO (oldest evicted first) plus the sync net ids it retired, so a
 * SYNC that arrives after its node's DESPAWN is discarded instead of waiting for a SPAWN that never comes.
 */
export class HeldStates {
  readonly #entries: HeldState[] = [];
  readonly #retired = new Set<number>();
  readonly #spawns: HeldSpawn[] = [];
  /** True from an overflow until the buffer drains, so one episode logs once. */
  overflowing = false;
  /** The same for held SPAWNs. */
  spawnsOverflowing = false;

  get size(): number {
    return this.#entries.length;
  }

  get spawnCount(): number {
    return this.#spawns.length;
  }

  /** Holds a SPAWN until its spawner's path resolves; false when `max` are already held. */
  holdSpawn(spawn: HeldSpawn, max: number): boolean {
    if (this.#spawns.length >= max) return false;
    this.#spawns.push(spawn);
    return true;
  }

  /** A DESPAWN for a held SPAWN's net id: the SPAWN is forgotten; false when none was held. */
  cancelSpawn(netId: number): boolean {
    const i = this.#spawns.findIndex((s) => s.netId === netId);
    if (i < 0) return false;
    this.#spawns.splice(i, 1);
    return true;
  }

  /** Removes and returns, in arrival order, the SPAWNs held for spawner cache id `spawnerId`. */
  takeSpawns(spawnerId: number): HeldSpawn[] {
    const taken = this.#spawns.filter((s) => s.spawnerId === spawnerId);
    if (taken.length > 0) this.#spawns.splice(0, this.#spawns.length, ...this.#spawns.filter((s) => s.spawnerId !== spawnerId));
    if (this.#spawns.length === 0) this.spawnsOverflowing = false;
    return taken;
  }

  /**
   * Adds `entry`; returns the evicted oldest entry when the buffer was full, or 'superseded' when a SYNC
   * replaced (or lost to) a held SYNC for the same net id.
   */
  push(entry: HeldState, max: number): HeldState | 'superseded' | null {
    if (entry.time >= 0) {
      const i = this.#entries.findIndex((e) => e.netId === entry.netId && e.time >= 0);
      if (i >= 0) {
        if (isNewer(entry.time, this.#entries[i]!.time)) this.#entries[i] = entry;
        return 'superseded';
      }
    }
    this.#entries.push(entry);
    return this.#entries.length > max ? this.#entries.shift()! : null;
  }

  /** Removes and returns, in arrival order, every entry for `netId`. */
  take(netId: number): HeldState[] {
    const taken: HeldState[] = [];
    for (let i = 0; i < this.#entries.length; ) {
      if (this.#entries[i]!.netId === netId) taken.push(...this.#entries.splice(i, 1));
      else i++;
    }
    if (this.#entries.length === 0) this.overflowing = false;
    return taken;
  }

  /** Remembers that `netId` was despawned here (its late states are stale, not early). */
  retire(netId: number): void {
    this.#retired.add(netId);
    if (this.#retired.size > RETIRED_MEMORY) this.#retired.delete(this.#retired.values().next().value!);
  }

  isRetired(netId: number): boolean {
    return this.#retired.has(netId);
  }
}

/** u16 sync times with wrap-around, as MultiplayerSynchronizer.updateInboundSyncTime compares them. */
function isNewer(time: number, than: number): boolean {
  return time > than ? time - than < 32768 : than - time > 32767;
}
