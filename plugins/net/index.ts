export { StreamPeerTCP, TCPStatus, DEFAULT_CONNECT_TIMEOUT_MS } from './stream-peer-tcp.js';
export type { StreamPeerTCPOptions } from './stream-peer-tcp.js';
export { TCPServer, MAX_PENDING_CONNECTIONS } from './tcp-server.js';
export { DEFAULT_STREAM_BUFFER_SIZE } from './socket-stream-peer.js';
export type { SocketStreamOptions } from './socket-stream-peer.js';
export { StreamPeerTLS, TLSStatus, DEFAULT_HANDSHAKE_TIMEOUT_MS } from './stream-peer-tls.js';
export type { StreamPeerTLSOptions } from './stream-peer-tls.js';
