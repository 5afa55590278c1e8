import { Vector2 } from '../../core/index.js';
import { Node, rpc } from '../../scenetree/index.js';
import type { Lobby, LobbyLog } from './lobby.js';

/** Path of the game scene in the packed-scene registry. */
export const GAME_SCENE = 'res://game.tscn';

/** One player's avatar. Only its authority (the owning peer) may move it. */
export class Player extends Node {
  position = new Vector2(0, 0);
  moves = 0;
  settled = false;

  /** Sent by the owner every frame; receivers accept it only from the node's authority. */
  @rpc('authority', 'call_remote', 'unreliable_ordered', 1)
  move(position: Vector2): void {
    this.position = position;
    this.moves++;
  }

  /** Only the authority may teleport its player; anyone else's attempt is rejected by every receiver. */
  @rpc('authority', 'call_remote', 'reliable')
  teleport(position: Vector2): void {
    this.position = position;
  }

  /** The owner's final position, sent reliably when the round ends so every peer agrees. */
  @rpc('authority', 'call_local', 'reliable')
  reportFinal(position: Vector2): void {
    this.position = position;
    this.settled = true;
  }
}

/** The game scene: one Player per lobby player; the server starts and ends the round. */
export class Game extends Node {
  started = false;
  finished = false;
  #frame = 0;
  readonly #lobby: Lobby;
  readonly #log: LobbyLog;
  readonly #roundFrames: number;

  constructor(lobby: Lobby, options: { roundFrames: number; log: LobbyLog }) {
    super('Game');
    this.#lobby = lobby;
    this.#log = options.log;
    this.#roundFrames = options.roundFrames;
  }

  override _ready(): void {
    for (const id of [...this.#lobby.players.keys()].sort((a, b) => a - b)) this.#addPlayer(id);
    // Over a real network a peer may load the scene before it has heard of every other player.
    const off = this.#lobby.playerConnected.connect((id) => this.#addPlayer(id));
    this.treeExiting.connect(off, { once: true });
    this.#lobby.rpcId(1, 'playerLoaded');
  }

  #addPlayer(id: number): void {
    if (this.hasNode(`Player${id}`)) return;
    const player = new Player(`Player${id}`);
    player.setMultiplayerAuthority(id);
    this.addChild(player);
  }

  /** The server's start signal, once every player has loaded. */
  @rpc('authority', 'call_local', 'reliable')
  begin(): void {
    this.started = true;
    this.#log('round started');
  }

  /** The server ends the round for everyone; each owner then settles its final position. */
  @rpc('authority', 'call_local', 'reliable')
  finish(): void {
    this.finished = true;
    this.#log('round over');
    const me = this.getNodeOrNull(`Player${this.multiplayer!.getUniqueId()}`) as Player | null;
    if (me !== null) me.rpc('reportFinal', me.position);
  }

  /** A one-line summary of every player's position, as this peer sees it. */
  summary(): string {
    const players = this.players().sort((a, b) => a.getMultiplayerAuthority() - b.getMultiplayerAuthority());
    return players.map((p) => `${p.name}@(${p.position.x},${p.position.y})`).join(' ');
  }

  /** Frames played in this round. */
  get roundFrame(): number {
    return this.#frame;
  }

  players(): Player[] {
    return this.getChildren().filter((c): c is Player => c instanceof Player);
  }

  override _process(_delta: number): void {
    if (!this.started || this.finished) return;
    this.#frame++;
    const mp = this.multiplayer!;
    const me = this.getNodeOrNull(`Player${mp.getUniqueId()}`) as Player | null;
    if (me !== null) {
      me.position = new Vector2(me.position.x + 1, (mp.getUniqueId() % 7) + (this.#frame % 3));
      me.rpc('move', me.position);
    }
    if (mp.isServer() && this.#frame >= this.#roundFrames) (this as Game).rpc('finish');
  }
}
