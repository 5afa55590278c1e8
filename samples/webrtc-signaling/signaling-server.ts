/** The signaling server lives in the server layer (one implementation for the sample and `scenenet serve`). */
export { SignalingServer, MAX_LOBBY_PEERS } from '../../server/signaling/signaling-server.js';
export type { SignalingServerOptions, LobbyInfo } from '../../server/signaling/signaling-server.js';
