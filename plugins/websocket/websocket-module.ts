import { ContainerModule } from 'inversify';
import { TOKENS, type Clock, type Logger, type PeerFactory, type Rng } from '../../core/index.js';
import type { WebSocketMultiplayerPeer, WebSocketMultiplayerPeerOptions } from './websocket-multiplayer-peer.js';

/** A WebSocketMultiplayerPeer class whose constructor picks its platform backend. */
export type WebSocketMultiplayerPeerClass = new (options?: WebSocketMultiplayerPeerOptions) => WebSocketMultiplayerPeer;

/** Makes the container's peers and closes every one still alive when the container unbinds. */
class WebSocketPeerPool implements PeerFactory<WebSocketMultiplayerPeer> {
  readonly name = 'ws';
  readonly #make: () => WebSocketMultiplayerPeer;
  readonly #peers = new Set<WeakRef<WebSocketMultiplayerPeer>>();

  constructor(make: () => WebSocketMultiplayerPeer) {
    this.#make = make;
  }

  create(): WebSocketMultiplayerPeer {
    const peer = this.#make();
    this.#peers.add(new WeakRef(peer));
    return peer;
  }

  closeAll(): void {
    for (const ref of this.#peers) ref.deref()?.close();
    this.#peers.clear();
  }
}

const DEPS: [symbol, symbol, symbol] = [TOKENS.Clock, TOKENS.Logger, TOKENS.Rng];

/**
 * Builds the plugin's ContainerModule (Godot: modules/websocket/register_types.cpp) for one platform:
 * binds `peerClass` (transient) and the `'ws'` PeerFactory; `unbindAll()` closes every peer they made.
 * Each entry point (`index.ts` for Node, `index.browser.ts`) exports the result as `webSocketModule`.
 */
export function createWebSocketModule(peerClass: WebSocketMultiplayerPeerClass): ContainerModule {
  // Divergence from the house sketch: inversify 8 refuses onDeactivation on transient bindings, so
  // transient peers come from a singleton pool whose deactivation closes them (as plugins/loopback).
  const pool = Symbol(`scenenet:websocket:pool:${peerClass.name}`);
  return new ContainerModule(({ bind }) => {
    bind<WebSocketPeerPool>(pool)
      .toResolvedValue((clock: Clock, logger: Logger, rng: Rng) => new WebSocketPeerPool(() => new peerClass({ clock, logger, rng })), DEPS)
      .inSingletonScope()
      .onDeactivation((p) => p.closeAll());
    bind(peerClass)
      .toResolvedValue((p: WebSocketPeerPool) => p.create(), [pool])
      .inTransientScope();
    bind<PeerFactory>(TOKENS.PeerFactory)
      .toResolvedValue((p: WebSocketPeerPool) => p, [pool])
      .inSingletonScope();
  });
}
