/**
 * scenenet's game-server layer (Node only): many matches ("rooms") in one process behind one port per
 * transport. A stock Godot 4 client joins a room by WebSocket URL path
 * (`WebSocketMultiplayerPeer.create_client("ws://host:port/<roomId>")`) or on the room's ENet port;
 * each room is its own SceneTree with its own SceneMultiplayer (the room's server is peer 1).
 *
 * @example
 * ```ts
 * import { Node, rpc } from 'scenenet/scenetree';
 * import { GameServer, connectToRoom } from 'scenenet/server';
 *
 * class Arena extends Node {
 *   @rpc('any_peer', 'call_local', 'reliable')
 *   say(text: string): void { console.log(`${this.multiplayer!.getRemoteSenderId()}: ${text}`); }
 * }
 *
 * const server = new GameServer({ maxRooms: 50 });
 * server.define('arena', { maxClients: 8, setup: (room) => room.tree.root.addChild(new Arena('Arena')) });
 * await server.listen(0, '127.0.0.1');   // clients: ws://127.0.0.1:<port>/arena/<roomId>
 * server.start();                         // every room's frames, 60 per second
 * console.log(server.rooms());            // ids, types, player counts, metadata, endpoints
 * process.once('SIGTERM', () => void server.shutdown({ graceMs: 5000 }));
 *
 * // A scenenet client that survives a dropped connection (same peer id after a resume):
 * tree.getMultiplayer().multiplayerPeer = connectToRoom(`ws://127.0.0.1:${server.getLocalPort()}/arena/final`);
 * ```
 *
 * @packageDocumentation
 */
export { GameServer, SIGNALING_PATH } from './game-server.js';
export type { GameServerOptions, EnetOptions, CreateRoomOptions, ShutdownOptions, Admission } from './game-server.js';
export { Room, roomLoopbackAddress } from './room.js';
export type { RoomInfo, RoomClient, RoomOptions, RoomTransport, JoinKind } from './room.js';
export { roomType, isRoomName, mergeLimits, ROOM_NAME_PATTERN } from './room-type.js';
export type { RoomType, RoomTypeOptions, RoomTypeDefaults, ResumeOptions, ResolvedResume } from './room-type.js';
export { parseRoomPath } from './room-path.js';
export type { RoomRequest } from './room-path.js';
export { RoomCloseCode, JoinRefusal } from './close-codes.js';
export { connectToRoom, connectToLoopbackRoom } from './connect-to-room.js';
export type { ConnectToRoomOptions, ConnectToLoopbackRoomOptions } from './connect-to-room.js';
export { CountingPeer, emptyTraffic } from './counting-peer.js';
export type { TransportTraffic } from './counting-peer.js';
export { MultiplexPeer } from './multiplex-peer.js';
export { runServe, serveHelp } from './serve.js';
export type { ServeGame } from './serve.js';
export { SignalingServer, MAX_LOBBY_PEERS } from './signaling/signaling-server.js';
export type { SignalingServerOptions, LobbyInfo } from './signaling/signaling-server.js';
export {
  MessageType,
  MAX_MESSAGE_BYTES,
  encodeMessage,
  parseMessage,
  encodeCandidate,
  parseCandidate,
} from './signaling/signaling-protocol.js';
export type { SignalMessage } from './signaling/signaling-protocol.js';
export { ServerMetrics } from './metrics.js';
export type { MetricsSnapshot, RoomSnapshot, DropReasonName } from './metrics.js';
export { MetricsHttpServer } from './metrics-http.js';
export type { MetricsHttpOptions } from './metrics-http.js';
export { monitorPage } from './monitor-page.js';
