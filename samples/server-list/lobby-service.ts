import http from 'node:http';
import type net from 'node:net';
import { ErrorCode, MultiplayerError, cryptoRng, silentLogger, systemClock, type Clock, type Logger, type Rng } from '../../core/index.js';
import { parseHeartbeat, parseListFilters, parseRegistration, type ListFilters } from './lobby-schema.js';
import { MemoryServerStore, type ServerEntry, type ServerStore } from './server-store.js';
import type { Matchmaker } from '../../server/presence/index.js';

/** A server as `GET /servers` lists it (no token). */
export interface ListedServer {
  readonly id: string;
  readonly transport: 'ws' | 'enet';
  readonly name: string;
  readonly game: string;
  readonly host: string;
  readonly port: number;
  readonly players: number;
  readonly maxPlayers: number;
  readonly tags: readonly string[];
}

/** Options of `new LobbyService()`; all optional. */
export interface LobbyServiceOptions {
  readonly clock?: Clock;
  readonly rng?: Rng;
  readonly logger?: Logger;
  readonly store?: ServerStore;
  /** A server not heard from for this long is dropped (seconds, default 30). */
  readonly ttlSeconds?: number;
  /** Registrations beyond this get 503 (default 1000). */
  readonly maxServers?: number;
  /** Larger request bodies get 413 (bytes, default 4096). */
  readonly maxBodyBytes?: number;
  /**
   * Most live registrations per client address, and per registering token (the `Authorization:
   * Bearer` of the request, if any); further ones get 429 (default 16 each). One client cannot fill
   * the lobby for everyone else.
   */
  readonly maxServersPerClient?: number;
  /** Answers `POST /match/<type>` (a seat) and `GET /rooms` across every process (multi-process mode). */
  readonly matchmaker?: Matchmaker;
}

/** An HTTP answer: status and JSON body. */
interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

const ROUTE_HEARTBEAT = /^\/servers\/([0-9a-f]{16})\/heartbeat$/;
const ROUTE_MATCH = /^\/match\/([A-Za-z0-9_-]{1,64})$/;

/**
 * The lobby: game servers register (`POST /servers`) and heartbeat (`POST /servers/:id/heartbeat`);
 * players list them (`GET /servers?game=&transport=&tag=&has_space=&limit=`). Entries expire `ttlSeconds` after
 * their last heartbeat, on the injected clock. Every input is validated (body size, content type,
 * strict JSON schema) and refused with a clear 4xx JSON `{ error }`.
 */
export class LobbyService {
  readonly #clock: Clock;
  readonly #rng: Rng;
  readonly #log: Logger;
  readonly #store: ServerStore;
  readonly #ttlMs: number;
  readonly #maxServers: number;
  readonly #maxBodyBytes: number;
  readonly #maxPerClient: number;
  readonly #matchmaker: Matchmaker | null;
  #server: http.Server | null = null;

  constructor(options: LobbyServiceOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#rng = options.rng ?? cryptoRng;
    this.#log = options.logger ?? silentLogger;
    this.#store = options.store ?? new MemoryServerStore();
    this.#ttlMs = (options.ttlSeconds ?? 30) * 1000;
    this.#maxServers = options.maxServers ?? 1000;
    this.#maxBodyBytes = options.maxBodyBytes ?? 4096;
    this.#maxPerClient = options.maxServersPerClient ?? 16;
    this.#matchmaker = options.matchmaker ?? null;
  }

