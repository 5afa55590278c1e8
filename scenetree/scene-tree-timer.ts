import { Signal } from '../core/index.js';

/** Options of `SceneTree.createTimer`. */
export interface CreateTimerOptions {
  /** Keep counting while the tree is paused (Godot default: true). */
  readonly processAlways?: boolean;
  /** Count physics-frame deltas instead of process-frame deltas (Godot default: false). */
  readonly processInPhysics?: boolean;
}

/**
 * Godot: SceneTreeTimer (scene/main/scene_tree.cpp): a one-shot countdown owned by a SceneTree. It
 * counts the deltas passed to `processFrame` (or `physicsFrame`), not wall time, and emits `timeout`
 * once when it reaches zero: `await tree.createTimer(0.5).timeout.wait()`.
 */
export class SceneTreeTimer {
  /** Godot signal `timeout`. */
  readonly timeout = new Signal();
  /** Godot: SceneTreeTimer::is_process_always. */
  readonly processAlways: boolean;
  /** Godot: SceneTreeTimer::is_process_in_physics. */
  readonly processInPhysics: boolean;
  #timeLeft: number;

  constructor(seconds: number, options: CreateTimerOptions = {}) {
    this.#timeLeft = seconds;
    this.processAlways = options.processAlways ?? true;
    this.processInPhysics = options.processInPhysics ?? false;
  }

  /** Godot property `time_left`, in seconds (never negative). */
  get timeLeft(): number {
    return Math.max(this.#timeLeft, 0);
  }
  set timeLeft(seconds: number) {
    this.#timeLeft = seconds;
  }
}
