/** The statuses and defaults of the socket classes, shared by the Node and browser builds (no I/O). */

/** Godot: StreamPeerTCP::Status. */
export const TCPStatus = { NONE: 0, CONNECTING: 1, CONNECTED: 2, ERROR: 3 } as const;
export type TCPStatus = (typeof TCPStatus)[keyof typeof TCPStatus];

/** Godot: StreamPeerTLS::Status. */
export const TLSStatus = { DISCONNECTED: 0, HANDSHAKING: 1, CONNECTED: 2, ERROR: 3, ERROR_HOSTNAME_MISMATCH: 4 } as const;
export type TLSStatus = (typeof TLSStatus)[keyof typeof TLSStatus];

/** Godot's `network/limits/tcp/connect_timeout_seconds` default (30 s), in milliseconds. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/** A TLS handshake still running after this long (on the clock) fails with ERROR. Godot has no such limit. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

/** Godot: TCPServer's listen backlog (core/io/tcp_server.h, MAX_PENDING_CONNECTIONS). */
export const MAX_PENDING_CONNECTIONS = 8;

/** Godot's default `max_pending_connections` of a UDPServer. */
export const DEFAULT_MAX_PENDING_CONNECTIONS = 16;

/** Godot: PacketPeerUDP::PACKET_BUFFER_SIZE, the receive ring buffer (bytes, 24 per packet included). */
export const PACKET_BUFFER_SIZE = 65536;

/**
 * Unread (and unsent) bytes a StreamPeerTCP/TLS keeps before pausing the socket (refusing writes).
 * Godot leaves this to the kernel; 65536 (1 << 16) is the size Godot uses for its own stream and
 * packet buffers.
 */
export const DEFAULT_STREAM_BUFFER_SIZE = 65536;
