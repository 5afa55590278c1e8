import type { Logger } from '../../core/index.js';
import type { Node } from '../node.js';
import type { HeldStateStats } from './held-states.js';

/** A SIMPLIFY_PATH whose node is not in the tree yet. */
interface WaitingPath {
  readonly path: string;
  readonly md5: string;
}

/** What the waiting paths use of the path cache and SceneMultiplayer. */
export interface WaitingPathsHost {
  readonly log: Logger;
  readonly stats: HeldStateStats;
  /** Bound per peer (read at each wait). */
  maxWaiting(): number;
  rootNode(): Node | null;
  rootPathText(): string;
  /** Registers and confirms `from`'s `id` for `node` (the cache's normal path). */
  register(from: number, id: number, node: Node, path: string, md5: string): void;
}

/**
 * Divergence from Godot: Godot drops a SIMPLIFY_PATH for a node it does not have yet ("Node not found",
 * godot#76894, #98052, #77026) and the authority never sends it again, so that synchronizer (or spawner)
 * never works here. These are kept, bounded per peer, and confirmed once the node enters the tree.
 * Loaded with replication (replication-hook.ts), so a client bundle without it does not carry this.
 */
export class WaitingPaths {
  readonly #host: WaitingPathsHost;
  readonly #waiting = new Map<number, Map<number, WaitingPath>>();
  /** Peers whose waiting paths overflowed (logged once until their waiting set drains). */
  readonly #overflowing = new Set<number>();
  /** Peers already told (in the log) that one of their paths waits. */
  readonly #told = new Set<number>();
  /** A node entered the tree since the waiting paths were last looked up. */
  #treeGrew = false;

  constructor(host: WaitingPathsHost) {
    this.#host = host;
  }

  has(from: number, id: number): boolean {
    return this.#waiting.get(from)?.has(id) === true;
  }

  /** A SIMPLIFY_PATH for a node not in the tree (yet): kept until the node enters, or refused past the bound. */
  wait(from: number, id: number, path: string, md5: string): void {
    const h = this.#host;
    const max = h.maxWaiting();
    let waiting = this.#waiting.get(from);
    if ((waiting?.size ?? 0) >= max) {
      h.stats.pathsDropped++;
      if (this.#overflowing.has(from)) return;
      this.#overflowing.add(from);
      h.log.error(
        `Peer ${from} referenced node "${path}", which does not exist under ${h.rootPathText()}${max > 0 ? `; ${max} paths waiting for their nodes already: dropped` : ''}.`,
      );
      return;
    }
    if (waiting === undefined) this.#waiting.set(from, (waiting = new Map()));
    waiting.set(id, { path, md5 });
    h.stats.pathsWaiting++;
    if (this.#told.has(from)) return;
    this.#told.add(from);
    h.log.warn(
      `Peer ${from} referenced node "${path}", which does not exist under ${h.rootPathText()} yet: confirmed when it enters the tree.`,
    );
  }

  /** A node entered the tree: waiting paths are looked up again at the next `resolve`. */
  onNodeAdded(): void {
    if (this.#waiting.size > 0) this.#treeGrew = true;
  }

  /** Registers and confirms every waiting SIMPLIFY_PATH whose node is now in the tree (once per poll, outside tree changes). */
  resolve(): void {
    if (!this.#treeGrew) return;
    this.#treeGrew = false;
    const root = this.#host.rootNode();
    if (root === null) return;
    for (const [from, waiting] of [...this.#waiting]) {
      for (const [id, w] of [...waiting]) {
        const node = root.getNodeOrNull(w.path);
        if (node === null) continue;
        waiting.delete(id);
        this.#host.stats.pathsConfirmed++;
        this.#host.register(from, id, node, w.path, w.md5);
      }
      if (waiting.size === 0) {
        this.#waiting.delete(from);
        this.#overflowing.delete(from);
      }
    }
  }

  forgetPeer(peer: number): void {
    this.#waiting.delete(peer);
    this.#overflowing.delete(peer);
    this.#told.delete(peer);
  }

  clear(): void {
    this.#waiting.clear();
    this.#overflowing.clear();
    this.#told.clear();
  }
}
