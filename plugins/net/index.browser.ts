/**
 * The browser build of the net plugin: browsers give scripts no raw TCP or UDP sockets, so
 * `StreamPeerTCP`, `TCPServer`, `StreamPeerTLS`, `PacketPeerUDP` and `UDPServer` exist with the Node
 * build's API, and every socket operation returns ERR_UNAVAILABLE (and logs why). Use WebSocketPeer
 * or WebRTC there; core's `StreamPeerBuffer` works everywhere.
 *
 * @packageDocumentation
 */
export { StreamPeerTCP, StreamPeerTLS, TCPServer, PacketPeerUDP, UDPServer } from './net-unavailable.js';
export type { UnavailableOptions } from './net-unavailable.js';
export {
  TCPStatus,
  TLSStatus,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_MAX_PENDING_CONNECTIONS,
  DEFAULT_STREAM_BUFFER_SIZE,
  MAX_PENDING_CONNECTIONS,
  PACKET_BUFFER_SIZE,
} from './status.js';
export { netModule } from './net-module.browser.js';
export type { NetClasses, NetServices } from './net-module-for.js';
