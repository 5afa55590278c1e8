import { RPCMode, TransferMode, type Variant } from '../core/index.js';
import { Node } from '../scenetree/index.js';
import { addScaled, difference, magnitude } from './interpolate.js';
import type { NetworkTime } from './network-time.js';

/** The game's rules for one predicted object: a deterministic step, and checks for what the network sends. */
export interface PredictionModel<S extends Variant, I extends Variant> {
  /** The state after `input` was applied for `delta` seconds. Must be deterministic: client and server run it. */
  step(state: S, input: I, delta: number): S;
  /** Input peer: the local input for `tick` (keys held, aim …). */
  sampleInput(tick: number): I;
  /** Server: whether a value from the network is a well-formed input (every byte is hostile). */
  isInput(value: unknown): value is I;
  /** Input peer: whether a value from the server is a well-formed state. */
  isState(value: unknown): value is S;
  /** Shows a state on the game object (every peer; on the input peer, the smoothed prediction). */
  render(state: S): void;
}

/** Options of `new ClientPrediction()`. */
export interface ClientPredictionOptions<S extends Variant, I extends Variant> {
  readonly model: PredictionModel<S, I>;
  readonly time: NetworkTime;
  readonly initialState: S;
  /** The peer whose inputs drive this object (it predicts; the server is the authority). */
  readonly inputPeer: number;
  /** Inputs repeated in each input packet (covers loss and reordering). Default 5. */
  readonly redundancy?: number;
  /** A visible correction decays with this time constant. Default 100 ms. */
  readonly smoothingMs?: number;
  /** Cap on how fast a correction is shown, in state units per second. Default: no cap. */
  readonly maxCorrectionSpeed?: number;
  /** An error larger than this is not smoothed: the prediction snaps. Default: Infinity. */
  readonly snapDistance?: number;
  /** Node name. Default `ClientPrediction`. */
  readonly name?: string;
}

/** Unacknowledged inputs kept by the input peer, and inputs queued on the server, at most. */
const MAX_INPUTS = 64;
/** How far ahead of the server's tick an input may be stamped (clock error); later ones are refused. */
const MAX_AHEAD_TICKS = 2;

/**
 * Client prediction with server reconciliation (not in Godot; Gambetta's "Fast-Paced Multiplayer" and
 * netfox's rollback are the models). Put it at the same path on the server and every client.
 *
 * - The input peer samples an input every network tick, applies it at once (prediction), and sends the
 *   last `redundancy` inputs to the server (unreliable RPC; a lost packet is covered by the next ones).
 * - The server applies each input once, in tick order, and returns its state with the last input tick
 *   it processed (unreliable RPC, every tick).
 * - On each state, the input peer rewinds to it and replays the inputs the server has not processed.
 *   A misprediction shows as an offset that decays over `smoothingMs` (capped by `maxCorrectionSpeed`),
 *   so the object never visibly teleports unless the error exceeds `snapDistance`.
 * Other peers see the object through a MultiplayerSynchronizer and a SnapshotInterpolator; on the input
 * peer the prediction is rendered again every frame, after any SYNC the synchronizer applied.
 */
export class ClientPrediction<S extends Variant, I extends Variant> extends Node {
  /** Off on the input peer: inputs still go to the server, but it shows only the server's state (what Godot does). */
  enabled = true;
  inputPeer: number;
  /** Input peer: reconciliations that changed the prediction. */
  corrections = 0;
  /** Input peer: size of the largest misprediction corrected. */
  largestCorrection = 0;
  /** Input peer: the most correction shown in one frame (what the player could see jump). */
  largestVisibleCorrection = 0;

  readonly #model: PredictionModel<S, I>;
  readonly #time: NetworkTime;
  readonly #redundancy: number;
  readonly #smoothingMs: number;
  readonly #maxSpeed: number;
  readonly #snapDistance: number;
  #state: S;
  /** Input peer: ticks and inputs not yet acknowledged. Server: inputs received, not yet applied. */
  readonly #inputs = new Map<number, I>();
  #lastProcessed = -1;
  #lastServerTick = -1;
  #offset: Variant | null = null;
  #off: (() => void) | null = null;

  constructor(options: ClientPredictionOptions<S, I>) {
    super(options.name ?? 'ClientPrediction');
    this.#model = options.model;
    this.#time = options.time;
    this.#state = options.initialState;
    this.inputPeer = options.inputPeer;
    this.#redundancy = Math.max(1, options.redundancy ?? 5);
    this.#smoothingMs = options.smoothingMs ?? 100;
    this.#maxSpeed = options.maxCorrectionSpeed ?? Number.POSITIVE_INFINITY;
    this.#snapDistance = options.snapDistance ?? Number.POSITIVE_INFINITY;
    this.processPriority = -999; // after NetworkTime, before the game's nodes
    this.rpcConfig('_predictionInputs', { rpcMode: RPCMode.ANY_PEER, transferMode: TransferMode.UNRELIABLE });
    this.rpcConfig('_predictionState', { rpcMode: RPCMode.ANY_PEER, transferMode: TransferMode.UNRELIABLE });
  }

  /** The simulated state: the server's authoritative one, or the input peer's prediction (unsmoothed). */
  get state(): S {
    return this.#state;
  }

  /** What the input peer shows: the prediction plus the correction still decaying. */
  get displayState(): S {
    return this.#offset === null ? this.#state : (addScaled(this.#state, this.#offset, 1) as S);
  }

  /** Server: the last input tick applied. Input peer: the last one the server acknowledged. */
  get lastProcessedInputTick(): number {
    return this.#lastProcessed;
  }

  /** Server: sets the state outside the inputs (a knockback, a respawn); the input peer reconciles to it. */
  setState(state: S): void {
    this.#state = state;
    this.#model.render(state);
  }

