import type { Node } from '../../scenetree/index.js';
import type { ExploreContext, Invariant } from './explore.js';
import type { SimPeer, Simulation } from './simulation.js';
import { stableKey } from './world.js';

/** Options of `converges`. */
export interface ConvergesOptions {
  /** The replicated state of a peer (any value; compared by `stableKey`). `undefined`: nothing yet. */
  state(peer: SimPeer): unknown;
  /** How many frames of quiet a client gets to catch up. Default 60. */
  readonly within?: number;
  readonly name?: string;
}

/** A connected client: its transport is up and it has its id. */
function connected(ctx: ExploreContext, peer: SimPeer): boolean {
  return ctx.sim.isActive(peer) && peer.multiplayer.getUniqueId() > 1 && peer.multiplayer.getPeers().length > 0;
}

/**
 * "Every client's replicated state equals the server's within N frames of quiet": once the server's
 * state has not changed for `within` frames and the client's connection has not been disturbed
 * (joined, partitioned, healed) for as long, a connected client must show the same state.
 */
export function converges(options: ConvergesOptions): Invariant {
  const within = options.within ?? 60;
  const worlds = new WeakMap<Simulation, { key: string; changed: number }>();
  return {
    name: options.name ?? `replicated state converges within ${within} frames of quiet`,
    check(ctx) {
      const server = stableKey(options.state(ctx.sim.server));
      let last = worlds.get(ctx.sim);
      if (last === undefined || last.key !== server) worlds.set(ctx.sim, (last = { key: server, changed: ctx.frame }));
      for (const client of ctx.sim.clients) {
        if (!connected(ctx, client)) continue;
        const quietSince = Math.max(last.changed, ctx.lastDisruption(client));
        if (ctx.frame - quietSince < within) continue;
        const mine = stableKey(options.state(client));
        if (mine !== server) {
          return `${client.name} shows ${clip(mine)} but the server has had ${clip(server)} for ${ctx.frame - last.changed} frames`;
        }
      }
    },
  };
}

/** Options of `neverRegresses`. */
export interface NeverRegressesOptions {
  /** A number that only grows on the server (a tick, a version); `undefined` while there is none. */
  value(peer: SimPeer): number | undefined;
  readonly name?: string;
}

/**
 * "A client never goes back in time": the value a client shows never decreases (stale or reordered
 * updates must not be applied over newer ones). A client that reconnects starts over.
 */
export function neverRegresses(options: NeverRegressesOptions): Invariant {
  const worlds = new WeakMap<Simulation, Map<SimPeer, { value: number; since: number }>>();
  return {
    name: options.name ?? 'replicated state never goes back',
    check(ctx) {
      let seen = worlds.get(ctx.sim);
      if (seen === undefined) worlds.set(ctx.sim, (seen = new Map()));
      for (const client of ctx.sim.clients) {
        const value = connected(ctx, client) ? options.value(client) : undefined;
        const before = seen.get(client);
        if (value === undefined || (before !== undefined && before.since < ctx.lastDisruption(client))) {
          seen.delete(client);
          if (value === undefined) continue;
        }
        const last = seen.get(client);
        if (last !== undefined && value < last.value) {
          return `${client.name} went back from ${last.value} to ${value}`;
        }
        seen.set(client, { value, since: ctx.frame });
      }
    },
  };
}

/** Options of `rpcRunsOnce`. */
export interface RpcRunsOnceOptions {
  /** Path of the node (from each peer's root) whose RPC is watched. */
  readonly node: string;
  readonly method: string;
  /** What identifies one call: default the sender and the arguments. Give each call a unique argument. */
  key?(args: readonly unknown[], sender: number): string;
  readonly name?: string;
}

/**
 * "No RPC runs twice": wraps `method` on the node at `node` of every peer (at setup) and fails when the
 * same call (sender + arguments, or `key`) runs twice on one peer. Holds for reliable RPCs; an
 * unreliable one may legitimately arrive twice when the link duplicates packets.
 */
export function rpcRunsOnce(options: RpcRunsOnceOptions): Invariant {
  const key = options.key ?? ((args, sender) => `${sender}|${stableKey(args)}`);
  const runs = new WeakMap<Simulation, string[]>();
  const counts = new WeakMap<SimPeer, Set<string>>();
  return {
    name: options.name ?? `RPC ${options.method} runs at most once per call`,
    setup(peer, ctx) {
      const node = peer.root.getNodeOrNull(options.node) as (Node & Record<string, unknown>) | null;
      if (node === null) throw new Error(`rpcRunsOnce: ${peer.name} has no node "${options.node}" at setup.`);
      const original = node[options.method];
      if (typeof original !== 'function') throw new Error(`rpcRunsOnce: "${options.node}" has no method ${options.method}.`);
      const seen = new Set<string>();
      counts.set(peer, seen);
      const wrapper = function (this: Node, ...args: unknown[]): unknown {
        const k = key(args, peer.multiplayer.getRemoteSenderId());
        if (seen.has(k)) {
          let list = runs.get(ctx.sim);
          if (list === undefined) runs.set(ctx.sim, (list = []));
          list.push(`${peer.name} ran ${options.method} twice for ${clip(k)}`);
        }
        seen.add(k);
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      };
      // The RPC layer checks the method's declared arity: keep it.
      Object.defineProperty(wrapper, 'length', { value: (original as (...a: unknown[]) => unknown).length });
      node[options.method] = wrapper;
    },
    check(ctx) {
      const list = runs.get(ctx.sim);
      if (list !== undefined && list.length > 0) return list[0];
    },
  };
}

function clip(text: string, max = 120): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
