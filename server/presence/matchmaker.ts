import { ErrorCode, MultiplayerError, cryptoRng, type Rng } from '../../core/index.js';
import { processChannel, type Criterion, type Presence, type Reservation, type ReserveRequest, type RoomListing } from './presence.js';

/** Options of `Matchmaker`; all optional. */
export interface MatchmakerOptions {
  /** How long a reserved seat waits for its client (ms, default 15 000); then it is given back. */
  readonly seatTtlMs?: number;
  /** How long a room placed on a process is listed before that process reports it (ms, default 15 000). */
  readonly pendingTtlMs?: number;
  readonly rng?: Rng;
}

/** A reserved seat: where to connect, with what. */
export interface SeatReservation extends Reservation {
  /** The single-use seat token. */
  readonly token: string;
  /**
   * The URL to connect to: `<process url>/<type>/<roomId>?seat=<token>`. A stock Godot client
   * passes it to `WebSocketMultiplayerPeer.create_client` as it is.
   */
  readonly joinUrl: string;
}

/** Query parameter that carries the seat token in a join URL. */
export const SEAT_PARAM = 'seat';

/** Seat tokens: 32 hex characters (128 random bits). */
export const SEAT_TOKEN_PATTERN = /^[0-9a-f]{32}$/;

const ID_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/**
 * Finds or places rooms across every process sharing a presence and reserves seats in them
 * (Colyseus's matchMaker, on our presence). Any process may run one: all state is in the presence,
 * and each reservation is one atomic step there, so two matchmakers never over-book a room.
 */
export class Matchmaker {
  readonly #presence: Presence;
  readonly #rng: Rng;
  readonly #seatTtlMs: number;
  readonly #pendingTtlMs: number;

  constructor(presence: Presence, options: MatchmakerOptions = {}) {
    this.#presence = presence;
    this.#rng = options.rng ?? cryptoRng;
    this.#seatTtlMs = options.seatTtlMs ?? 15_000;
    this.#pendingTtlMs = options.pendingTtlMs ?? 15_000;
  }

  /**
   * A seat in the fullest open room of `type` whose metadata has `criteria`, or in a new room
   * (with `criteria` as its metadata) placed on the process with the fewest rooms.
   * Throws MultiplayerError ERR_UNAVAILABLE when no live process hosts `type`.
   */
  joinOrCreate(type: string, criteria: Readonly<Record<string, Criterion>> = {}): Promise<SeatReservation> {
    return this.#reserve({ mode: 'join-or-create', type, criteria });
  }

  /** A seat in room `roomId`. Throws ERR_DOES_NOT_EXIST (unknown or gone), ERR_BUSY (full) or ERR_LOCKED. */
  join(roomId: string): Promise<SeatReservation> {
    return this.#reserve({ mode: 'join', type: '', roomId });
  }

  /** A seat in a new room of `type` with `metadata`. Throws ERR_UNAVAILABLE when no live process hosts `type`. */
  create(type: string, metadata: Readonly<Record<string, Criterion>> = {}): Promise<SeatReservation> {
    return this.#reserve({ mode: 'create', type, criteria: metadata });
  }

  /** The listed rooms of `type` (or every type) that pass `filter`. */
  async list(type?: string, filter: (room: RoomListing) => boolean = () => true): Promise<RoomListing[]> {
    return (await this.#presence.listRooms(type)).filter(filter);
  }

  /** Sends `data` to room `roomId` on whichever process hosts it (its registry's `told` signal). */
  async tellRoom(roomId: string, data: unknown): Promise<boolean> {
    const room = (await this.#presence.listRooms()).find((r) => r.id === roomId);
    if (room === undefined) return false;
    await this.#presence.publish(processChannel(room.processId), JSON.stringify({ op: 'tell', roomId, data }));
    return true;
  }

  async #reserve(request: Pick<ReserveRequest, 'mode' | 'type' | 'roomId' | 'criteria'>): Promise<SeatReservation> {
    for (let attempt = 0; ; attempt++) {
      const token = this.#hex(16);
      const result = await this.#presence.reserveSeat({
        ...request,
        token,
        seatTtlMs: this.#seatTtlMs,
        newRoomId: this.#roomId(),
        pendingTtlMs: this.#pendingTtlMs,
      });
      if (typeof result !== 'string') {
        if (result.created) {
          // Ask the process to open the room now; if the message is lost, the client's join URL
          // (`/<type>/<roomId>`) creates it on arrival.
          const message = JSON.stringify({ op: 'create', type: result.type, roomId: result.roomId, metadata: request.criteria ?? {} });
          await this.#presence.publish(processChannel(result.processId), message).catch(() => {});
        }
        const joinUrl = `${result.url}/${result.type}/${result.roomId}?${SEAT_PARAM}=${token}`;
        return { ...result, token, joinUrl };
      }
      if (result === 'exists' && attempt < 3) continue; // a fresh room id collided: draw again
      throw FAILURES[result](request.roomId ?? request.type);
    }
  }

  #roomId(): string {
    let id = '';
    for (let i = 0; i < 10; i++) id += ID_ALPHABET[this.#rng.nextUint32() % ID_ALPHABET.length];
    return id;
  }

  #hex(bytes: number): string {
    let out = '';
    for (let i = 0; i < bytes; i += 4) out += this.#rng.nextUint32().toString(16).padStart(8, '0');
    return out;
  }
}

const FAILURES: Record<string, (what: string) => MultiplayerError> = {
  not_found: (id) => new MultiplayerError(ErrorCode.ERR_DOES_NOT_EXIST, `No room "${id}" is listed.`),
  full: (id) => new MultiplayerError(ErrorCode.ERR_BUSY, `Room "${id}" is full.`),
  locked: (id) => new MultiplayerError(ErrorCode.ERR_LOCKED, `Room "${id}" is locked.`),
  no_process: (type) => new MultiplayerError(ErrorCode.ERR_UNAVAILABLE, `No live process hosts room type "${type}".`),
  exists: () => new MultiplayerError(ErrorCode.ERR_ALREADY_EXISTS, 'Could not draw a free room id.'),
};
