import { Signal } from '../../core/index.js';
import { Node, rpc } from '../../scenetree/index.js';

/** What each player tells the others about itself (a Dictionary on the wire). */
export interface PlayerInfo {
  readonly name: string;
}

/** How the lobby reports what happens (the sample prints it; tests collect it). */
export type LobbyLog = (message: string) => void;

/** Lobby options. */
export interface LobbyOptions {
  /** This peer's player info; `null` for a dedicated server that does not play. */
  readonly playerInfo: PlayerInfo | null;
  /** The scene every peer loads when the game starts. */
  readonly gameScene: string;
  /** Players in a round, the host included; set on the server, which tells each client as it connects. */
  readonly roundSize?: number;
  readonly log?: LobbyLog;
}

/** The most players a round may announce (a client refuses a larger number from the network). */
export const MAX_ROUND_SIZE = 64;

/**
 * Godot's lobby from the "High-level multiplayer" documentation (lobby.gd), as a reusable node:
 * keeps the `players` map in step through `registerPlayer` RPCs, loads the game scene on every peer
 * with `loadGame`, and starts the game once every player reported `playerLoaded`.
 * Add it as `/root/Lobby` (an autoload in Godot).
 */
export class Lobby extends Node {
  readonly playerConnected = new Signal<[id: number, info: PlayerInfo]>();
  readonly playerDisconnected = new Signal<[id: number]>();
  readonly serverDisconnected = new Signal();
  /** Emitted on the server when every player has loaded the game scene. */
  readonly allPlayersLoaded = new Signal();

  readonly players = new Map<number, PlayerInfo>();
  /** Set when the connection to the server failed or was lost. */
  lostServer = false;
  readonly playerInfo: PlayerInfo | null;
  readonly gameScene: string;
  /**
   * Players in a round, the host included: given to the server, learned by a client from the server's
   * `setRoundSize` when it connects (so a client process needs no `--clients`). `null` until known.
   */
  roundSize: number | null;
  #playersLoaded = 0;
  readonly #log: LobbyLog;

  constructor(options: LobbyOptions) {
    super('Lobby');
    this.playerInfo = options.playerInfo;
    this.gameScene = options.gameScene;
    this.roundSize = options.roundSize ?? null;
    this.#log = options.log ?? (() => {});
  }

  override _ready(): void {
    const mp = this.multiplayer!;
    mp.peerConnected.connect((id) => this.#onPeerConnected(id));
    mp.peerDisconnected.connect((id) => this.#onPeerDisconnected(id));
    mp.connectedToServer.connect(() => this.#onConnectedOk());
    mp.connectionFailed.connect(() => this.#onConnectedFail());
    mp.serverDisconnected.connect(() => this.#onServerDisconnected());
  }

  /** Godot: create_game, after the peer was created: the host registers itself if it plays. */
  hostGame(): void {
    if (this.playerInfo === null) return this.#log('dedicated server up, waiting for players');
    this.players.set(1, this.playerInfo);
    this.#log(`hosting as ${this.playerInfo.name}`);
    this.playerConnected.emit(1, this.playerInfo);
  }

  /** Godot: remove_multiplayer_peer. Closes the transport and goes offline, without signals. */
  removeMultiplayerPeer(): void {
    const peer = this.multiplayer!.multiplayerPeer;
    this.multiplayer!.multiplayerPeer = null;
    peer.close();
    this.players.clear();
    this.#log('left the game');
  }

  /** The server starts the game: every peer loads the game scene. */
  startLoading(): void {
    (this as Lobby).rpc('loadGame', this.gameScene);
  }

  @rpc('call_local', 'reliable')
  loadGame(scenePath: string): void {
    this.#log(`loading ${scenePath}`);
    this.getTree().changeSceneToFile(scenePath);
  }

  /** Every peer calls this when it has loaded the game scene. */
  @rpc('any_peer', 'call_local', 'reliable')
  playerLoaded(): void {
    if (!this.multiplayer!.isServer()) return;
    this.#playersLoaded++;
    this.#log(`player ${this.multiplayer!.getRemoteSenderId()} loaded (${this.#playersLoaded}/${this.players.size})`);
    if (this.#playersLoaded === this.players.size) {
      this.#playersLoaded = 0;
      this.allPlayersLoaded.emit();
    }
  }

  /** Godot: _register_player. Called by every peer on every other one, with its info. */
  @rpc('any_peer', 'reliable')
  registerPlayer(info: unknown): void {
    const id = this.multiplayer!.getRemoteSenderId();
    const player = toPlayerInfo(info);
    if (player === null) return this.#log(`ignored invalid player info from ${id}`);
    this.players.set(id, player);
    this.#log(`player ${id} registered as ${player.name}`);
    this.playerConnected.emit(id, player);
  }

  /** The server tells a client how many players the round has. */
  @rpc('authority', 'reliable')
  setRoundSize(size: unknown): void {
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > MAX_ROUND_SIZE) {
      return this.#log(`ignored invalid round size from the server`);
    }
    if (this.roundSize !== size) this.#log(`the round has ${size} players`);
    this.roundSize = size;
  }

  #onPeerConnected(id: number): void {
    if (this.multiplayer!.isServer() && this.roundSize !== null) (this as Lobby).rpcId(id, 'setRoundSize', this.roundSize);
    if (this.playerInfo !== null) (this as Lobby).rpcId(id, 'registerPlayer', { name: this.playerInfo.name });
  }

  #onPeerDisconnected(id: number): void {
    this.players.delete(id);
    this.#log(`player ${id} left`);
    this.playerDisconnected.emit(id);
  }

  #onConnectedOk(): void {
    const id = this.multiplayer!.getUniqueId();
    this.#log(`connected to the server as ${id}`);
    if (this.playerInfo === null) return;
    this.players.set(id, this.playerInfo);
    this.playerConnected.emit(id, this.playerInfo);
  }

  #onConnectedFail(): void {
    this.#log('connection failed');
    this.lostServer = true;
    this.multiplayer!.multiplayerPeer = null;
  }

  #onServerDisconnected(): void {
    this.#log('server disconnected');
    this.lostServer = true;
    this.multiplayer!.multiplayerPeer = null;
    this.players.clear();
    this.serverDisconnected.emit();
  }
}

/** Player info arrives as a Dictionary: a Map or a plain object, depending on the decoder. */
function toPlayerInfo(value: unknown): PlayerInfo | null {
  const name =
    value instanceof Map
      ? value.get('name')
      : typeof value === 'object' && value !== null
        ? (value as Record<string, unknown>).name
        : undefined;
  return typeof name === 'string' && name.length > 0 && name.length <= 64 ? { name } : null;
}
