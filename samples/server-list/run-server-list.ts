import { sleep } from '../../cli/index.js';
import { ErrorCode } from '../../core/index.js';
import { ENetMultiplayerPeer } from '../../plugins/enet/index.js';
import { WebSocketMultiplayerPeer } from '../../plugins/websocket/index.js';
import { SceneTree } from '../../scenetree/index.js';
import type { JoinServer } from './join.js';
import { LobbyService, type ListedServer } from './lobby-service.js';
import { ServerAnnouncer } from './server-announcer.js';
import { ServerBrowser, type ServerFilters } from './server-browser.js';

/** Prints one line of the sample's output. */
export type Print = (line: string) => void;

/** How long and how fast the frame loop runs. */
export interface Frames {
  /** Stop after this many frames (undefined: until done or interrupted). */
  readonly frames: number | undefined;
  readonly fps: number;
  /** Aborted by SIGINT/SIGTERM in the CLI: the loop ends at the next frame. */
  readonly stop?: AbortSignal | undefined;
}

/** Runs `trees` frame by frame until `done()`, the frame budget ends or `stop` aborts; true if `done()`. */
export async function runFrames(trees: readonly SceneTree[], f: Frames, done: () => boolean): Promise<boolean> {
  for (let frame = 0; (f.frames === undefined || frame < f.frames) && f.stop?.aborted !== true; frame++) {
    for (const tree of trees) tree.processFrame(1 / f.fps);
    if (done()) return true;
    await sleep(1000 / f.fps, f.stop);
  }
  return done();
}

/** Starts the lobby service; null (after printing why) if it cannot listen. */
export async function startLobby(port: number, print: Print, ttlSeconds = 30): Promise<LobbyService | null> {
  const lobby = new LobbyService({ ttlSeconds });
  if ((await lobby.listen(port)) !== ErrorCode.OK) {
    print(`lobby: cannot listen on port ${port}`);
    return null;
  }
  print(`lobby listening on port ${lobby.port}`);
  return lobby;
}

/** The transports a game server of this sample can listen with. */
export type Transport = 'ws' | 'enet';

/** A game server: a WebSocket or ENet multiplayer server plus an announcer registered with the lobby. */
export interface GameServer {
  readonly tree: SceneTree;
  readonly announcer: ServerAnnouncer;
  readonly peer: WebSocketMultiplayerPeer | ENetMultiplayerPeer;
  players(): number;
}

/** Starts a game server named `name` on `transport` and announces it to the lobby at `lobbyUrl`. */
export async function startGameServer(lobbyUrl: string, name: string, transport: Transport, print: Print): Promise<GameServer | null> {
  const peer = transport === 'enet' ? new ENetMultiplayerPeer() : new WebSocketMultiplayerPeer();
  const err = peer instanceof ENetMultiplayerPeer ? await peer.createServer(0, 8) : await peer.createServer(0, '127.0.0.1');
  if (err !== ErrorCode.OK) {
    print(`game server "${name}": cannot listen (${transport}, error ${err})`);
    return null;
  }
  const tree = new SceneTree();
  tree.getMultiplayer().multiplayerPeer = peer;
  const announcer = new ServerAnnouncer(
    lobbyUrl,
    { transport, name, game: 'arena', host: '127.0.0.1', port: peer.getLocalPort(), maxPlayers: 8, tags: ['sample'] },
    5,
  );
  let players = 0;
  tree.getMultiplayer().peerConnected.connect((id) => {
    announcer.players = ++players;
    print(`game server "${name}": player ${id} joined`);
  });
  announcer.registered.connect((id) => print(`game server "${name}" (${transport} port ${peer.getLocalPort()}) registered as ${id}`));
  announcer.announceFailed.connect((why) => print(`game server "${name}": ${why}`));
  tree.root.addChild(announcer);
  return { tree, announcer, peer, players: () => players };
}

/** A player: lists servers, then joins the first one with `join` (or stops after listing). */
export interface Player {
  readonly tree: SceneTree;
  readonly browser: ServerBrowser;
  /** 'listed' once a non-empty list arrived; 'joined' once connected; 'failed' on an error. */
  state(): 'waiting' | 'listed' | 'joined' | 'failed';
  refresh(): void;
}

/** A player asking the lobby at `lobbyUrl` for `filters`. */
export function startPlayer(lobbyUrl: string, filters: ServerFilters, join: JoinServer | null, print: Print): Player {
  const tree = new SceneTree();
  const browser = new ServerBrowser(lobbyUrl);
  let state: ReturnType<Player['state']> = 'waiting';
  browser.serversListed.connect((servers: ListedServer[]) => {
    print(
      `player: ${servers.length} server(s): ${servers.map((s) => `${s.name} ${s.transport}://${s.host}:${s.port} ${s.players}/${s.maxPlayers}`).join(', ') || '-'}`,
    );
    const chosen = servers[0];
    if (chosen === undefined) return;
    state = 'listed';
    if (join === null) return print('player: no join transport chosen; stopping after the list');
    const err = join(chosen, tree);
    if (err !== ErrorCode.OK) {
      state = 'failed';
      return print(`player: joining ${chosen.name} failed (error ${err})`);
    }
    print(`player: joining ${chosen.name} at ${chosen.transport}://${chosen.host}:${chosen.port}`);
  });
  browser.listFailed.connect((why) => print(`player: listing failed: ${why}`));
  tree.getMultiplayer().connectedToServer.connect(() => {
    state = 'joined';
    print('player: joined the game server');
  });
  tree.getMultiplayer().connectionFailed.connect(() => {
    state = 'failed';
    print('player: could not connect to the game server');
  });
  tree.root.addChild(browser);
  return { tree, browser, state: () => state, refresh: () => void browser.refresh(filters) };
}

/** Closes a tree's multiplayer peer (its socket). */
export function closeTree(tree: SceneTree): void {
  tree.getMultiplayer().multiplayerPeer.close();
}
