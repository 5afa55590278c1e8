import { isRoomName } from './room-type.js';

/**
 * What a WebSocket URL path asks for (the README's "URL scheme"):
 * - `/<roomId>`: join the existing room `roomId`;
 * - `/<type>/<roomId>`: join room `roomId`, creating it as a `type` room if it does not exist;
 * - `/<type>/`: join the fullest open room of that type, or create one with a fresh id.
 * A query string is ignored. Anything else is null.
 */
export type RoomRequest =
  | { readonly kind: 'join'; readonly roomId: string }
  | { readonly kind: 'join-or-create'; readonly type: string; readonly roomId: string }
  | { readonly kind: 'quick-join'; readonly type: string };

/** Parses a request target (`/lobby/abc?x=1`); null when it is not a room URL. */
export function parseRoomPath(target: string): RoomRequest | null {
  const end = target.search(/[?#]/);
  const path = end === -1 ? target : target.slice(0, end);
  if (!path.startsWith('/')) return null;
  const parts = path.slice(1).split('/');
  if (parts.length === 1 && isRoomName(parts[0]!)) return { kind: 'join', roomId: parts[0]! };
  if (parts.length !== 2 || !isRoomName(parts[0]!)) return null;
  if (parts[1] === '') return { kind: 'quick-join', type: parts[0]! };
  return isRoomName(parts[1]!) ? { kind: 'join-or-create', type: parts[0]!, roomId: parts[1]! } : null;
}
