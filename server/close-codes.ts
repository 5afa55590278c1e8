/**
 * WebSocket close codes a game server sends (private-use range 4000–4999, RFC 6455 §7.4.2), shaped
 * after the HTTP status a web developer would expect. Part of the public interface: a client may
 * switch on them. A stock Godot client reads them with `WebSocketPeer.get_close_code()`.
 */
export const RoomCloseCode = {
  /** The URL path is not `/<roomId>`, `/<type>/<roomId>` or `/<type>/`. */
  BAD_URL: 4400,
  /** A `?resume=<token>` the room does not know: forged, already used, expired, or resume is off. */
  RESUME_REFUSED: 4401,
  /** With a matchmaker: the seat token is missing, unknown, already used or expired (ask for a new seat). */
  BAD_SEAT: 4403,
  /** No such room (and the URL named no type that may create it), or no such room type. */
  NOT_FOUND: 4404,
  /** The room has `maxClients` clients. */
  FULL: 4409,
  /** The room was disposed (by the API) while the client was in it. */
  CLOSED: 4410,
  /** The room is locked (sealed): it takes no new clients. */
  LOCKED: 4423,
  /** Creating the room would pass the server's `maxRooms`. */
  TOO_MANY_ROOMS: 4429,
  /** The server is shutting down (sent to every client during a drain). */
  SHUTTING_DOWN: 4503,
} as const;
export type RoomCloseCode = (typeof RoomCloseCode)[keyof typeof RoomCloseCode];

/** Why a join was refused: the `reason` label of the refusal counter, and the close code sent. */
export const JoinRefusal = {
  bad_url: RoomCloseCode.BAD_URL,
  resume_refused: RoomCloseCode.RESUME_REFUSED,
  bad_seat: RoomCloseCode.BAD_SEAT,
  not_found: RoomCloseCode.NOT_FOUND,
  full: RoomCloseCode.FULL,
  locked: RoomCloseCode.LOCKED,
  too_many_rooms: RoomCloseCode.TOO_MANY_ROOMS,
  shutting_down: RoomCloseCode.SHUTTING_DOWN,
} as const;
export type JoinRefusal = keyof typeof JoinRefusal;
