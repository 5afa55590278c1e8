import type { Clock, Logger, VariantType } from '../../core/index.js';
import type { DropReason } from './drop-reason.js';
import type { MultiplayerStats } from './multiplayer-stats.js';
import type { MultiplayerLimits } from './peer-limits.js';
import type { RpcTable } from './rpc-table.js';

/**
 * How SceneMultiplayer gets its server policy (traffic and drop counters, per-peer and per-API budgets,
 * disconnection of peers that keep sending malformed or over-budget packets, declared RPC argument
 * types, RPC checksum mismatches that name the methods) without importing it: a browser client that never installs it never downloads it. The game
 * server installs it (`installServerPolicy()`, server-policy.ts); so may any program or test. Without
 * it SceneMultiplayer behaves as Godot's: no budgets, no counters, no argument checks, a checksum
 * mismatch only says so, and a refused or malformed packet is dropped and logged once per peer.
 */
export interface MultiplayerPolicy {
  /** `SceneMultiplayer#stats`. */
  readonly stats: MultiplayerStats;
  /** `SceneMultiplayer#limits`: assign a partial object, missing keys take `DEFAULT_LIMITS`. */
  get limits(): MultiplayerLimits;
  set limits(limits: Partial<MultiplayerLimits>);
  /** Start of a poll: reads the clock once (budgets refill from it). */
  beginPoll(): void;
  /** A peer connected (or began authenticating). */
  addPeer(id: number): void;
  /** A peer left. */
  removePeer(id: number): void;
  /** The API was cleared (new transport, disconnection). */
  clear(): void;
  /**
   * A packet the transport handed over from `sender`: counted; false when it must be dropped (its
   * sender is being disconnected, or it is over budget, which may disconnect the sender).
   */
  receive(sender: number, packet: Uint8Array, closing: boolean): boolean;
  /** A packet put on the transport for `to`. */
  sent(to: number, packet: Uint8Array): void;
  /** The link the packet being processed came from, while it is processed (0: none). */
  enter(sender: number): void;
  /** A well-formed packet or call refused: counted under `reason`; `message` logged (once per peer and reason if `once`) unless null. */
  refuse(from: number, reason: DropReason, message: string | null, once: boolean): void;
  /** A structurally invalid packet: counted, logged once per peer, its sender disconnected past the threshold. */
  rejectMalformed(from: number, reason: string): void;
  /** Null when `args` match the declared types, else what differs. */
  checkArguments(types: readonly (VariantType | null)[], args: readonly unknown[]): string | null;
  /** A readable RPC contract error for a checksum mismatch on the node at `path` (null: the remote's checksum is unknown). */
  describeMismatch(path: string, table: RpcTable, remoteMd5: string | null): string;
}

/** What a SceneMultiplayer lends its policy. */
export interface PolicyHost {
  readonly log: Logger;
  readonly clock: Clock;
  isServer(): boolean;
  /** Disconnects `id` at the transport; packets still queued from it are ignored. */
  disconnectPeer(id: number): void;
}

/** Makes the policy of one SceneMultiplayer (`limits`: its constructor option). */
export type PolicyFactory = (host: PolicyHost, limits: Partial<MultiplayerLimits>) => MultiplayerPolicy;

let installed: PolicyFactory | null = null;

/** Called by `installServerPolicy()`: every SceneMultiplayer made afterwards in this program uses the policy. */
export function providePolicy(factory: PolicyFactory): void {
  installed = factory;
}

/** The installed policy factory; null before (or without) `installServerPolicy()`. */
export function policyFactory(): PolicyFactory | null {
  return installed;
}
