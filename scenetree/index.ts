/**
 * scenenet/scenetree: a headless Godot 4 SceneTree (Node, SceneTree, timers, groups, packed-scene
 * stand-in), per-subtree MultiplayerAPIs, `@rpc` and typed `rpc`/`rpcId`, and replication
 * (MultiplayerSpawner, MultiplayerSynchronizer, SceneReplicationConfig).
 *
 * ```ts
 * import { Node, SceneTree, rpc } from 'scenenet/scenetree';
 *
 * class Player extends Node {
 *   @rpc('any_peer', 'call_local')
 *   say(text: string): void { console.log(`${this.name}: ${text}`); }
 *   override _ready(): void { this.rpc('say', 'hello'); }
 * }
 *
 * const tree = new SceneTree();
 * tree.root.addChild(new Player('Player'));
 * await tree.run({ fps: 30, frames: 10 });
 * ```
 *
 * @packageDocumentation
 */
export { Node, isInstanceValid } from './node.js';
export type { NodeClass } from './node-lookup.js';
export type { RpcArgs, RpcMethodName } from './node-multiplayer.js';
export { INVALID_NODE_NAME_CHARACTERS, validateNodeName } from './node-name.js';
export { ProcessMode } from './node-process.js';
export { rpc, getNodeRpcConfigs, getScriptRpcConfigs, parseRpcAnnotation } from './rpc.js';
export type {
  RpcAnnotationArg,
  RpcArgTypes,
  RpcConfig,
  RpcConfigInput,
  RpcDecorator,
  RpcLocalityName,
  RpcModeName,
  RpcTransferName,
} from './rpc.js';
export { GODOT_TYPE_NAMES, matchesDeclaredType } from './declared-types.js';
export type { DeclaredType, GodotTypeName } from './declared-types.js';
export { SceneTree } from './scene-tree.js';
export type { SceneTreeOptions } from './scene-tree.js';
export type { RunOptions } from './scene-tree-loop.js';
export { SceneTreeTimer } from './scene-tree-timer.js';
export type { CreateTimerOptions } from './scene-tree-timer.js';
export { PackedScene, SceneRegistry } from './packed-scene.js';
export type { SceneFactory } from './packed-scene.js';
export { SceneMultiplayer } from './multiplayer/scene-multiplayer.js';
export { Command, CMD_MASK, SysCommand, SYS_CMD_SIZE } from './multiplayer/commands.js';
export type { SceneMultiplayerOptions, SendBytesOptions } from './multiplayer/scene-multiplayer.js';
export type { AuthCallback } from './multiplayer/auth-sessions.js';
export { DropReason, DROP_REASONS, MultiplayerStats, PeerStats, TrafficCounters } from './multiplayer/multiplayer-stats.js';
export type { MultiplayerStatsSnapshot, TrafficSnapshot } from './multiplayer/multiplayer-stats.js';
export { DEFAULT_LIMITS, UNLIMITED } from './multiplayer/peer-limits.js';
export { installServerPolicy } from './multiplayer/server-policy.js';
export type { MultiplayerLimits } from './multiplayer/peer-limits.js';
export type { HeldStateStats } from './multiplayer/held-states.js';
export { MultiplayerSpawner, CUSTOM_SPAWN } from './multiplayer/multiplayer-spawner.js';
export type { SpawnFunction } from './multiplayer/multiplayer-spawner.js';
export { MultiplayerSynchronizer, VisibilityUpdateMode } from './multiplayer/multiplayer-synchronizer.js';
export type { VisibilityFilter } from './multiplayer/multiplayer-synchronizer.js';
export { SceneReplicationConfig, ReplicationMode, MAX_WATCHED_PROPERTIES } from './multiplayer/scene-replication-config.js';
export { scenetreeModule } from './scenetree-module.js';
