import { Signal } from '../../core/index.js';
import { HTTPRequest, Method, Result } from '../../plugins/http/index.js';
import { Node } from '../../scenetree/index.js';

/** What a game server tells the lobby about itself. */
export interface Announcement {
  readonly transport: 'ws' | 'enet';
  readonly name: string;
  readonly game: string;
  readonly port: number;
  readonly host?: string;
  readonly maxPlayers: number;
  readonly tags?: readonly string[];
}

/**
 * The game server's side of the lobby: registers on `_ready` (POST /servers), then heartbeats every
 * `heartbeatSeconds` of the tree's clock with the current player count (`players` is read each time).
 * Registers again if the lobby forgot it (404).
 */
export class ServerAnnouncer extends Node {
  /** The lobby accepted the registration. */
  readonly registered = new Signal<[id: string]>();
  /** A registration or heartbeat failed. */
  readonly announceFailed = new Signal<[reason: string]>();
  /** Current player count, sent with each heartbeat. */
  players = 0;
  readonly #lobbyUrl: string;
  readonly #announcement: Announcement;
  readonly #heartbeatMs: number;
  readonly #http = new HTTPRequest('AnnounceRequest');
  #id: string | null = null;
  #token = '';
  #nextBeatMs = 0;

  constructor(lobbyUrl: string, announcement: Announcement, heartbeatSeconds = 10) {
    super('ServerAnnouncer');
    this.#lobbyUrl = lobbyUrl.replace(/\/$/, '');
    this.#announcement = announcement;
    this.#heartbeatMs = heartbeatSeconds * 1000;
    this.#http.timeout = 10;
    this.#http.requestCompleted.connect((result, code, _h, body) => this.#onCompleted(result, code, body));
  }

  /** The id the lobby gave this server, once registered. */
  get serverId(): string | null {
    return this.#id;
  }

  override _ready(): void {
    this.addChild(this.#http);
    this.#register();
  }

  override _process(_delta: number): void {
    if (this.#id === null || this.getTree().clock.nowMs() < this.#nextBeatMs) return;
    const body = JSON.stringify({ token: this.#token, players: this.players });
    if (
      this.#http.request(`${this.#lobbyUrl}/servers/${this.#id}/heartbeat`, ['Content-Type: application/json'], Method.POST, body) === 0
    ) {
      this.#nextBeatMs = this.getTree().clock.nowMs() + this.#heartbeatMs;
    }
  }

  #register(): void {
    const a = this.#announcement;
    const body = JSON.stringify({ ...a, tags: a.tags ?? [], players: this.players });
    this.#http.request(`${this.#lobbyUrl}/servers`, ['Content-Type: application/json'], Method.POST, body);
  }

  #onCompleted(result: number, code: number, body: Uint8Array): void {
    if (result !== Result.SUCCESS) return this.announceFailed.emit(`lobby unreachable (HTTPRequest result ${result})`);
    let data: Record<string, unknown> = {};
    try {
      data = JSON.parse(new TextDecoder().decode(body)) as Record<string, unknown>;
    } catch {
      // Not JSON: reported below through the status code.
    }
    if (code === 201 && typeof data.id === 'string' && typeof data.token === 'string') {
      this.#id = data.id;
      this.#token = data.token;
      this.#nextBeatMs = this.getTree().clock.nowMs() + this.#heartbeatMs;
      return this.registered.emit(data.id);
    }
    if (code === 200) return;
    if (code === 404 && this.#id !== null) {
      this.#id = null;
      return this.#register();
    }
    this.announceFailed.emit(`lobby answered ${code}: ${typeof data.error === 'string' ? data.error : 'no reason'}`);
  }
}
