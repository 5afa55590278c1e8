/**
 * scenenet core: the contracts and primitives of Godot 4's networking stack. No I/O; runs in any
 * JavaScript runtime.
 *
 * @packageDocumentation
 */
export { ErrorCode, errorName } from './error-code.js';
export { MultiplayerError } from './errors.js';
export { Signal } from './signal.js';
export type { Slot, ConnectOptions } from './signal.js';
export { isPacket } from './packet-peer.js';
export type { PacketPeer } from './packet-peer.js';
export { MultiplayerPeer, TransferMode, ConnectionStatus, isClientPeerId } from './multiplayer-peer.js';
export type { MultiplayerPeerOptions } from './multiplayer-peer.js';
export { OfflineMultiplayerPeer } from './offline-multiplayer-peer.js';
export { MultiplayerAPI, RPCMode } from './multiplayer-api.js';
export { systemClock, ManualClock } from './clock.js';
export type { Clock } from './clock.js';
export { LogLevel, silentLogger, consoleLogger, MemoryLogger } from './logger.js';
export type { Logger, LogRecord } from './logger.js';
export { SeededRng, cryptoRng, randomFloat, randomInt } from './rng.js';
export type { Rng } from './rng.js';
export { TOKENS } from './tokens.js';
export type { PeerFactory, MultiplayerAPIFactory } from './tokens.js';
export { coreModule, coreModuleWith, isCoreModule } from './core-module.js';
export type { CoreOverrides } from './core-module.js';
export { createContainer } from './create-container.js';
export { NodePath } from './variant/node-path.js';
export { TLSOptions } from './tls-options.js';
