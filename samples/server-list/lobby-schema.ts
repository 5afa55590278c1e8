/**
 * Validation of everything the lobby reads from the network: a strict schema per message (unknown
 * fields are refused), with size limits on every string and list. Each parser returns the typed
 * value or a message for the 4xx answer.
 */

/** A game server's registration (`POST /servers`). */
export interface Registration {
  /** How players join: WebSocket (`ws`) or ENet (`enet`). */
  readonly transport: Transport;
  readonly name: string;
  readonly game: string;
  readonly port: number;
  readonly host: string | null;
  readonly players: number;
  readonly maxPlayers: number;
  readonly tags: readonly string[];
}

/** The transports a game server may announce. */
export type Transport = 'ws' | 'enet';
const TRANSPORTS: readonly string[] = ['ws', 'enet'];

/** A heartbeat (`POST /servers/:id/heartbeat`). */
export interface Heartbeat {
  readonly token: string;
  readonly players: number | null;
}

/** Filters of `GET /servers`. */
export interface ListFilters {
  readonly game: string | null;
  readonly transport: Transport | null;
  readonly tag: string | null;
  readonly hasSpace: boolean;
  readonly limit: number;
}

const GAME = /^[a-z0-9][a-z0-9._-]{0,31}$/;
const TAG = /^[a-z0-9][a-z0-9-]{0,23}$/;
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^[0-9a-fA-F:.]{2,45}$/;
const TOKEN = /^[0-9a-f]{32}$/;
/** Most servers one `GET /servers` returns. */
export const MAX_LIST = 100;

type Fields = Record<string, unknown>;

function object(value: unknown, allowed: readonly string[]): Fields | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'body must be a JSON object';
  const unknown = Object.keys(value).filter((k) => !allowed.includes(k));
  return unknown.length > 0 ? `unknown field(s): ${unknown.join(', ')}` : (value as Fields);
}

function int(v: unknown, name: string, min: number, max: number): number | string {
  return Number.isInteger(v) && (v as number) >= min && (v as number) <= max
    ? (v as number)
    : `${name} must be an integer in [${min}, ${max}]`;
}

/** Checks a registration body. */
export function parseRegistration(value: unknown): Registration | string {
  const o = object(value, ['transport', 'name', 'game', 'port', 'host', 'players', 'maxPlayers', 'tags']);
  if (typeof o === 'string') return o;
  if (typeof o.name !== 'string' || o.name.trim().length === 0 || o.name.length > 64 || /\p{Cc}/u.test(o.name)) {
    return 'name must be 1 to 64 printable characters';
  }
  if (typeof o.game !== 'string' || !GAME.test(o.game)) return 'game must match [a-z0-9][a-z0-9._-]{0,31}';
  const port = int(o.port, 'port', 1, 65535);
  if (typeof port === 'string') return port;
  const maxPlayers = int(o.maxPlayers, 'maxPlayers', 1, 1024);
  if (typeof maxPlayers === 'string') return maxPlayers;
  const players = int(o.players ?? 0, 'players', 0, maxPlayers);
  if (typeof players === 'string') return players;
  const transport = o.transport ?? 'ws';
  if (typeof transport !== 'string' || !TRANSPORTS.includes(transport)) return 'transport must be "ws" or "enet"';
  if (o.host !== undefined && (typeof o.host !== 'string' || o.host.length > 253 || !HOST.test(o.host)))
    return 'host must be a host name or an IP address';
  const tags = o.tags ?? [];
  if (!Array.isArray(tags) || tags.length > 8 || !tags.every((t) => typeof t === 'string' && TAG.test(t))) {
    return 'tags must be at most 8 strings matching [a-z0-9][a-z0-9-]{0,23}';
  }
  return {
    transport: transport as Transport,
    name: o.name.trim(),
    game: o.game,
    port,
    host: (o.host as string | undefined) ?? null,
    players,
    maxPlayers,
    tags: [...new Set(tags as string[])],
  };
}

/** Checks a heartbeat body (`players` is checked against the entry's maximum by the caller). */
export function parseHeartbeat(value: unknown): Heartbeat | string {
  const o = object(value, ['token', 'players']);
  if (typeof o === 'string') return o;
  if (typeof o.token !== 'string' || !TOKEN.test(o.token)) return 'token must be 32 hex digits';
  if (o.players === undefined) return { token: o.token, players: null };
  const players = int(o.players, 'players', 0, 1024);
  return typeof players === 'string' ? players : { token: o.token, players };
}

/** Checks the query of `GET /servers`. */
export function parseListFilters(query: URLSearchParams): ListFilters | string {
  const unknown = [...query.keys()].filter((k) => !['game', 'transport', 'tag', 'has_space', 'limit'].includes(k));
  if (unknown.length > 0) return `unknown filter(s): ${unknown.join(', ')}`;
  const game = query.get('game');
  if (game !== null && !GAME.test(game)) return 'game must match [a-z0-9][a-z0-9._-]{0,31}';
  const transport = query.get('transport');
  if (transport !== null && !TRANSPORTS.includes(transport)) return 'transport must be "ws" or "enet"';
  const tag = query.get('tag');
  if (tag !== null && !TAG.test(tag)) return 'tag must match [a-z0-9][a-z0-9-]{0,23}';
  const space = query.get('has_space');
  if (space !== null && space !== 'true' && space !== 'false') return 'has_space must be true or false';
  const limitText = query.get('limit') ?? String(MAX_LIST);
  const limit = /^\d{1,3}$/.test(limitText) ? Number(limitText) : -1;
  if (limit < 1 || limit > MAX_LIST) return `limit must be an integer in [1, ${MAX_LIST}]`;
  return { game, transport: transport as Transport | null, tag, hasSpace: space === 'true', limit };
}
