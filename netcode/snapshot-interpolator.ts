import { ErrorCode, MultiplayerError, NodePath, type Variant } from '../core/index.js';
import { Node, type MultiplayerSynchronizer } from '../scenetree/index.js';
import { interpolateVariant } from './interpolate.js';
import type { NetworkTime } from './network-time.js';

/** Options of `new SnapshotInterpolator()`. */
export interface SnapshotInterpolatorOptions {
  /** The synchronizer whose SYNCs are buffered; its root node's properties are rendered. */
  readonly synchronizer: MultiplayerSynchronizer;
  /** The shared clock. */
  readonly time: NetworkTime;
  /** Properties of the root node to interpolate; each must be synced (ALWAYS) by the synchronizer. */
  readonly properties: readonly string[];
  /** Which of them are angles in radians (interpolated the shortest way round). */
  readonly angles?: readonly string[];
  /**
   * A synced property holding the server tick the state belongs to (set it in `networkTick` on the
   * authority). Without one, a state's tick is estimated from its arrival time minus half the RTT,
   * which carries the network's jitter into the rendering.
   */
  readonly tickProperty?: string;
  /**
   * The jitter buffer: remote nodes are rendered this far behind the newest state that can have arrived
   * (network time minus half the RTT). Default 100 ms.
   */
  readonly delayMs?: number;
  /** When snapshots are late, motion continues along the last two for at most this long, then holds. Default 100 ms. */
  readonly maxExtrapolationMs?: number;
  /** Node name. Default `SnapshotInterpolator`. */
  readonly name?: string;
}

interface Snapshot {
  readonly tick: number;
  readonly values: readonly Variant[];
}

const MAX_SNAPSHOTS = 64;

/**
 * Snapshot interpolation (not in Godot; netfox's TickInterpolator and Valve's entity interpolation are
 * the models): a synchronizer-side option that buffers the states a MultiplayerSynchronizer receives,
 * by server tick, and renders its root node `delayMs` behind the network time, between the two
 * snapshots around that moment. Late snapshots are bridged by extrapolating at most
 * `maxExtrapolationMs`. Add it anywhere in the peer's tree; it runs on peers that are not the
 * synchronizer's authority, and does nothing on the authority.
 */
export class SnapshotInterpolator extends Node {
  /** Off: the node shows each received state as it arrives (what Godot does). */
  enabled = true;
  delayMs: number;
  maxExtrapolationMs: number;
  /** Frames rendered by extrapolation (snapshots were late). */
  extrapolatedFrames = 0;

  readonly #sync: MultiplayerSynchronizer;
  readonly #time: NetworkTime;
  readonly #props: readonly string[];
  readonly #angles: ReadonlySet<string>;
  readonly #tickProperty: string | undefined;
  readonly #snapshots: Snapshot[] = [];
  #off: (() => void) | null = null;
  /** Render lag behind the network time in ticks, slewed toward half the RTT plus the delay. */
  #lagTicks = Number.NaN;
  #lastLocalMs = Number.NaN;

  constructor(options: SnapshotInterpolatorOptions) {
    super(options.name ?? 'SnapshotInterpolator');
    this.#sync = options.synchronizer;
    this.#time = options.time;
    this.#props = [...options.properties];
    this.#angles = new Set(options.angles ?? []);
    this.#tickProperty = options.tickProperty;
    this.delayMs = options.delayMs ?? 100;
    this.maxExtrapolationMs = options.maxExtrapolationMs ?? 100;
  }