  override _ready(): void {
    this.#off = this.#time.networkTick.connect((tick, delta) => this.#onTick(tick, delta));
    this.#model.render(this.#state);
  }

  override _exitTree(): void {
    this.#off?.();
    this.#off = null;
  }

  override _process(delta: number): void {
    if (this.#role() !== 'input' || !this.enabled) return;
    if (this.#offset !== null) {
      const size = magnitude(this.#offset);
      const decay = size * (1 - Math.exp((-delta * 1000) / this.#smoothingMs));
      const shown = Math.min(size, decay, this.#maxSpeed * delta);
      this.largestVisibleCorrection = Math.max(this.largestVisibleCorrection, shown);
      this.#offset = size - shown <= 1e-9 ? null : addScaled(this.#offset, this.#offset, -shown / size);
    }
    // Every frame: a MultiplayerSynchronizer that also replicates the object to this peer may have
    // written the server's (older) state during poll; the prediction is what this peer shows.
    this.#model.render(this.displayState);
  }

  /** Server: inputs from the input peer; `lastTick` stamps the last of `inputs`. */
  _predictionInputs(lastTick: unknown, inputs: unknown): void {
    const mp = this.multiplayer;
    if (mp === null || !mp.isServer() || mp.getRemoteSenderId() !== this.inputPeer) return;
    if (!Number.isInteger(lastTick) || !Array.isArray(inputs) || inputs.length > this.#redundancy * 2) return;
    const newest = Math.min(lastTick as number, this.#time.tick + MAX_AHEAD_TICKS);
    for (let k = 0; k < inputs.length; k++) {
      const tick = (lastTick as number) - (inputs.length - 1 - k);
      const input: unknown = inputs[k];
      if (tick <= this.#lastProcessed || tick > newest || this.#inputs.has(tick) || !this.#model.isInput(input)) continue;
      if (this.#inputs.size >= MAX_INPUTS) return;
      this.#inputs.set(tick, input);
    }
  }

  /** Input peer: the server's state after applying inputs up to `ackTick`, as of its tick `serverTick`. */
  _predictionState(ackTick: unknown, serverTick: unknown, state: unknown): void {
    const mp = this.multiplayer;
    if (mp === null || mp.getRemoteSenderId() !== 1 || this.#role() !== 'input') return;
    if (!Number.isInteger(ackTick) || !Number.isInteger(serverTick) || !this.#model.isState(state)) return;
    if ((serverTick as number) <= this.#lastServerTick || (ackTick as number) < this.#lastProcessed) return; // reordered: older
    this.#lastServerTick = serverTick as number;
    this.#lastProcessed = ackTick as number;
    this.#reconcile(state);
  }

  #onTick(tick: number, delta: number): void {
    const role = this.#role();
    if (role === 'server') this.#serverTick(tick, delta);
    else if (role === 'input') this.#inputTick(tick, delta);
  }

  #serverTick(tick: number, delta: number): void {
    for (const t of [...this.#inputs.keys()].sort((a, b) => a - b)) {
      this.#state = this.#model.step(this.#state, this.#inputs.get(t)!, delta);
      this.#lastProcessed = t;
    }
    this.#inputs.clear();
    this.#model.render(this.#state);
    const mp = this.multiplayer;
    if (mp !== null && mp.getPeers().includes(this.inputPeer)) {
      this.rpcId(this.inputPeer, '_predictionState', this.#lastProcessed, tick, this.#state);
    }
  }

  #inputTick(tick: number, delta: number): void {
    const input = this.#model.sampleInput(tick);
    this.#inputs.set(tick, input);
    if (this.#inputs.size > MAX_INPUTS) this.#inputs.delete(this.#inputs.keys().next().value!);
    if (this.enabled) {
      this.#state = this.#model.step(this.#state, input, delta);
      this.#model.render(this.displayState);
    }
    const recent: I[] = [];
    for (let t = tick; t > tick - this.#redundancy && this.#inputs.has(t); t--) recent.unshift(this.#inputs.get(t)!);
    this.rpcId(1, '_predictionInputs', tick, recent);
  }

  /** Rewinds to the server's state and replays the inputs it has not processed yet. */
  #reconcile(serverState: S): void {
    const dt = 1 / this.#time.tickRate;
    for (const t of [...this.#inputs.keys()]) if (t <= this.#lastProcessed) this.#inputs.delete(t);
    let replayed = serverState;
    if (this.enabled) for (const input of this.#inputs.values()) replayed = this.#model.step(replayed, input, dt);
    const shown = this.displayState;
    const error = difference(this.#state, replayed);
    const size = error === null ? 0 : magnitude(error);
    if (size > 1e-9) {
      this.corrections++;
      this.largestCorrection = Math.max(this.largestCorrection, size);
    }
    this.#state = replayed;
    if (!this.enabled) {
      // Off: the server's state as it arrives, no smoothing (nothing else would decay an offset).
      this.#offset = null;
      this.#model.render(replayed);
      return;
    }
    // Keep showing what was shown; the difference decays in _process.
    const offset = difference(shown, replayed);
    const gap = offset === null ? 0 : magnitude(offset);
    this.#offset = offset === null || gap <= 1e-9 || gap > this.#snapDistance ? null : offset;
    if (this.#offset === null) this.largestVisibleCorrection = Math.max(this.largestVisibleCorrection, gap);
    this.#model.render(this.displayState);
  }

  #role(): 'server' | 'input' | 'observer' {
    const mp = this.multiplayer;
    if (mp === null) return 'observer';
    if (mp.isServer()) return 'server';
    return mp.getUniqueId() === this.inputPeer ? 'input' : 'observer';
  }
}
