/**
 * scenenet-transport-tcp: an example third-party scenenet transport (MultiplayerPeer over TCP) and
 * its plugin module. See docs/writing-a-transport.md.
 *
 * @packageDocumentation
 */
export { TcpMultiplayerPeer, TCP_MAX_PACKET_SIZE } from './tcp-multiplayer-peer.js';
export type { TcpMultiplayerPeerOptions } from './tcp-multiplayer-peer.js';
export { tcpModule } from './tcp-module.js';
/** What `scenenet lobby --transport-module` loads: the plugin module. */
export { tcpModule as default } from './tcp-module.js';
