import { Vector2, type Clock } from '../../core/index.js';
import {
  ClientPrediction,
  NetworkTime,
  isAxisInput2,
  isFiniteVector2,
  type ClientPredictionOptions,
  type NetworkTimeOptions,
  type PredictionModel,
} from '../../netcode/index.js';
import { Simulation, type SimPeer, type SimulationOptions } from '../../plugins/loopback/index.js';
import { MultiplayerSynchronizer, Node } from '../../scenetree/index.js';

/** The network: 100 ± 30 ms one way, 5 % loss. */
export const WAN = { latencyMs: 100, jitterMs: 30, loss: 0.05 } as const;

/**
 * A client's local clock: the simulation's, shifted by seconds and running slightly fast or slow, so a
 * client cannot read the server's time off a shared clock and has to estimate it.
 */
export function skewedClock(sim: Simulation, index: number): Clock {
  const skewMs = index * 7_654.321 - 3_000;
  const rate = 1 + (index % 2 === 0 ? 4e-4 : -3e-4);
  return { nowMs: () => sim.clock.nowMs() * rate + skewMs };
}

/** A Simulation whose every peer has a NetworkTime at /root/NetworkTime (clients on skewed clocks). */
export function timedSimulation(
  options: SimulationOptions & { time?: NetworkTimeOptions; setupTimed?(p: SimPeer, time: NetworkTime, sim: Simulation): void },
): { sim: Simulation; times: Map<SimPeer, NetworkTime> } {
  const times = new Map<SimPeer, NetworkTime>();
  let simRef: Simulation | null = null;
  const sim = new Simulation({
    ...options,
    setup: (p) => {
      options.setup?.(p);
      const clock: Clock = p.index === 0 ? { nowMs: () => simRef!.clock.nowMs() } : { nowMs: () => skewedClock(simRef!, p.index).nowMs() };
      const time = new NetworkTime({ ...options.time, clock });
      p.root.addChild(time);
      times.set(p, time);
    },
  });
  simRef = sim;
  for (const p of sim.peers) options.setupTimed?.(p, times.get(p)!, sim);
  return { sim, times };
}

/** A node moved by the server every network tick, with its position and tick replicated every frame. */
export class Mover extends Node {
  position = new Vector2(0, 0);
  rotation = 0;
  tick = 0;
}

/** Adds `/root/Mover` (with a `Sync` synchronizer for position, rotation and tick) to a peer. */
export function addMover(p: SimPeer): Mover {
  const mover = new Mover('Mover');
  const sync = new MultiplayerSynchronizer('Sync');
  for (const prop of ['position', 'rotation', 'tick']) sync.replicationConfig!.addProperty(`.:${prop}`);
  mover.addChild(sync);
  p.root.addChild(mover);
  return mover;
}

/** Server side: moves `mover` at `speed` units/s along x (and spins it) on every network tick. */
export function driveMover(mover: Mover, time: NetworkTime, speed: number): void {
  time.networkTick.connect((tick, delta) => {
    mover.position = new Vector2(mover.position.x + speed * delta, 0);
    mover.rotation = (mover.rotation + 2 * delta) % (2 * Math.PI); // wraps: the client must go the short way
    mover.tick = tick;
  });
}

/** The largest per-frame movement of `node.position.x` over `frames` frames. */
export function maxJump(sim: Simulation, node: Mover, frames: number): number {
  let last = node.position.x;
  let worst = 0;
  for (let i = 0; i < frames; i++) {
    sim.step();
    worst = Math.max(worst, Math.abs(node.position.x - last));
    last = node.position.x;
  }
  return worst;
}

/** A walker: its position moves `speed` units/s along the held direction. The prediction model of the tests. */
export class WalkerModel implements PredictionModel<Vector2, Vector2> {
  /** The input peer's keys: set by the test between steps. */
  held = new Vector2(0, 0);
  readonly rendered: Vector2[] = [];
  constructor(
    readonly node: Node & { position: Vector2 },
    readonly speed = 200,
  ) {}
  step(state: Vector2, input: Vector2, delta: number): Vector2 {
    return new Vector2(state.x + input.x * this.speed * delta, state.y + input.y * this.speed * delta);
  }
  sampleInput(): Vector2 {
    return this.held;
  }
  readonly isInput = isAxisInput2;
  readonly isState = isFiniteVector2;
  render(state: Vector2): void {
    this.node.position = state;
  }
}

/** Adds `/root/Walker` with a ClientPrediction driven by `inputPeer`'s WalkerModel, on one peer. */
export function addWalker(
  p: SimPeer,
  time: NetworkTime,
  inputPeer: number,
  options: Partial<ClientPredictionOptions<Vector2, Vector2>> = {},
) {
  const node = new Mover('Walker');
  p.root.addChild(node);
  const model = new WalkerModel(node);
  const prediction = new ClientPrediction<Vector2, Vector2>({ model, time, initialState: new Vector2(0, 0), inputPeer, ...options });
  node.addChild(prediction);
  return { node, model, prediction };
}
