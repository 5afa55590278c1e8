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
export { PacketPeerBase, getVarFrom, isPacket, putVarTo } from './packet-peer.js';
export type { GetVarResult, PacketPeer } from './packet-peer.js';
export { MultiplayerPeer, TransferMode, ConnectionStatus, isClientPeerId } from './multiplayer-peer.js';
export type { MultiplayerPeerOptions } from './multiplayer-peer.js';
export { OfflineMultiplayerPeer } from './offline-multiplayer-peer.js';
export { MultiplayerPeerWrapper } from './multiplayer-peer-wrapper.js';
export { PacketQueue } from './packet-queue.js';
export { MultiplayerPeerExtension } from './multiplayer-peer-extension.js';
export { MultiplayerAPI, RPCMode } from './multiplayer-api.js';
export { systemClock, ManualClock } from './clock.js';
export type { Clock } from './clock.js';
export { LogLevel, silentLogger, consoleLogger, teeLogger, MemoryLogger, logFailure } from './logger.js';
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
export { StreamPeer, DETACH_STREAM, detachStream } from './stream-peer.js';
export type { StreamReadResult, StreamWriteResult, DetachedStream, DetachableStream } from './stream-peer.js';
export { StreamPeerBuffer } from './stream-peer-buffer.js';
// Variant types and the binary codec (core/variant/).
export { VariantType, VARIANT_MAX, MAX_RECURSION_DEPTH, variantTypeName } from './variant/variant-type.js';
export { isPlainObject, variantTypeOf } from './variant/variant.js';
export type { Variant, VariantArray, VariantMap, VariantRecord } from './variant/variant.js';
export { Vector2, Vector2i, Vector3, Vector3i, Vector4, Vector4i } from './variant/vectors.js';
export { Rect2, Rect2i, Transform2D, Plane, Quaternion, AABB, Basis, Transform3D, Projection, Color } from './variant/math-types.js';
export { StringName, RID, EncodedObjectAsID, EncodedObject, Callable, SignalRef, Float, float } from './variant/engine-types.js';
export {
  PackedStringArray,
  PackedVector2Array,
  PackedVector3Array,
  PackedColorArray,
  PackedVector4Array,
  ContainerType,
  TypedArray,
  TypedDictionary,
} from './variant/containers.js';
export { ByteWriter } from './variant/byte-writer.js';
/** @internal Byte copying plumbing shared by the packages. */
export { copyBytes } from './variant/byte-writer.js';
export { encodeVariant } from './variant/variant-encoder.js';
/** @internal `encodeVariant` into a shared ByteWriter; plumbing shared by the packages. */
export { writeVariant } from './variant/variant-encoder.js';
export type { EncodeOptions } from './variant/variant-encoder.js';
export { decodeVariant } from './variant/variant-decoder.js';
export type { DecodeOptions, VariantDecodeResult } from './variant/variant-decoder.js';
export {
  encodeAndCompressVariant,
  encodeAndCompressVariants,
  decodeAndDecompressVariant,
  decodeAndDecompressVariants,
  isRawArguments,
} from './variant/compressed-variant.js';
/** @internal `encodeAndCompressVariant` into a shared ByteWriter; plumbing shared by the packages. */
export { writeCompressedVariant } from './variant/compressed-variant.js';
export type { CompressOptions, DecompressOptions, VariantsDecodeResult } from './variant/compressed-variant.js';
/** @internal Byte-order plumbing the packages share (Godot's marshalls.h); not part of the public API. */
export {
  encodeUint16,
  encodeUint32,
  encodeUint64,
  decodeUint16,
  decodeUint32,
  decodeUint64,
  encodeHalf,
  decodeHalf,
  encodeFloat,
  decodeFloat,
  encodeDouble,
  decodeDouble,
  encodeCString,
  decodeCString,
} from './variant/marshalls.js';
export { bindPeerPlugin } from './closing-pool.js';
/** @internal The container plumbing behind `bindPeerPlugin`; plugins use it, applications do not. */
export { ClosingPool, bindClosingPool } from './closing-pool.js';
export type { Closable, CoreServices } from './closing-pool.js';
