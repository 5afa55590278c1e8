/**
 * Scenarios for Simulation.explore tests and the explore bench: a server-owned counter replicated to
 * every client by a MultiplayerSynchronizer, with a planted off-by-one in a COPY of the replication rule
 * that rejects stale SYNC packets (the real rule in scenetree/ is never touched).
 */
import { MultiplayerSynchronizer, Node } from '../../scenetree/index.js';
import { SynchronizerState } from '../../scenetree/multiplayer/multiplayer-synchronizer.js';
import { converges, neverRegresses, type ExploreScenario, type SimPeer } from '../../plugins/loopback/index.js';

/**
 * A copy of `SynchronizerState.updateInboundSyncTime` (Godot's update_inbound_sync_time) with one
 * planted bug: `time < last - 1` where the rule says `time <= last`, so a SYNC exactly one older than
 * the newest applied one is applied too. On a link that reorders packets, a client's state steps back.
 */
export class OffByOneSyncState extends SynchronizerState {
  #started = false;
  #last = 0;

  override reset(): void {
    super.reset();
    this.#started = false;
    this.#last = 0;
  }

  override updateInboundSyncTime(time: number): boolean {
    if (!this.#started) this.#started = true;
    else if (time < this.#last - 1 && this.#last - time < 32767) return false; // planted: was `time <= this.#last`
    this.#last = time;
    return true;
  }
}

/** A synchronizer that uses the buggy copy of the rule. */
export class OffByOneSynchronizer extends MultiplayerSynchronizer {
  override readonly state: SynchronizerState = new OffByOneSyncState();
}

/** The replicated game state: a tick the server advances, and a score it changes now and then. */
export class Counter extends Node {
  tick = 0;
  score = 0;
}

function counter(peer: SimPeer): Counter | null {
  return peer.root.getNodeOrNull('Counter') as Counter | null;
}

/**
 * The server advances `tick` every frame (and `score` at random frames) for the first two thirds of
 * the world, then stays quiet. Invariants: a client never goes back in time, and converges to the
 * server's state within 3 s of quiet.
 */
export function counterScenario(options: { planted: boolean; clients?: number; frames?: number }): ExploreScenario {
  const frames = options.frames ?? 600;
  return {
    clients: options.clients ?? 3,
    frames,
    setup(peer) {
      const node = new Counter('Counter');
      const sync = options.planted ? new OffByOneSynchronizer('Sync') : new MultiplayerSynchronizer('Sync');
      sync.replicationConfig!.addProperty('.:tick');
      sync.replicationConfig!.addProperty('.:score');
      node.addChild(sync);
      peer.root.addChild(node);
    },
    frame(ctx) {
      const node = counter(ctx.sim.server)!;
      if (ctx.frame >= (frames * 2) / 3) return;
      node.tick++;
      if (ctx.rng.nextUint32() % 10 === 0) node.score += 1 + (ctx.rng.nextUint32() % 5);
    },
    invariants: [
      neverRegresses({ value: (p) => (p.index === 0 || counter(p)!.tick === 0 ? undefined : counter(p)!.tick) }),
      converges({ state: (p) => ({ tick: counter(p)!.tick, score: counter(p)!.score }), within: 180 }),
    ],
  };
}
