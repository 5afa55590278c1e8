/** Helpers for the game-server tests (not a test file). */
import type { Test } from 'tap';
import { ErrorCode, type Vector2 } from '../../core/index.js';
import { Node, rpc } from '../../scenetree/index.js';
import { GameServer, type GameServerOptions, type Room } from '../../server/index.js';

/**
 * `/root/Game/Player` with the script RPCs of the wire spec's §6.6 (`hit`, `move`, `ping`, all
 * any_peer), so its checksum is MD5("hitmoveping") as a Godot client computes it.
 */
export class Player extends Node {
  readonly hits: Array<[from: number, amount: number]> = [];
  pings = 0;

  @rpc('any_peer')
  hit(amount: number): void {
    this.hits.push([this.multiplayer!.getRemoteSenderId(), amount]);
  }

  @rpc('any_peer', 'unreliable')
  move(_dir: Vector2): void {}

  @rpc('any_peer')
  ping(): void {
    this.pings++;
  }
}

/** Builds `/root/Game/Player` in a tree's root. */
export function buildGame(root: Node): Player {
  const game = new Node('Game');
  const player = new Player('Player');
  game.addChild(player);
  root.addChild(game);
  return player;
}

/** The Player of a room. */
export function playerOf(room: Room): Player {
  return room.tree.root.getNode('Game/Player', Player);
}

/** A listening GameServer with an `arena` room type (Game/Player scene); closed in teardown. */
export async function arenaServer(
  t: Test,
  options: GameServerOptions & { maxClients?: number; emptyGraceMs?: number } = {},
): Promise<GameServer> {
  const server = new GameServer(options);
  server.define('arena', {
    setup: (room) => void buildGame(room.tree.root),
    ...(options.maxClients !== undefined ? { maxClients: options.maxClients } : {}),
    ...(options.emptyGraceMs !== undefined ? { emptyGraceMs: options.emptyGraceMs } : {}),
  });
  server.define('fixed', { setup: (room) => void buildGame(room.tree.root), createOnJoin: false });
  t.teardown(() => server.shutdown({ graceMs: 0 }));
  t.equal(await server.listen(0, '127.0.0.1'), ErrorCode.OK);
  return server;
}

/** Ticks the server (and polls `also`) with event-loop turns until `done()`; throws after `timeoutMs`. */
export async function tickUntil(
  server: GameServer,
  done: () => boolean,
  also: ReadonlyArray<{ poll(): void } | { processFrame(d: number): void }> = [],
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    server.tick(1 / 60);
    for (const x of also) {
      if ('poll' in x) x.poll();
      else x.processFrame(1 / 60);
    }
    if (done()) return;
    if (Date.now() > deadline) throw new Error(`tickUntil: not satisfied within ${timeoutMs} ms`);
    await new Promise<void>((resolve) => setTimeout(resolve, 2));
  }
}