  /** Starts listening; OK once bound, ERR_CANT_CREATE if the port is taken, ERR_ALREADY_IN_USE if running. */
  async listen(port = 0, host = '127.0.0.1'): Promise<ErrorCode> {
    if (this.#server !== null) return ErrorCode.ERR_ALREADY_IN_USE;
    const server = http.createServer((req, res) => this.#handle(req, res));
    server.headersTimeout = 10_000;
    server.requestTimeout = 10_000;
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, host, () => resolve(true));
    });
    if (!ok) return ErrorCode.ERR_CANT_CREATE;
    this.#server = server;
    return ErrorCode.OK;
  }

  /** The bound port, or 0. */
  get port(): number {
    return (this.#server?.address() as net.AddressInfo | null)?.port ?? 0;
  }

  /** Stops listening and drops open connections. */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The servers a `GET /servers` with `filters` would list now. */
  async list(filters: ListFilters): Promise<ListedServer[]> {
    await this.#expire();
    return (await this.#store.all())
      .filter(
        (e) =>
          (filters.game === null || e.game === filters.game) &&
          (filters.transport === null || e.transport === filters.transport) &&
          (filters.tag === null || e.tags.includes(filters.tag)) &&
          (!filters.hasSpace || e.players < e.maxPlayers),
      )
      .slice(0, filters.limit)
      .map(({ token: _token, expiresAtMs: _expires, owner: _owner, ...listed }) => listed);
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://lobby');
    const reply = (a: Answer): void => {
      if (a.status >= 400) this.#log.debug(`lobby: ${req.method} ${url.pathname} → ${a.status}`);
      res.writeHead(a.status, { 'Content-Type': 'application/json', ...a.headers });
      res.end(JSON.stringify(a.body));
    };
    // A store on the network may fail: the client gets 503, the lobby keeps serving.
    const answer = (work: () => Promise<Answer>): void =>
      void work().then(reply, (err: Error) => {
        this.#log.warn(`lobby: ${req.method} ${url.pathname} failed: ${err.message}`);
        reply({ status: 503, body: { error: 'lobby store unavailable, try again' }, headers: { 'Retry-After': '1' } });
      });
    if (url.pathname === '/servers') {
      if (req.method === 'GET') return answer(() => this.#onList(url.searchParams));
      if (req.method === 'POST')
        return void this.#readJson(req, (refused, body) => (refused !== null ? reply(refused) : answer(() => this.#onRegister(body, req))));
      return reply({ status: 405, body: { error: 'use GET or POST' }, headers: { Allow: 'GET, POST' } });
    }
    const beat = ROUTE_HEARTBEAT.exec(url.pathname);
    if (beat !== null) {
      if (req.method !== 'POST') return reply({ status: 405, body: { error: 'use POST' }, headers: { Allow: 'POST' } });
      return void this.#readJson(req, (refused, body) =>
        refused !== null ? reply(refused) : answer(() => this.#onHeartbeat(beat[1]!, body)),
      );
    }
    const match = ROUTE_MATCH.exec(url.pathname);
    if (this.#matchmaker !== null && match !== null) {
      if (req.method !== 'POST') return reply({ status: 405, body: { error: 'use POST' }, headers: { Allow: 'POST' } });
      return answer(() => this.#onMatch(this.#matchmaker!, match[1]!, url.searchParams));
    }
    if (this.#matchmaker !== null && url.pathname === '/rooms') {
      if (req.method !== 'GET') return reply({ status: 405, body: { error: 'use GET' }, headers: { Allow: 'GET' } });
      return answer(() => this.#onRooms(this.#matchmaker!, url.searchParams));
    }
    reply({ status: 404, body: { error: `no route ${url.pathname}` } });
  }

  /** Reads a JSON body under the size limit; hands over the value, or the refusal of a bad body. */
  #readJson(req: http.IncomingMessage, done: (refused: Answer | null, value: unknown) => void): void {
    const refuse = (a: Answer): void => done(a, undefined);
    const then = (value: unknown): void => done(null, value);
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') return refuse({ status: 415, body: { error: 'Content-Type must be application/json' } });
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > this.#maxBodyBytes) return refuse({ status: 413, body: { error: `body larger than ${this.#maxBodyBytes} bytes` } });
    const parts: Buffer[] = [];
    let size = 0;
    let answered = false;
    req.on('data', (d: Buffer) => {
      size += d.length;
      if (size <= this.#maxBodyBytes) return void parts.push(d);
      // Past the limit the rest is read and dropped (requestTimeout bounds a body that never ends).
      if (!answered)
        refuse({ status: 413, body: { error: `body larger than ${this.#maxBodyBytes} bytes` }, headers: { Connection: 'close' } });
      answered = true;
      parts.length = 0;
    });
    req.on('end', () => {
      if (answered) return;
      answered = true;
      let value: unknown;
      try {
        value = JSON.parse(Buffer.concat(parts).toString('utf8')) as unknown;
      } catch {
        return refuse({ status: 400, body: { error: 'body is not valid JSON' } });
      }
      then(value);
    });
    req.on('error', () => {});
  }

  async #onList(query: URLSearchParams): Promise<Answer> {
    const filters = parseListFilters(query);
    if (typeof filters === 'string') return { status: 400, body: { error: filters } };
    return { status: 200, body: { servers: await this.list(filters) } };
  }

  async #onRegister(body: unknown, req: http.IncomingMessage): Promise<Answer> {
    const r = parseRegistration(body);
    if (typeof r === 'string') return { status: 422, body: { error: r } };
    await this.#expire();
    const address = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    const bearer = /^Bearer ([\x21-\x7e]{1,200})$/.exec(req.headers.authorization ?? '')?.[1] ?? null;
    const all = await this.#store.all();
    const mine = all.filter((e) => e.owner?.address === address).length;
    const theirs = bearer === null ? 0 : all.filter((e) => e.owner?.bearer === bearer).length;
    if (mine >= this.#maxPerClient || theirs >= this.#maxPerClient) {
      this.#log.warn(
        `lobby: ${bearer !== null && theirs >= this.#maxPerClient ? 'a token' : address} has ${this.#maxPerClient} live registrations; refused another.`,
      );
      return {
        status: 429,
        body: { error: `at most ${this.#maxPerClient} servers per client` },
        headers: { 'Retry-After': String(this.#ttlMs / 1000) },
      };
    }
    if (all.length >= this.#maxServers) return { status: 503, body: { error: 'lobby is full' }, headers: { 'Retry-After': '30' } };
    const host = r.host ?? address;
    const entry: ServerEntry = {
      id: this.#hex(8),
      token: this.#hex(16),
      transport: r.transport,
      name: r.name,
      game: r.game,
      host,
      port: r.port,
      players: r.players,
      maxPlayers: r.maxPlayers,
      tags: r.tags,
      expiresAtMs: this.#clock.nowMs() + this.#ttlMs,
      owner: { address, bearer },
    };
    await this.#store.put(entry);
    this.#log.info(`lobby: registered ${entry.name} (${entry.id}) at ${host}:${entry.port}`);
    return { status: 201, body: { id: entry.id, token: entry.token, ttlSeconds: this.#ttlMs / 1000 } };
  }

  async #onHeartbeat(id: string, body: unknown): Promise<Answer> {
    const h = parseHeartbeat(body);
    if (typeof h === 'string') return { status: 422, body: { error: h } };
    await this.#expire();
    const entry = await this.#store.get(id);
    if (entry === undefined) return { status: 404, body: { error: 'unknown or expired server: register again' } };
    if (entry.token !== h.token) return { status: 403, body: { error: 'wrong token' } };
    if (h.players !== null && h.players > entry.maxPlayers)
      return { status: 422, body: { error: `players must be at most ${entry.maxPlayers}` } };
    await this.#store.put({ ...entry, players: h.players ?? entry.players, expiresAtMs: this.#clock.nowMs() + this.#ttlMs });
    return { status: 200, body: { ok: true, ttlSeconds: this.#ttlMs / 1000 } };
  }

  /** `POST /match/<type>?<key>=<value>…`: a seat in an open room of `type` whose metadata has the query's values. */
  async #onMatch(matchmaker: Matchmaker, type: string, query: URLSearchParams): Promise<Answer> {
    if ([...query.keys()].length > 8) return { status: 400, body: { error: 'at most 8 criteria' } };
    const criteria: Record<string, string> = {};
    for (const [key, value] of query) {
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(key) || value.length > 64)
        return { status: 400, body: { error: 'criteria are key=value with short keys and values' } };
      criteria[key] = value;
    }
    try {
      const seat = await matchmaker.joinOrCreate(type, criteria);
      return { status: 200, body: { roomId: seat.roomId, joinUrl: seat.joinUrl, token: seat.token, processId: seat.processId } };
    } catch (err) {
      if (MultiplayerError.is(err) && err.code === ErrorCode.ERR_UNAVAILABLE)
        return { status: 503, body: { error: err.message }, headers: { 'Retry-After': '1' } };
      throw err;
    }
  }

  /** `GET /rooms?type=`: every listed room (of `type`) on every process. */
  async #onRooms(matchmaker: Matchmaker, query: URLSearchParams): Promise<Answer> {
    const type = query.get('type') ?? undefined;
    if (type !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(type)) return { status: 400, body: { error: 'bad type' } };
    const rooms = await matchmaker.list(type);
    return {
      status: 200,
      body: {
        rooms: rooms.map(({ id, type: t, url, seats, clients, maxClients, locked, metadata, endpoints }) => ({
          id,
          type: t,
          url,
          seats,
          clients,
          maxClients,
          locked,
          metadata,
          endpoints,
        })),
      },
    };
  }

  async #expire(): Promise<void> {
    const now = this.#clock.nowMs();
    for (const e of await this.#store.all()) if (e.expiresAtMs <= now) await this.#store.delete(e.id);
  }

  #hex(bytes: number): string {
    let out = '';
    for (let i = 0; i < bytes; i += 4) out += this.#rng.nextUint32().toString(16).padStart(8, '0');
    return out.slice(0, bytes * 2);
  }
}
