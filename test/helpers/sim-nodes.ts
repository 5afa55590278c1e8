import { RPCMode, Vector2 } from '../../core/index.js';
import { Node, rpc } from '../../scenetree/index.js';
import type { SimPeer } from '../../plugins/loopback/simulation.js';

/** The Player of docs/wire/multiplayer.md §6.5/§6.6 examples: node-level set_position, script-level hit/move/ping. */
export class SpecPlayer extends Node {
  readonly calls: Array<{ method: string; args: unknown[]; sender: number }> = [];

  constructor() {
    super('Player');
    this.rpcConfig('set_position', { rpcMode: RPCMode.AUTHORITY });
  }

  set_position(position: Vector2): void {
    this.#record('set_position', [position]);
  }

  @rpc('any_peer')
  hit(amount: number): void {
    this.#record('hit', [amount]);
  }

  @rpc('any_peer', 'unreliable')
  move(dir: Vector2): void {
    this.#record('move', [dir]);
  }

  @rpc('any_peer')
  ping(): void {
    this.#record('ping', []);
  }

  #record(method: string, args: unknown[]): void {
    this.calls.push({ method, args, sender: this.multiplayer!.getRemoteSenderId() });
  }
}

/** A node-only variant: just `set_position` configured with rpcConfig (docs/wire/multiplayer.md §6.5). */
export class NodeLevelPlayer extends Node {
  readonly calls: Array<{ args: unknown[]; sender: number }> = [];
  constructor() {
    super('Player');
    this.rpcConfig('set_position', { rpcMode: RPCMode.AUTHORITY });
  }
  set_position(position: Vector2): void {
    this.calls.push({ args: [position], sender: this.multiplayer!.getRemoteSenderId() });
  }
}

/** Builds `/Game/Player` under a peer's root with the given player class. */
export function addGame(p: SimPeer, player: Node): void {
  const game = new Node('Game');
  p.root.addChild(game);
  game.addChild(player);
}

export { Vector2 };
