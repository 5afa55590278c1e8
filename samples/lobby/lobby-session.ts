import { Vector2, type Clock } from '../../core/index.js';
import type { SceneTree } from '../../scenetree/index.js';
import { GAME_SCENE, Game, type Player } from './game.js';
import { Lobby, type PlayerInfo } from './lobby.js';

/** Names given to players, in join order. */
const NAMES = ['Ada', 'Grace', 'Linus', 'Margaret', 'Alan', 'Barbara', 'Dennis', 'Frances'];

/** One peer of a lobby session: its tree, lobby and what it logged. */
export interface LobbyPeer {
  readonly name: string;
  readonly tree: SceneTree;
  readonly lobby: Lobby;
  readonly isServer: boolean;
}

/** Options of a lobby session (shared by every transport). */
export interface LobbySessionOptions {
  /** `host`: the server also plays (Godot's default lobby); `dedicated`: it only serves. */
  readonly mode: 'host' | 'dedicated';
  readonly clock: Clock;
  /** Frames a round lasts once it has started. */
  readonly roundFrames?: number;
  /** Frame of the round at which one client tries to move another's player (a rejected cheat); -1 = never. */
  readonly cheatAtFrame?: number;
  /**
   * Players in the whole session (all processes), the host included. Required for a process that runs
   * the server; a client-only process leaves it out and learns it from the server (`Lobby.roundSize`).
   */
  readonly expectedPlayers?: number;
  readonly print: (line: string) => void;
}

/** One line of the sample's log: `[   1.234s] client1  | message`. */
export function logLine(clock: Clock, peer: string, message: string): string {
  return `[${(clock.nowMs() / 1000).toFixed(3).padStart(8)}s] ${peer.padEnd(8)} | ${message}`;
}

/** Builds a peer's scene: `/root/Lobby` and the registered game scene. */
export function createLobbyPeer(tree: SceneTree, name: string, isServer: boolean, index: number, options: LobbySessionOptions): LobbyPeer {
  const print = (message: string): void => options.print(logLine(options.clock, name, message));
  const info: PlayerInfo | null = isServer && options.mode === 'dedicated' ? null : { name: NAMES[index % NAMES.length]! };
  const roundSize = isServer ? options.expectedPlayers : undefined;
  const lobby = new Lobby({ playerInfo: info, gameScene: GAME_SCENE, log: print, ...(roundSize !== undefined ? { roundSize } : {}) });
  tree.root.addChild(lobby);
  tree.scenes.registerScene(GAME_SCENE, () => new Game(lobby, { roundFrames: options.roundFrames ?? 90, log: print }));
  return { name, tree, lobby, isServer };
}

type Phase = 'joining' | 'loading' | 'playing' | 'settling' | 'done' | 'failed';

/**
 * The lobby session as a state machine advanced once per frame: wait until everyone knows everyone,
 * load the game everywhere, play a round, settle final positions, then report. It watches the peers
 * of this process only, so the same driver serves one-process and multi-process runs.
 */
export class LobbySession {
  phase: Phase = 'joining';
  readonly #peers: readonly LobbyPeer[];
  readonly #options: LobbySessionOptions;
  #cheated = false;

  /** Whether a client of this process tried the (rejected) cheat. */
  get cheatAttempted(): boolean {
    return this.#cheated;
  }

  constructor(peers: readonly LobbyPeer[], options: LobbySessionOptions) {
    this.#peers = peers;
    this.#options = options;
    const server = this.#server();
    server?.lobby.allPlayersLoaded.connect(() => (this.#game(server) as Game).rpc('begin'));
  }

  /** Call after every frame. */
  update(): void {
    if (this.phase !== 'done' && this.#peers.some((p) => p.lobby.lostServer)) this.phase = 'failed';
    switch (this.phase) {
      case 'joining': {
        const expected = this.#expectedPlayers();
        if (expected !== null && this.#peers.every((p) => p.lobby.players.size === expected)) {
          this.phase = 'loading';
          const server = this.#server();
          if (server === undefined) return;
          this.#options.print(`--- the server knows all ${expected} players: loading the game`);
          server.lobby.startLoading();
        }
        return;
      }
      case 'loading':
        if (this.#peers.every((p) => this.#game(p)?.started)) this.phase = 'playing';
        return;
      case 'playing':
        this.#maybeCheat();
        if (this.#peers.every((p) => this.#game(p)?.finished)) this.phase = 'settling';
        return;
      case 'settling':
        if (
          this.#peers.every((p) =>
            this.#game(p)!
              .players()
              .every((pl) => pl.settled),
          )
        )
          this.phase = 'done';
        return;
      default:
        return;
    }
  }

  /** Each peer's view of the final positions; all equal when the session is consistent. */
  summaries(): string[] {
    return this.#peers.map((p) => this.#game(p)?.summary() ?? '');
  }

  #maybeCheat(): void {
    const at = this.#options.cheatAtFrame ?? 20;
    const cheater = this.#peers.find((p) => !p.isServer && p !== this.#peers[1]);
    const victim = this.#peers[1];
    if (this.#cheated || at < 0 || cheater === undefined || victim === undefined) return;
    const game = this.#game(cheater);
    if (game === null || !game.started || game.roundFrame < at) return;
    const id = victim.lobby.multiplayer!.getUniqueId();
    const target = game.getNodeOrNull(`Player${id}`) as Player | null;
    if (target === null) return;
    this.#cheated = true;
    this.#options.print(`--- ${cheater.name} tries to teleport ${victim.name}'s player (it is not the authority)`);
    target.rpc('teleport', new Vector2(-999, -999));
  }

  /** The round's size: given to this process, or learned from the server by every client of it. */
  #expectedPlayers(): number | null {
    if (this.#options.expectedPlayers !== undefined) return this.#options.expectedPlayers;
    const sizes = new Set(this.#peers.map((p) => p.lobby.roundSize));
    return sizes.size === 1 ? [...sizes][0]! : null;
  }

  #server(): LobbyPeer | undefined {
    return this.#peers.find((p) => p.isServer);
  }

  #game(p: LobbyPeer): Game | null {
    const scene = p.tree.currentScene;
    return scene instanceof Game ? scene : null;
  }
}
