import { ContainerModule, type ContainerModuleLoadOptions, type Newable } from 'inversify';
import { TOKENS, type Clock, type Logger } from '../../core/index.js';

/** What every class of the plugin is made with from a container. */
export interface NetServices {
  readonly clock: Clock;
  readonly logger: Logger;
}

/** The plugin's classes, as each build provides them (Node sockets, or the browser's stand-ins). */
export interface NetClasses {
  readonly StreamPeerTCP: Newable<{ disconnectFromHost(): void }, [NetServices]>;
  readonly StreamPeerTLS: Newable<{ disconnectFromStream(): void }, [NetServices]>;
  readonly TCPServer: Newable<{ stop(): void }, [NetServices]>;
  readonly PacketPeerUDP: Newable<{ close(): void }, [NetServices]>;
  readonly UDPServer: Newable<{ stop(): void }, [NetServices]>;
}

/** Everything one class's binding made that is still alive, so `unbindAll()` can close it. */
class Made<T extends object> {
  readonly #refs = new Set<WeakRef<T>>();
  readonly #make: () => T;
  readonly #close: (made: T) => void;

  constructor(make: () => T, close: (made: T) => void) {
    this.#make = make;
    this.#close = close;
  }

  create(): T {
    const made = this.#make();
    this.#refs.add(new WeakRef(made));
    return made;
  }

  closeAll(): void {
    for (const ref of this.#refs) {
      const made = ref.deref();
      if (made !== undefined) this.#close(made);
    }
    this.#refs.clear();
  }
}

/** Binds `cls` (transient, on the container's Clock and Logger); `unbindAll()` runs `close` on each one made. */
function bindClosing<T extends object>(bind: ContainerModuleLoadOptions['bind'], cls: Newable<T, [NetServices]>, close: (made: T) => void): void {
  const registry = Symbol(`scenenet:net:${cls.name}`);
  bind<Made<T>>(registry)
    .toResolvedValue((clock: Clock, logger: Logger) => new Made(() => new cls({ clock, logger }), close), [TOKENS.Clock, TOKENS.Logger])
    .inSingletonScope()
    .onDeactivation((made) => made.closeAll());
  bind(cls).toResolvedValue((made: Made<T>) => made.create(), [registry]).inTransientScope();
}

/**
 * The plugin's ContainerModule (our register_types): binds the five classes; `container.unbindAll()`
 * disconnects, closes and stops every one it made, freeing their ports. Load after coreModule.
 */
export function netModuleFor(classes: NetClasses): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bindClosing(bind, classes.StreamPeerTCP, (p) => p.disconnectFromHost());
    bindClosing(bind, classes.StreamPeerTLS, (p) => p.disconnectFromStream());
    bindClosing(bind, classes.TCPServer, (s) => s.stop());
    bindClosing(bind, classes.PacketPeerUDP, (p) => p.close());
    bindClosing(bind, classes.UDPServer, (s) => s.stop());
  });
}
