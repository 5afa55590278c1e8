import {
  ErrorCode,
  LogLevel,
  ManualClock,
  MemoryLogger,
  systemClock,
  teeLogger,
  type Clock,
  type Logger,
  type MultiplayerPeer,
} from '../../core/index.js';
import { SceneMultiplayer, SceneTree } from '../../scenetree/index.js';
import { Simulation } from '../../plugins/loopback/index.js';
import { createLobbyPeer, LobbySession, logLine, type LobbyPeer } from './lobby-session.js';
import { moduleTransport, socketTransport, type SocketTransportName } from './transports.js';

/** What a lobby run reports. */
export interface LobbyRunResult {
  readonly ok: boolean;
  readonly summary: string;
  readonly frames: number;
  readonly traceHash?: string;
}

/** Options shared by every way of running the lobby. */
export interface LobbyRunOptions {
  readonly mode: 'host' | 'dedicated';
  readonly clients: number;
  readonly print: (line: string) => void;
  /** Bound on frames, so a broken run ends by itself. */
  readonly maxFrames: number;
  /** Aborted (by SIGINT/SIGTERM in the CLI): the run stops at the next frame and closes its peers. */
  readonly stop?: AbortSignal;
}

const REJECTED = /RPC 'teleport' is not allowed/;

function printingLogger(name: string, clock: Clock, print: (line: string) => void): Logger {
  const line = (level: string) => (message: string) => print(logLine(clock, name, `${level}: ${message}`));
  return { debug: () => {}, info: () => {}, warn: line('warning'), error: line('error') };
}

/** Every peer in one process on the loopback network: seeded, virtual time, reproducible. */
export async function runInProcess(options: LobbyRunOptions & { readonly seed: number }): Promise<LobbyRunResult> {
  const clock = new ManualClock();
  const expectedPlayers = options.clients + (options.mode === 'host' ? 1 : 0);
  const sessionOptions = { mode: options.mode, clock, print: options.print, expectedPlayers };
  const peers: LobbyPeer[] = [];
  const sim = new Simulation({
    seed: options.seed,
    clients: options.clients,
    clock,
    conditions: { latencyMs: 30, jitterMs: 10, loss: 0.05 },
    logger: (name) => printingLogger(name, clock, options.print),
    setup: (p) => peers.push(createLobbyPeer(p.tree, p.name, p.index === 0, p.index, sessionOptions)),
  });
  options.print(
    `lobby: ${options.mode} mode, 1 server + ${options.clients} clients, loopback network (seed ${options.seed}, 30±10 ms, 5 % loss)`,
  );
  try {
    const session = new LobbySession(peers, sessionOptions);
    peers[0]!.lobby.hostGame();
    const stopped = (): boolean => options.stop?.aborted === true;
    await sim.until(() => (session.update(), session.phase === 'done' || session.phase === 'failed' || stopped()), {
      maxFrames: options.maxFrames,
    });
    const rejected = sim.peers.reduce((n, p) => n + p.log.at(LogLevel.ERROR).filter((r) => REJECTED.test(r.message)).length, 0);
    for (const p of peers.slice(1)) p.lobby.removeMultiplayerPeer();
    await sim.until(() => sim.server.multiplayer.getPeers().length === 0 || stopped(), { maxFrames: 600 });
    return report(session, rejected, sim.frame, sim.traceHash(), options.print);
  } finally {
    sim.close();
  }
}

