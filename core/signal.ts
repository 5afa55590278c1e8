import { ErrorCode } from './error-code.js';
import { MultiplayerError } from './errors.js';

/** A slot (callback) connected to a `Signal`. */
export type Slot<A extends unknown[]> = (...args: A) => void;

/** Options for `Signal.connect`. */
export interface ConnectOptions {
  /** Disconnect automatically after the first emission (Godot's `CONNECT_ONE_SHOT`). */
  readonly once?: boolean;
}

interface Connection<A extends unknown[]> {
  readonly fn: Slot<A>;
  readonly once: boolean;
}

/**
 * A Godot-style signal: connect slots, emit synchronously, or `await signal.wait()`.
 * Emission runs over a snapshot of the slots; a slot disconnected during emission is skipped,
 * and a throwing slot does not stop the others: its error is rethrown once all have run
 * (an `AggregateError` when several threw).
 */
export class Signal<A extends unknown[] = []> {
  #slots: Connection<A>[] = [];

  // Divergence from Godot: Object::connect returns ERR_INVALID_PARAMETER for a duplicate; ours
  // returns the disconnect function (nanoevents style), so a duplicate has to throw.
  /** Connects `fn`; returns a function that disconnects it. Throws if `fn` is already connected. */
  connect(fn: Slot<A>, options: ConnectOptions = {}): () => void {
    if (this.isConnected(fn)) {
      throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, 'Signal is already connected to this slot.');
    }
    this.#slots = [...this.#slots, { fn, once: options.once ?? false }];
    return () => this.disconnect(fn);
  }

  /** Disconnects `fn`; does nothing if it is not connected. */
  disconnect(fn: Slot<A>): void {
    this.#slots = this.#slots.filter((s) => s.fn !== fn);
  }

  isConnected(fn: Slot<A>): boolean {
    return this.#slots.some((s) => s.fn === fn);
  }

  /** Number of connected slots. */
  get connectionCount(): number {
    return this.#slots.length;
  }

  /** Calls every connected slot with `args`, in connection order. */
  emit(...args: A): void {
    const snapshot = this.#slots;
    if (snapshot.length === 0) return;
    let errors: unknown[] | null = null;
    for (const slot of snapshot) {
      // #slots is replaced (never mutated) on every change, so membership is an identity check.
      if (!this.#slots.includes(slot)) continue;
      if (slot.once) this.disconnect(slot.fn);
      try {
        slot.fn(...args);
      } catch (err) {
        (errors ??= []).push(err);
      }
    }
    if (errors === null) return;
    if (errors.length === 1) throw errors[0];
    throw new AggregateError(errors, 'Several slots of one signal threw.');
  }

  /** Resolves with the arguments of the next emission (GDScript's `await signal`). */
  wait(): Promise<A> {
    return new Promise<A>((resolve) => {
      const slot: Slot<A> = (...args) => resolve(args);
      this.connect(slot, { once: true });
    });
  }

  /** Disconnects every slot. */
  disconnectAll(): void {
    this.#slots = [];
  }
}
