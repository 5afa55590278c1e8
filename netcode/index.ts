/**
 * scenenet/netcode: what Godot's multiplayer lacks, as opt-in nodes over RPC and replication (Godot's
 * wire unchanged): a shared network clock and tick, snapshot interpolation, client prediction with
 * server reconciliation, and lag compensation.
 *
 * ```ts
 * import { NetworkTime } from 'scenenet/netcode';
 *
 * // On every peer, at the same path: the server is the time source, clients estimate its clock.
 * const time = new NetworkTime({ tickRate: 30 });
 * tree.root.addChild(time);
 * time.networkTick.connect((tick, delta) => {
 *   // fixed-timestep game logic: runs 30 times a second whatever the render frame rate
 * });
 * ```
 *
 * @packageDocumentation
 */
export { ClockSync } from './clock-sync.js';
export type { ClockSample, ClockSyncOptions } from './clock-sync.js';
export { NetworkTime } from './network-time.js';
export type { NetworkTimeOptions } from './network-time.js';
export { SnapshotInterpolator } from './snapshot-interpolator.js';
export type { SnapshotInterpolatorOptions } from './snapshot-interpolator.js';
export { ClientPrediction } from './client-prediction.js';
export type { ClientPredictionOptions, PredictionModel } from './client-prediction.js';
export {
  addScaled,
  difference,
  magnitude,
  interpolateVariant,
  interpolateTransform2D,
  interpolateTransform3D,
  lerp,
  lerpAngle,
  lerpVector2,
  lerpVector3,
  shortestAngle,
  slerp,
} from './interpolate.js';
export { LagCompensation } from './lag-compensation.js';
export type { HitShape, LagCompensationOptions, RewindRefusal } from './lag-compensation.js';
export { isAxisInput2, isFiniteVector2 } from './validate.js';
