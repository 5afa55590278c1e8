import type { ContainerModuleLoadOptions, Newable } from 'inversify';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import type { MultiplayerPeer } from './multiplayer-peer.js';
import type { Rng } from './rng.js';
import { TOKENS, type PeerFactory } from './tokens.js';

/** Anything a pool can close: peers, HTTP clients. */
export interface Closable {
  close(): void;
}

/** The core services a plugin's objects are made with. */
export interface CoreServices {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly rng: Rng;
}

/**
 * Makes a plugin's objects and closes every one still alive when its container unbinds. inversify 8
 * allows `onDeactivation` only on singleton bindings, so a plugin's transient objects come from this
 * singleton, whose deactivation closes them (docs/architecture.md §5: unbinding a container frees every port).
 * @internal Plumbing behind `bindPeerPlugin`; not part of the public API.
 */
export class ClosingPool<T extends object> {
  readonly #make: () => T;
  readonly #close: (made: T) => void;
  readonly #made = new Set<WeakRef<T>>();

  /** `close` defaults to calling the object's `close()`; pass one for objects that stop otherwise. */
  constructor(make: () => T, close: (made: T) => void = closeClosable) {
    this.#make = make;
    this.#close = close;
  }

  create(): T {
    const made = this.#make();
    this.#made.add(new WeakRef(made));
    return made;
  }

  /** Closes everything this pool made that is still alive. */
  closeAll(): void {
    for (const ref of this.#made) {
      const made = ref.deref();
      if (made !== undefined) this.#close(made);
    }
    this.#made.clear();
  }
}

const CORE_DEPS: [symbol, symbol, symbol] = [TOKENS.Clock, TOKENS.Logger, TOKENS.Rng];

function closeClosable(made: object): void {
  (made as Closable).close();
}

/**
 * Binds `cls` as a transient service made by `make` on the container's core services, from a
 * singleton ClosingPool that closes everything it made on `unbindAll()` (with `close`, for objects
 * whose Godot API stops them otherwise: `stop()`, `disconnectFromHost()`). Returns the pool's token.
 */
export function bindClosingPool<T extends Closable>(
  bind: ContainerModuleLoadOptions['bind'],
  cls: Newable<T>,
  make: (services: CoreServices) => T,
): symbol;
export function bindClosingPool<T extends object>(
  bind: ContainerModuleLoadOptions['bind'],
  cls: Newable<T>,
  make: (services: CoreServices) => T,
  close: (made: T) => void,
): symbol;
export function bindClosingPool<T extends object>(
  bind: ContainerModuleLoadOptions['bind'],
  cls: Newable<T>,
  make: (services: CoreServices) => T,
  close: (made: T) => void = closeClosable,
): symbol {
  const pool = Symbol(`scenenet:pool:${cls.name}`);
  bind<ClosingPool<T>>(pool)
    .toResolvedValue((clock: Clock, logger: Logger, rng: Rng) => new ClosingPool(() => make({ clock, logger, rng }), close), CORE_DEPS)
    .inSingletonScope()
    .onDeactivation((p) => p.closeAll());
  bind(cls)
    .toResolvedValue((p: ClosingPool<T>) => p.create(), [pool])
    .inTransientScope();
  return pool;
}

/**
 * What every transport's ContainerModule does (our register_types): binds the peer class (transient,
 * closed on `unbindAll()`) and a `PeerFactory` named `name` under the multi-bound `TOKENS.PeerFactory`.
 */
export function bindPeerPlugin<P extends MultiplayerPeer>(
  bind: ContainerModuleLoadOptions['bind'],
  name: string,
  cls: Newable<P>,
  make: (services: CoreServices) => P,
): void {
  const pool = bindClosingPool(bind, cls, make);
  bind<PeerFactory>(TOKENS.PeerFactory)
    .toResolvedValue((p: ClosingPool<P>): PeerFactory<P> => ({ name, create: () => p.create() }), [pool])
    .inSingletonScope();
}
