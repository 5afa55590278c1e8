import type { MultiplayerSpawner } from './multiplayer-spawner.js';
import type { MultiplayerSynchronizer } from './multiplayer-synchronizer.js';

/*
 * What the replication interface and its receiver need of MultiplayerSpawner and MultiplayerSynchronizer
 * without importing those classes: the classes load the replication code (their constructors hand
 * SceneMultiplayer its factory, replication-hook.ts), so an import back would be a run-time cycle
 * (test/architecture-cycles.test.ts). This module imports nothing at run time and holds no state.
 */

/** The scene index of a custom spawn (made by `spawnFunction`). Godot: MultiplayerSpawner::INVALID_ID. */
export const CUSTOM_SPAWN = 0xff;

/**
 * @internal The key of the role each replication node class carries, checked where Godot casts
 * (`Object::cast_to<MultiplayerSpawner>`) and this code cannot use `instanceof`.
 */
export const REPLICATION_ROLE: unique symbol = Symbol('scenenet.replicationRole');

/** Whether `value` is a MultiplayerSpawner (or a subclass). */
export function isSpawner(value: unknown): value is MultiplayerSpawner {
  return roleOf(value) === 'spawner';
}

/** Whether `value` is a MultiplayerSynchronizer (or a subclass). */
export function isSynchronizer(value: unknown): value is MultiplayerSynchronizer {
  return roleOf(value) === 'synchronizer';
}

function roleOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? (value as { [REPLICATION_ROLE]?: unknown })[REPLICATION_ROLE] : undefined;
}