/** Real sockets (ws or enet) in real time: in one process, or one role per process. */
export async function runRealTime(
  options: LobbyRunOptions & {
    readonly transport: SocketTransportName | string;
    readonly transportModule?: string;
    readonly server?: number;
    readonly client?: string;
  },
): Promise<LobbyRunResult> {
  const transport =
    options.transportModule !== undefined
      ? await moduleTransport(options.transportModule, options.transport)
      : await socketTransport(options.transport as SocketTransportName);
  // A client-only process learns the round's size from the server (Lobby.setRoundSize).
  const clientOnly = options.client !== undefined;
  const expectedPlayers = clientOnly ? undefined : options.clients + (options.mode === 'host' ? 1 : 0);
  const sessionOptions = {
    mode: options.mode,
    clock: systemClock,
    print: options.print,
    ...(expectedPlayers !== undefined ? { expectedPlayers } : {}),
  };
  const logs: MemoryLogger[] = [];
  const peers: LobbyPeer[] = [];
  const transports: MultiplayerPeer[] = [];
  const add = (name: string, isServer: boolean, index: number, peer: MultiplayerPeer): void => {
    const log = new MemoryLogger();
    logs.push(log);
    const multiplayer = new SceneMultiplayer({
      clock: systemClock,
      logger: teeLogger(log, printingLogger(name, systemClock, options.print)),
    });
    const tree = new SceneTree({ clock: systemClock, multiplayer });
    peers.push(createLobbyPeer(tree, name, isServer, index, sessionOptions));
    multiplayer.multiplayerPeer = peer;
    transports.push(peer);
  };
  let address = options.client;
  if (options.client === undefined) {
    const { peer, port, err } = await transport.createServer(options.server ?? 0, options.clients);
    if (err !== ErrorCode.OK) return { ok: false, summary: `server could not start: ${err}`, frames: 0 };
    options.print(
      `lobby: ${options.transport} server listening on 127.0.0.1:${port}, waiting for ${options.clients} client${options.clients === 1 ? '' : 's'}`,
    );
    add('server', true, 0, peer);
    address = `127.0.0.1:${port}`;
  }
  if (options.server === undefined) {
    const count = options.client === undefined ? options.clients : 1;
    for (let i = 1; i <= count; i++) {
      const { peer, err } = transport.createClient(address!);
      if (err !== ErrorCode.OK) return { ok: false, summary: `client could not start: ${err}`, frames: 0 };
      add(`client${i}`, false, options.client === undefined ? i : 1 + Math.floor(Math.random() * 7), peer);
    }
  }
  const session = new LobbySession(peers, sessionOptions);
  peers.find((p) => p.isServer)?.lobby.hostGame();
  let frames = 0;
  const stopped = (): boolean => options.stop?.aborted === true;
  const frame = async (): Promise<void> => {
    for (const p of peers) p.tree.processFrame(1 / 60);
    frames++;
    await new Promise((resolve) => setTimeout(resolve, 5));
  };
  try {
    while (session.phase !== 'done' && session.phase !== 'failed' && frames < options.maxFrames && !stopped()) {
      await frame();
      session.update();
    }
    const rejected = logs.reduce((n, l) => n + l.at(LogLevel.ERROR).filter((r) => REJECTED.test(r.message)).length, 0);
    const server = peers.find((p) => p.isServer);
    for (const p of peers) if (!p.isServer) p.lobby.removeMultiplayerPeer();
    while (server !== undefined && server.lobby.multiplayer!.getPeers().length > 0 && frames < options.maxFrames + 600 && !stopped())
      await frame();
    return report(session, rejected, frames, undefined, options.print);
  } finally {
    for (const t of transports) t.close();
    for (const p of peers) p.tree.quit();
  }
}

function report(
  session: LobbySession,
  rejected: number,
  frames: number,
  traceHash: string | undefined,
  print: (l: string) => void,
): LobbyRunResult {
  const summaries = session.summaries();
  const agreed = summaries.every((s) => s === summaries[0]);
  const done = session.phase === 'done';
  print(`final positions (every peer's view ${agreed ? 'agrees' : 'DIFFERS'}): ${summaries[0]}`);
  print(`non-authority teleports rejected by receivers: ${rejected}`);
  if (traceHash !== undefined) print(`packet trace hash: ${traceHash} (same seed → same hash)`);
  // Every receiver of a non-authority call must have refused it (relay delivers it to all of them).
  const ok = done && agreed && (!session.cheatAttempted || rejected > 0);
  const summary = `${done ? 'round completed' : `stopped in phase "${session.phase}"`} in ${frames} frames; views ${agreed ? 'agree' : 'differ'}; ${rejected} cheat rejections`;
  return traceHash === undefined ? { ok, summary, frames } : { ok, summary, frames, traceHash };
}
