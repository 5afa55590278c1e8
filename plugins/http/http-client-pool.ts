import { ContainerModule, type Newable } from 'inversify';
import { TOKENS, type Clock, type Logger } from '../../core/index.js';

/** What the pool makes: any client with `close()`. */
interface Closable {
  close(): void;
}

/** Makes a container's HTTP clients and closes them all when the container unbinds. */
class HTTPClientPool<C extends Closable> {
  readonly #make: () => C;
  readonly #clients = new Set<C>();

  constructor(make: () => C) {
    this.#make = make;
  }

  create(): C {
    const client = this.#make();
    this.#clients.add(client);
    return client;
  }

  closeAll(): void {
    for (const client of this.#clients) client.close();
    this.#clients.clear();
  }
}

/**
 * The httpModule of one build: binds `token` (the build's HTTPClient class) transient, made on the
 * container's Clock and Logger. Inversify 8 refuses onDeactivation on transient bindings, so the
 * clients come from a singleton pool whose deactivation closes them (as plugins/loopback does).
 * No PeerFactory: an HTTP client is not a MultiplayerPeer.
 */
export function httpModuleFor<C extends Closable>(
  token: Newable<C>,
  make: (deps: { clock: Clock; logger: Logger }) => C,
): ContainerModule {
  const pool = Symbol.for(`scenenet:http:HTTPClientPool:${token.name}`);
  return new ContainerModule(({ bind }) => {
    bind<HTTPClientPool<C>>(pool)
      .toResolvedValue((clock: Clock, logger: Logger) => new HTTPClientPool(() => make({ clock, logger })), [TOKENS.Clock, TOKENS.Logger])
      .inSingletonScope()
      .onDeactivation((p) => p.closeAll());
    bind(token)
      .toResolvedValue((p: HTTPClientPool<C>) => p.create(), [pool])
      .inTransientScope();
  });
}
