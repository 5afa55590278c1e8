import type { SceneTree } from '../../scenetree/index.js';

/**
 * GDScript's `await get_tree().process_frame` for async TypeScript: `next()` resolves after the
 * tree's next process frame; once `stop()` is called, pending and later waits reject, so an example
 * never waits forever when the frame budget ends.
 */
export class FrameWaiter {
  readonly #tree: SceneTree;
  readonly #pending = new Set<(err: Error) => void>();
  #stopped = false;

  constructor(tree: SceneTree) {
    this.#tree = tree;
  }

  /** Resolves after the next process frame. */
  next(): Promise<void> {
    if (this.#stopped) return Promise.reject(new Error('the frame loop has stopped'));
    return new Promise<void>((resolve, reject) => {
      const fail = (err: Error): void => reject(err);
      this.#pending.add(fail);
      this.#tree.processFrameSignal.connect(
        () => {
          this.#pending.delete(fail);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** Rejects every pending and future wait. */
  stop(): void {
    this.#stopped = true;
    for (const fail of this.#pending) fail(new Error('the frame loop has stopped'));
    this.#pending.clear();
  }
}
