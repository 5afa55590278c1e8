/**
 * Godot's low-level networking on Node sockets: `StreamPeerTCP` and `TCPServer`, `StreamPeerTLS`
 * (over a StreamPeerTCP, with core's `TLSOptions`), `PacketPeerUDP` and `UDPServer`. Everything is
 * polled as in Godot: socket callbacks only queue, `poll()` moves what arrived into view. The typed
 * helpers (`put32`, `putUtf8String`, `putVar`, …) come from core's `StreamPeer`. The browser build
 * (`browser` export condition) has the same classes, whose socket operations return ERR_UNAVAILABLE.
 *
 * @example
 * ```ts
 * import { ErrorCode, TLSOptions } from 'scenenet';
 * import { StreamPeerTCP, StreamPeerTLS, TCPServer, TCPStatus, PacketPeerUDP } from 'scenenet/plugins/net';
 * import { WebSocketPeer } from 'scenenet/plugins/websocket';
 *
 * // Godot's WebSocket tutorial server: TCPServer + take_connection + accept_stream.
 * const server = new TCPServer();
 * if ((await server.listen(9080)) !== ErrorCode.OK) throw new Error('Unable to start server.');
 * const socket = new WebSocketPeer();
 * setInterval(() => {
 *   while (server.isConnectionAvailable()) socket.acceptStream(server.takeConnection());
 *   socket.poll();
 * }, 16);
 *
 * // A TCP client with typed values, then TLS on top of it.
 * const tcp = new StreamPeerTCP();
 * tcp.connectToHost('127.0.0.1', 4242);
 * // … poll() until getStatus() === TCPStatus.CONNECTED …
 * tcp.putU32(7);
 * tcp.putVar({ hp: 100 });
 * const tls = new StreamPeerTLS();
 * tls.connectToStream(tcp, 'example.com', TLSOptions.client());
 *
 * // UDP: bind, send, read what arrived.
 * const udp = new PacketPeerUDP();
 * await udp.bind(0, '127.0.0.1');
 * udp.setDestAddress('127.0.0.1', 4243);
 * udp.putPacket(new TextEncoder().encode('ping'));
 * ```
 *
 * @packageDocumentation
 */
export { StreamPeerTCP } from './stream-peer-tcp.js';
export type { StreamPeerTCPOptions } from './stream-peer-tcp.js';
export { TCPServer } from './tcp-server.js';
export { StreamPeerTLS } from './stream-peer-tls.js';
export type { StreamPeerTLSOptions } from './stream-peer-tls.js';
export type { SocketStreamOptions } from './socket-stream-peer.js';
export { PacketPeerUDP } from './packet-peer-udp.js';
export type { PacketPeerUDPOptions } from './packet-peer-udp.js';
export { UDPServer } from './udp-server.js';
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
export { netModule } from './net-module.js';
export type { NetClasses, NetServices } from './net-module-for.js';
