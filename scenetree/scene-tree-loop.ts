import { ErrorCode, MultiplayerError } from '../core/index.js';
import type { SceneTree } from './scene-tree.js';

/** Options of `SceneTree.run`. */
export interface RunOptions {
  /** Process frames per second (the loop's pace). */
  readonly fps: number;
  /** Stop after this many process frames. */
  readonly frames?: number;
  /** Stop (and resolve) when aborted. */
  readonly signal?: AbortSignal;
  /** Physics ticks per second (Godot's `physics/common/physics_ticks_per_second`); defaults to `fps`. */
  readonly physicsFps?: number;
}

/** Godot's `physics/common/max_physics_steps_per_frame` default: a slow frame catches up at most this much. */
const MAX_PHYSICS_STEPS_PER_FRAME = 8;

/**
 * The real-time loop behind `SceneTree.run`, shaped like Godot's Main::iteration: each frame runs
 * the physics ticks that the elapsed time calls for (fixed delta `1 / physicsFps`, at most 8), then
 * one process frame with the measured delta. Time comes from the tree's Clock; frames are paced with
 * `setTimeout`. Resolves once `quitRequested()` is true after a frame, `frames` have run, or
 * `signal` aborts; rejects with the error of a frame that throws.
 */
export function runLoop(tree: SceneTree, options: RunOptions, quitRequested: () => boolean): Promise<void> {
  const { fps, frames, signal } = options;
  const physicsFps = options.physicsFps ?? fps;
  if (!(fps > 0) || !Number.isFinite(fps) || !(physicsFps > 0) || !Number.isFinite(physicsFps)) {
    return Promise.reject(new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, 'run(): fps and physicsFps must be positive numbers.'));
  }
  if (frames !== undefined && !(Number.isInteger(frames) && frames >= 0)) {
    return Promise.reject(new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, 'run(): frames must be a non-negative integer.'));
  }
  if (frames === 0 || signal?.aborted) return Promise.resolve();
  const frameMs = 1000 / fps;
  const physicsStep = 1 / physicsFps;
  const clock = tree.clock;

  return new Promise<void>((resolve, reject) => {
    let last = clock.nowMs();
    let physicsTime = 0;
    let count = 0;
    let handle: ReturnType<typeof setTimeout> | undefined;
    let done = false;
    const finish = (err?: unknown): void => {
      done = true;
      clearTimeout(handle);
      signal?.removeEventListener('abort', onAbort);
      if (err === undefined) resolve();
      else reject(err);
    };
    const onAbort = (): void => finish();
    const tick = (): void => {
      const start = clock.nowMs();
      const delta = Math.max(0, start - last) / 1000;
      last = start;
      try {
        physicsTime += delta;
        for (let steps = 0; physicsTime >= physicsStep && steps < MAX_PHYSICS_STEPS_PER_FRAME; steps++) {
          tree.physicsFrame(physicsStep);
          physicsTime -= physicsStep;
        }
        physicsTime = Math.min(physicsTime, physicsStep); // Time past the cap is dropped, not owed.
        tree.processFrame(delta);
      } catch (err) {
        return done ? undefined : finish(err ?? new Error('A frame threw undefined.'));
      }
      count++;
      if (done) return; // Aborted during the frame.
      if (quitRequested() || (frames !== undefined && count >= frames)) return finish();
      handle = setTimeout(tick, Math.max(0, frameMs - (clock.nowMs() - start)));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    handle = setTimeout(tick, frameMs);
  });
}
