import { type ErrorCode, Signal } from '../../core/index.js';
import { HTTPRequest, Method, Result, queryStringFromDict, type QueryValue } from '../../plugins/http/index.js';
import { Node } from '../../scenetree/index.js';
import type { ListedServer } from './lobby-service.js';

/** Filters a player can ask the lobby for. */
export interface ServerFilters {
  readonly game?: string;
  readonly transport?: 'ws' | 'enet';
  readonly tag?: string;
  readonly hasSpace?: boolean;
  readonly limit?: number;
}

/**
 * The player's side of the lobby: `refresh()` lists servers with an HTTPRequest child; the answer
 * arrives as `serversListed(servers)` or `listFailed(reason)`.
 */
export class ServerBrowser extends Node {
  /** The lobby answered with this list. */
  readonly serversListed = new Signal<[servers: ListedServer[]]>();
  /** The lobby could not be asked, or answered with an error. */
  readonly listFailed = new Signal<[reason: string]>();
  readonly #lobbyUrl: string;
  readonly #http = new HTTPRequest('LobbyRequest');

  constructor(lobbyUrl: string, name = 'ServerBrowser') {
    super(name);
    this.#lobbyUrl = lobbyUrl.replace(/\/$/, '');
    this.#http.timeout = 10;
    this.#http.bodySizeLimit = 1 << 20;
    this.#http.requestCompleted.connect((result, code, _headers, body) => this.#onCompleted(result, code, body));
  }

  override _ready(): void {
    this.addChild(this.#http);
  }

  /** Asks the lobby for servers matching `filters`. ERR_BUSY while a refresh runs. */
  refresh(filters: ServerFilters = {}): ErrorCode {
    const query: Record<string, QueryValue> = {};
    if (filters.game !== undefined) query.game = filters.game;
    if (filters.transport !== undefined) query.transport = filters.transport;
    if (filters.tag !== undefined) query.tag = filters.tag;
    if (filters.hasSpace !== undefined) query.has_space = filters.hasSpace;
    if (filters.limit !== undefined) query.limit = filters.limit;
    const qs = queryStringFromDict(query);
    return this.#http.request(`${this.#lobbyUrl}/servers${qs === '' ? '' : `?${qs}`}`, ['Accept: application/json'], Method.GET);
  }

  #onCompleted(result: number, code: number, body: Uint8Array): void {
    if (result !== Result.SUCCESS) return this.listFailed.emit(`request failed (HTTPRequest result ${result})`);
    let data: unknown;
    try {
      data = JSON.parse(new TextDecoder().decode(body));
    } catch {
      return this.listFailed.emit(`lobby answered ${code} with a body that is not JSON`);
    }
    if (code !== 200) return this.listFailed.emit(`lobby answered ${code}: ${(data as { error?: string }).error ?? 'no reason'}`);
    const servers = (data as { servers?: unknown }).servers;
    if (!Array.isArray(servers)) return this.listFailed.emit('lobby answer has no server list');
    this.serversListed.emit(servers.filter(isListedServer));
  }
}

/** Trust nothing from the network: keep only well-formed entries. */
function isListedServer(v: unknown): v is ListedServer {
  const s = v as Record<string, unknown>;
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.id === 'string' &&
    typeof s.name === 'string' &&
    (s.transport === 'ws' || s.transport === 'enet') &&
    typeof s.host === 'string' &&
    Number.isInteger(s.port) &&
    Number.isInteger(s.players) &&
    Number.isInteger(s.maxPlayers)
  );
}