  /**
   * The (fractional) server tick rendered now: network time minus half the RTT minus the delay. A shot
   * stamped with it tells LagCompensation what this peer saw.
   */
  get renderTick(): number {
    const time = this.#time;
    const target = (time.rttMs / 2 + this.delayMs) / time.tickMs;
    const now = time.timeMs;
    if (Number.isNaN(this.#lagTicks) || Math.abs(target - this.#lagTicks) > 250 / time.tickMs) this.#lagTicks = target;
    else if (now !== this.#lastLocalMs) {
      // Like the clock's offset, the lag changes at most 5 % of elapsed time, so motion never jumps.
      const step = (0.05 * Math.max(0, now - this.#lastLocalMs)) / time.tickMs;
      this.#lagTicks += Math.max(-step, Math.min(step, target - this.#lagTicks));
    }
    this.#lastLocalMs = now;
    return time.preciseTick - this.#lagTicks;
  }

  /** The server tick of the newest buffered snapshot (NaN before any). */
  get newestTick(): number {
    return this.#snapshots.at(-1)?.tick ?? Number.NaN;
  }

  /** Snapshots buffered. */
  get bufferedCount(): number {
    return this.#snapshots.length;
  }

  override _ready(): void {
    const config = this.#sync.replicationConfig;
    const synced = new Set((config?.getSyncProperties() ?? []).map((p) => p.toString()));
    for (const prop of [...this.#props, ...(this.#tickProperty === undefined ? [] : [this.#tickProperty])]) {
      if (!synced.has(new NodePath(`.:${prop}`).toString())) {
        throw new MultiplayerError(
          ErrorCode.ERR_INVALID_PARAMETER,
          `SnapshotInterpolator: "${prop}" is not synced (ALWAYS) by "${this.#sync.getPath()}".`,
        );
      }
    }
    this.#off = this.#sync.synchronized.connect(() => this.#onState());
  }

  override _exitTree(): void {
    this.#off?.();
    this.#off = null;
  }

  override _process(): void {
    if (this.enabled && !this.#isAuthority()) this.#render();
  }

  #onState(): void {
    const root = this.#sync.getRootNode();
    if (root === null) return;
    const r = root as unknown as Record<string, Variant>;
    const tick =
      this.#tickProperty !== undefined ? Number(r[this.#tickProperty]) : this.#time.preciseTick - this.#time.rttMs / 2 / this.#time.tickMs;
    const last = this.#snapshots.at(-1);
    if (!Number.isFinite(tick) || (last !== undefined && tick <= last.tick)) {
      if (this.enabled) this.#render(); // a repeat of a state we have: put the rendered values back
      return;
    }
    this.#snapshots.push({ tick, values: this.#props.map((p) => r[p]!) });
    if (this.#snapshots.length > MAX_SNAPSHOTS) this.#snapshots.shift();
    if (this.enabled) this.#render();
  }

  /** Writes the state at (network time − delay) onto the root node. */
  #render(): void {
    const root = this.#sync.getRootNode();
    const snaps = this.#snapshots;
    if (root === null || snaps.length === 0 || !this.#time.isSynced) return;
    const renderTick = this.renderTick;
    // The first snapshot after renderTick (a late-arriving older one was already refused).
    let i = snaps.findIndex((s) => s.tick > renderTick);
    // Keep one snapshot before renderTick (two when extrapolating past the last).
    const drop = i === -1 ? snaps.length - 2 : i - 1;
    if (drop > 0) {
      snaps.splice(0, drop);
      if (i > 0) i -= drop;
    }
    if (i === 0) return this.#write(root, snaps[0]!.values, snaps[0]!.values, 0);
    if (i > 0) {
      const a = snaps[i - 1]!;
      const b = snaps[i]!;
      return this.#write(root, a.values, b.values, (renderTick - a.tick) / (b.tick - a.tick));
    }
    const b = snaps.at(-1)!;
    const a = snaps.at(-2);
    if (a === undefined) return this.#write(root, b.values, b.values, 0);
    this.extrapolatedFrames++;
    const cap = b.tick + this.maxExtrapolationMs / this.#time.tickMs;
    this.#write(root, a.values, b.values, (Math.min(renderTick, cap) - a.tick) / (b.tick - a.tick));
  }

  #write(root: Node, a: readonly Variant[], b: readonly Variant[], t: number): void {
    const r = root as unknown as Record<string, Variant>;
    for (let k = 0; k < this.#props.length; k++) {
      const prop = this.#props[k]!;
      r[prop] = interpolateVariant(a[k]!, b[k]!, t, this.#angles.has(prop));
    }
  }

  #isAuthority(): boolean {
    const mp = this.multiplayer;
    return mp === null || this.#sync.getMultiplayerAuthority() === mp.getUniqueId();
  }
}
