import { ErrorCode, MultiplayerError, type Clock } from '../../core/index.js';
import type { MultiplayerContext } from './multiplayer-context.js';
import type { SceneCacheInterface } from './scene-cache-interface.js';
import type { SceneReplicationInterface } from './scene-replication-interface.js';

/**
 * How SceneMultiplayer gets its replication interface without importing it: a program that never
 * makes a MultiplayerSpawner or MultiplayerSynchronizer never loads (nor downloads, in a browser
 * bundle) the replication code. Their constructors hand in the factory; SceneMultiplayer creates the
 * interface the first time it needs one. Godot wires it in the constructor; behaviour is the same,
 * since without a spawner or synchronizer the interface has nothing to do.
 */
export type ReplicationFactory = (mp: MultiplayerContext, cache: SceneCacheInterface, clock: Clock) => SceneReplicationInterface;

let installed: ReplicationFactory | null = null;

/** Called by the MultiplayerSpawner and MultiplayerSynchronizer constructors. */
export function provideReplication(factory: ReplicationFactory): void {
  installed = factory;
}

/** The factory, once any spawner or synchronizer was made in this program; null before. */
export function replicationFactory(): ReplicationFactory | null {
  return installed;
}

/** Godot's defaults for `max_sync_packet_size` and `max_delta_packet_size`. */
export const DEFAULT_SYNC_MTU = 1350;
export const DEFAULT_DELTA_MTU = 65535;
/** Godot's floor for both packet size limits. */
const MIN_PACKET_SIZE = 128;

/** Validates a replication packet size limit. */
export function checkMtu(size: number): number {
  if (!Number.isInteger(size) || size < MIN_PACKET_SIZE) {
    throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, `Sync maximum packet size must be at least ${MIN_PACKET_SIZE} bytes.`);
  }
  return size;
}
