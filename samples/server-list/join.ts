import { ErrorCode } from '../../core/index.js';
import { ENetMultiplayerPeer } from '../../plugins/enet/index.js';
import { WebSocketMultiplayerPeer } from '../../plugins/websocket/index.js';
import type { SceneTree } from '../../scenetree/index.js';
import type { ListedServer } from './lobby-service.js';

/**
 * How a client joins the server it picked from the list: given the server's address and the
 * client's tree, set up `tree.getMultiplayer().multiplayerPeer`; the tree's `connectedToServer`
 * then says it worked. Pluggable, so the lobby works with any transport.
 */
export type JoinServer = (server: ListedServer, tree: SceneTree) => ErrorCode;

/** Joins over WebSocket (`ws://host:port`): the game servers of this sample listen with WebSocketMultiplayerPeer. */
export function joinOverWebSocket(server: ListedServer, tree: SceneTree): ErrorCode {
  const peer = new WebSocketMultiplayerPeer();
  const host = server.host.includes(':') ? `[${server.host}]` : server.host;
  const err = peer.createClient(`ws://${host}:${server.port}`);
  if (err !== ErrorCode.OK) return err;
  tree.getMultiplayer().multiplayerPeer = peer;
  return ErrorCode.OK;
}

/** Joins over ENet (UDP `host:port`). */
export function joinOverENet(server: ListedServer, tree: SceneTree): ErrorCode {
  const peer = new ENetMultiplayerPeer();
  const err = peer.createClient(server.host, server.port);
  if (err !== ErrorCode.OK) return err;
  tree.getMultiplayer().multiplayerPeer = peer;
  return ErrorCode.OK;
}

/** Joins with the transport the server announced. */
export function joinByTransport(server: ListedServer, tree: SceneTree): ErrorCode {
  return server.transport === 'enet' ? joinOverENet(server, tree) : joinOverWebSocket(server, tree);
}
