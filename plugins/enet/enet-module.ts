import { ContainerModule } from 'inversify';
import { bindPeerPlugin } from '../../core/index.js';
import { ENetMultiplayerPeer } from './enet-multiplayer-peer.js';

/**
 * Registers ENetMultiplayerPeer (transient) and the `'enet'` PeerFactory; `unbindAll()` closes every
 * peer they made, freeing their ports. Load after coreModule. Godot: modules/enet/register_types.cpp.
 */
export const enetModule = new ContainerModule(({ bind }) => {
  bindPeerPlugin(bind, 'enet', ENetMultiplayerPeer, (services) => new ENetMultiplayerPeer(services));
});
