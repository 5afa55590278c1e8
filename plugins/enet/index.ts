/**
 * scenenet ENet plugin: the ENet 1.3 protocol in TypeScript over `node:dgram`, wire-compatible with
 * the C library (and Godot 4's bundled copy), with Godot's ENetConnection, ENetPacketPeer and
 * ENetMultiplayerPeer on top.
 *
 * @example
 * ```ts
 * import { ErrorCode, TransferMode } from 'scenenet';
 * import { ENetMultiplayerPeer } from 'scenenet/plugins/enet';
 *
 * const server = new ENetMultiplayerPeer();
 * if ((await server.createServer(7777, 32)) !== ErrorCode.OK) throw new Error('bind failed');
 * server.peerConnected.connect((id) => console.log('client', id, 'joined'));
 *
 * const client = new ENetMultiplayerPeer();
 * client.createClient('127.0.0.1', 7777);
 * client.peerConnected.connect(() => {
 *   client.transferMode = TransferMode.RELIABLE;
 *   client.putPacket(new TextEncoder().encode('hello'));
 * });
 *
 * setInterval(() => {
 *   server.poll();
 *   client.poll();
 *   while (server.getAvailablePacketCount() > 0) {
 *     const from = server.getPacketPeer();
 *     console.log(from, server.getPacket());
 *   }
 * }, 16);
 * ```
 *
 * Divergences from Godot: `createServer` and `ENetConnection.createHostBound` are async (node:dgram
 * binds asynchronously); `service(timeout)` never blocks; no DNS (IP literals and "localhost");
 * DTLS returns ERR_UNAVAILABLE; `compress(COMPRESS_ZSTD)` throws ERR_UNAVAILABLE (Node 20 has no zstd;
 * the range coder, FastLZ and zlib modes are implemented); a refused CONNECT is answered with a
 * DISCONNECT instead of silence.
 *
 * @packageDocumentation
 */
export { ENetMultiplayerPeer } from './enet-multiplayer-peer.js';
export type { ENetMultiplayerPeerOptions } from './enet-multiplayer-peer.js';
export { ENetConnection, CompressionMode, EventType, HostStatistic, ENetPacketFlag } from './enet-connection.js';
export type { ENetConnectionOptions, ENetEvent, ServiceResult } from './enet-connection.js';
export { ENetPacketPeer, ENetPeerState, PeerStatistic } from './enet-packet-peer.js';
export { enetModule } from './enet-module.js';
export { bindUdpSocket, DeferredDatagramSocket } from './datagram-socket.js';
export type { DatagramSocket, DatagramReceiver, BindOptions } from './datagram-socket.js';
export { MemoryNetwork } from './memory-datagram-socket.js';
export type { LinkConditions } from './memory-datagram-socket.js';
