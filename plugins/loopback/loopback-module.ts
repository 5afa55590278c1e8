import { ContainerModule } from 'inversify';
import { TOKENS, bindPeerPlugin, type Clock, type Logger, type Rng } from '../../core/index.js';
import { LoopbackMultiplayerPeer } from './loopback-multiplayer-peer.js';
import { VirtualNetwork } from './virtual-network.js';

/**
 * Registers the loopback transport (the analogue of Godot's register_types): a singleton
 * `VirtualNetwork` on the container's Clock, Rng and Logger; `LoopbackMultiplayerPeer` (transient;
 * closed on `unbindAll()`); and the `"loopback"` `PeerFactory`. Load after `coreModule`.
 */
export const loopbackModule = new ContainerModule(({ bind }) => {
  bind(VirtualNetwork)
    .toResolvedValue(
      (clock: Clock, rng: Rng, logger: Logger) => new VirtualNetwork({ clock, rng, logger }),
      [TOKENS.Clock, TOKENS.Rng, TOKENS.Logger],
    )
    .inSingletonScope();
  bindPeerPlugin(bind, 'loopback', LoopbackMultiplayerPeer, (services) => new LoopbackMultiplayerPeer(services));
});
