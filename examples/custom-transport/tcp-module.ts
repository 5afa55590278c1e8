import { ContainerModule } from 'inversify';
import { bindPeerPlugin } from 'scenenet';
import { TcpMultiplayerPeer } from './tcp-multiplayer-peer.js';

/**
 * The plugin (Godot's register_types): binds TcpMultiplayerPeer and the `"tcp"` PeerFactory, made on
 * the container's logger and RNG. `container.unbindAll()` closes every peer it made.
 *
 * ```ts
 * const container = createContainer(tcpModule);
 * const tcp = container.getAll<PeerFactory>(TOKENS.PeerFactory).find((f) => f.name === 'tcp')!;
 * ```
 */
export const tcpModule = new ContainerModule(({ bind }) => {
  bindPeerPlugin(bind, 'tcp', TcpMultiplayerPeer, ({ logger, rng }) => new TcpMultiplayerPeer({ logger, rng }));
});
