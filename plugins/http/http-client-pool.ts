import { ContainerModule, type Newable } from 'inversify';
import { bindClosingPool, type Closable, type Clock, type Logger } from '../../core/index.js';

/**
 * The httpModule of one build: binds `token` (the build's HTTPClient class) transient, made on the
 * container's Clock and Logger. Inversify 8 refuses onDeactivation on transient bindings, so the
 * clients come from a singleton pool whose deactivation closes them (as plugins/loopback does).
 * No PeerFactory: an HTTP client is not a MultiplayerPeer.
 */
export function httpModuleFor<C extends Closable>(token: Newable<C>, make: (deps: { clock: Clock; logger: Logger }) => C): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bindClosingPool(bind, token, ({ clock, logger }) => make({ clock, logger }));
  });
}
