import { ContainerModule } from 'inversify';
import { TOKENS, type Clock, type Logger, type PeerFactory, type Rng } from '../../core/index.js';
import { LoopbackMultiplayerPeer } from './loopback-multiplayer-peer.js';
import { VirtualNetwork } from './virtual-network.js';

/** Makes the container's loopback peers and closes them all when the container unbinds. */
class LoopbackPeerPool {
  readonly #deps: { clock: Clock; rng: Rng; logger: Logger };
  readonly #peers = new Set<LoopbackMultiplayerPeer>();

  constructor(deps: { clock: Clock; rng: Rng; logger: Logger }) {
    this.#deps = deps;
  }

  create(): LoopbackMultiplayerPeer {
    const peer = new LoopbackMultiplayerPeer(this.#deps);
    this.#peers.add(peer);
    return peer;
  }

  closeAll(): void {
    for (const peer of this.#peers) peer.close();
    this.#peers.clear();
  }
}

// Divergence from the house sketch: inversify 8 refuses onDeactivation on transient bindings, so the
// transient peers come from a singleton pool whose deactivation closes every peer it made.
const POOL = Symbol.for('scenenet:loopback:LoopbackPeerPool');

/**
 * Registers the loopback transport (the analogue of Godot's register_types): a singleton
 * `VirtualNetwork` on the container's Clock, Rng and Logger; `LoopbackMultiplayerPeer` (transient;
 * closed on `unbindAll()`); and the `"loopback"` `PeerFactory`. Load after `coreModule`.
 */
export const loopbackModule = new ContainerModule(({ bind }) => {
  bind(VirtualNetwork)
    .toResolvedValue((clock: Clock, rng: Rng, logger: Logger) => new VirtualNetwork({ clock, rng, logger }), [TOKENS.Clock, TOKENS.Rng, TOKENS.Logger])
    .inSingletonScope();

  bind<LoopbackPeerPool>(POOL)
    .toResolvedValue((clock: Clock, rng: Rng, logger: Logger) => new LoopbackPeerPool({ clock, rng, logger }), [TOKENS.Clock, TOKENS.Rng, TOKENS.Logger])
    .inSingletonScope()
    .onDeactivation((pool) => pool.closeAll());

  bind(LoopbackMultiplayerPeer)
    .toResolvedValue((pool: LoopbackPeerPool) => pool.create(), [POOL])
    .inTransientScope();

  bind<PeerFactory<LoopbackMultiplayerPeer>>(TOKENS.PeerFactory)
    .toResolvedValue((pool: LoopbackPeerPool) => ({ name: 'loopback', create: () => pool.create() }), [POOL])
    .inSingletonScope();
});
