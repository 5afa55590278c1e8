import { ContainerModule } from 'inversify';
import { TOKENS, type Clock, type Logger, type PeerFactory, type Rng } from '../../core/index.js';
import { ENetMultiplayerPeer } from './enet-multiplayer-peer.js';

/** Makes the container's ENet peers and closes every one still alive when the container unbinds. */
class ENetPeerPool implements PeerFactory<ENetMultiplayerPeer> {
  readonly name = 'enet';
  readonly #make: () => ENetMultiplayerPeer;
  readonly #peers = new Set<WeakRef<ENetMultiplayerPeer>>();

  constructor(make: () => ENetMultiplayerPeer) {
    this.#make = make;
  }

  create(): ENetMultiplayerPeer {
    const peer = this.#make();
    this.#peers.add(new WeakRef(peer));
    return peer;
  }

  closeAll(): void {
    for (const ref of this.#peers) ref.deref()?.close();
    this.#peers.clear();
  }
}

const POOL = Symbol('scenenet:enet:pool');
const DEPS: [symbol, symbol, symbol] = [TOKENS.Clock, TOKENS.Logger, TOKENS.Rng];

/**
 * Registers ENetMultiplayerPeer (transient) and the `'enet'` PeerFactory; `unbindAll()` closes every
 * peer they made, freeing their ports. Load after coreModule. Godot: modules/enet/register_types.cpp.
 */
// Divergence from the house sketch: inversify 8 refuses onDeactivation on transient bindings, so
// transient peers come from a singleton pool whose deactivation closes them (as plugins/websocket).
export const enetModule = new ContainerModule(({ bind }) => {
  bind<ENetPeerPool>(POOL)
    .toResolvedValue((clock: Clock, logger: Logger, rng: Rng) => new ENetPeerPool(() => new ENetMultiplayerPeer({ clock, logger, rng })), DEPS)
    .inSingletonScope()
    .onDeactivation((p) => p.closeAll());
  bind(ENetMultiplayerPeer)
    .toResolvedValue((p: ENetPeerPool) => p.create(), [POOL])
    .inTransientScope();
  bind<PeerFactory>(TOKENS.PeerFactory)
    .toResolvedValue((p: ENetPeerPool) => p, [POOL])
    .inSingletonScope();
});
