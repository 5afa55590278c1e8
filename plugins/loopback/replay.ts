import {
  ConnectionStatus,
  ErrorCode,
  ManualClock,
  MemoryLogger,
  MultiplayerPeer,
  NodePath,
  teeLogger,
  type Logger,
  type TransferMode,
} from '../../core/index.js';
import { SceneMultiplayer, SceneTree, type Node } from '../../scenetree/index.js';
import { Fnv1a64, PacketTrace, type TraceEntry } from './packet-trace.js';
import { decodeRecording, digestSend, type RecordedFrame, type RecordedInput, type Recording } from './recording.js';
import type { SimEvent } from './simulation.js';

/** The fresh server a replay runs: build its scene in `setup` as the live server's was built. */
export interface ReplayServer {
  readonly name: 'server';
  readonly tree: SceneTree;
  readonly root: Node;
  readonly multiplayer: SceneMultiplayer;
  /** The peer that feeds the recording to the server. */
  readonly peer: ReplayMultiplayerPeer;
  readonly clock: ManualClock;
  readonly log: MemoryLogger;
}

/** Options of `Simulation.replay`. */
export interface ReplayOptions {
  /** Keep trace entries (for the timeline). Default true. */
  readonly keepTrace?: boolean;
  /** Also sends the server's log lines here (they are always kept in `server.log`). */
  readonly logger?: Logger;
}

/** Where a replay first did something else than the live server did. */
export interface ReplayDivergence {
  readonly frame: number;
  /** What the live server sent in that frame (count and digest), or null for nothing. */
  readonly expected: RecordedFrame['sent'];
  readonly actual: RecordedFrame['sent'];
}

/** What a replay did. */
export interface ReplayResult {
  readonly server: ReplayServer;
  /** Frames replayed (polls of the live server). */
  readonly frames: number;
  /** What the server received (from `peer-<id>`) and sent (to `peer-<id>`, `all`, `all-but-<id>`). */
  readonly trace: readonly TraceEntry[];
  /** Hash of the trace: the same on every replay of the same recording with the same setup. */
  readonly traceHash: string;
  /** FNV-1a 64 of every byte the server sent, with its target, mode, channel and frame. */
  readonly sentHash: string;
  /** Connection events the server saw (for the timeline). */
  readonly events: readonly SimEvent[];
  /** Address → column name, for the timeline. */
  readonly names: ReadonlyMap<string, string>;
  /**
   * Null when the recording carries sent digests and the replay sent exactly the same bytes in every
   * frame (or when it carries none); else the first frame that differs.
   */
  readonly divergence: ReplayDivergence | null;
}

/**
 * A `MultiplayerPeer` that plays a recording to a server: each `poll()` is the next recorded frame
 * (its connection events, then its packets, readable in recorded order). What the server sends is
 * handed to `onSend`. Disconnections the live server caused itself are re-emitted when the replayed
 * server makes the same `disconnectPeer` call.
 */
export class ReplayMultiplayerPeer extends MultiplayerPeer {
  readonly recording: Recording;
  #frame = 0;
  #status: ConnectionStatus = ConnectionStatus.CONNECTED;
  #target = 0;
  readonly #peers = new Set<number>();
  #packets: Array<Extract<RecordedInput, { type: 'packet' }>> = [];
  #head = 0;
  #dropped: number[] = [];
  readonly #onSend: (target: number, mode: TransferMode, channel: number, data: Uint8Array, accepted: boolean) => void;

  constructor(
    recording: Recording,
    onSend: (target: number, mode: TransferMode, channel: number, data: Uint8Array, accepted: boolean) => void,
  ) {
    super();
    this.recording = recording;
    this.#onSend = onSend;
  }

  /** The recorded frame the last poll played (0 before the first poll). */
  get frame(): number {
    return this.#frame;
  }

  /** True once every recorded frame was played. */
  get finished(): boolean {
    return this.#frame >= this.recording.frames.length - 1;
  }

  override poll(): void {
    if (this.#status !== ConnectionStatus.CONNECTED || this.finished) return;
    this.#frame++;
    this.#packets = [];
    this.#head = 0;
    this.#dropped = [];
    for (const input of this.recording.frames[this.#frame]!.inputs) {
      switch (input.type) {
        case 'connect':
          this.#peers.add(input.peer);
          this.peerConnected.emit(input.peer);
          break;
        case 'disconnect':
          this.#peers.delete(input.peer);
          this.peerDisconnected.emit(input.peer);
          break;
        case 'packet':
          this.#packets.push(input);
          break;
        case 'dropped':
          this.#dropped.push(input.peer);
          break;
      }
    }
  }

  override getAvailablePacketCount(): number {
    return this.#packets.length - this.#head;
  }

  override getPacketPeer(): number {
    return this.#packets[this.#head]?.peer ?? 0;
  }

  override getPacketMode(): TransferMode {
    return this.#packets[this.#head]?.mode ?? (2 as TransferMode);
  }

  override getPacketChannel(): number {
    return this.#packets[this.#head]?.channel ?? 0;
  }

  override getPacket(): Uint8Array | ErrorCode {
    const next = this.#packets[this.#head];
    if (next === undefined) return ErrorCode.ERR_UNAVAILABLE;
    this.#head++;
    return next.data.slice();
  }

  override setTargetPeer(id: number): void {
    this.#target = id;
  }

  override putPacket(packet: Uint8Array): ErrorCode {
    const target = this.#target;
    const err =
      this.#status !== ConnectionStatus.CONNECTED
        ? ErrorCode.ERR_UNCONFIGURED
        : target !== 0 && !this.#peers.has(Math.abs(target))
          ? ErrorCode.ERR_INVALID_PARAMETER
          : ErrorCode.OK;
    // Refused sends count too, as the recorder counts them (see RecordingMultiplayerPeer.putPacket).
    this.#onSend(target, this.transferMode, this.transferChannel, packet, err === ErrorCode.OK);
    return err;
  }

  override disconnectPeer(id: number): void {
    if (!this.#peers.delete(id)) return;
    const i = this.#dropped.indexOf(id);
    if (i >= 0) {
      this.#dropped.splice(i, 1);
      this.peerDisconnected.emit(id);
    }
  }

  override close(): void {
    this.#status = ConnectionStatus.DISCONNECTED;
    this.#peers.clear();
    this.#packets = [];
  }

  override getUniqueId(): number {
    return this.recording.serverId;
  }

  override getConnectionStatus(): ConnectionStatus {
    return this.#status;
  }

  override isServer(): boolean {
    return true;
  }

  override isServerRelaySupported(): boolean {
    return this.recording.relaySupported;
  }

  override getMaxPacketSize(): number {
    return this.recording.maxPacketSize;
  }
}

/**
 * Replays a recording (`RecordingMultiplayerPeer.toBytes()`) into a fresh server tree on a manual
 * clock: `setup` builds the server's scene, then each recorded frame sets the clock to the recorded
 * time and processes the tree once. Same recording and setup → same RPCs run, same bytes sent, same
 * trace hash, on every replay; with sent digests in the recording, `divergence` says whether (and
 * where) the replay differs from the live server.
 */
export async function replayRecording(
  recording: Uint8Array | Recording,
  setup: (server: ReplayServer) => void,
  options: ReplayOptions = {},
): Promise<ReplayResult> {
  const rec = recording instanceof Uint8Array ? decodeRecording(recording) : recording;
  const start = rec.frames[1]?.timeMs ?? 0;
  const clock = new ManualClock(start);
  const log = new MemoryLogger();
  const logger = options.logger === undefined ? log : teeLogger(log, options.logger);
  const tree = new SceneTree({ clock });
  const multiplayer = new SceneMultiplayer({ clock, logger });
  tree.setMultiplayer(multiplayer, NodePath.EMPTY);
  const trace = new PacketTrace({ keepEntries: options.keepTrace ?? true });
  const sentHash = new Fnv1a64();
  let frameHash = new Fnv1a64();
  let frameCount = 0;
  const events: SimEvent[] = [];
  const names = new Map<string, string>([['server', 'server']]);
  const address = (id: number): string => {
    const a = id === 0 ? 'all' : id < 0 ? `all-but-${-id}` : `peer-${id}`;
    if (!names.has(a)) names.set(a, id > 0 ? `peer ${id}` : a);
    return a;
  };
  const peer = new ReplayMultiplayerPeer(rec, (target, mode, channel, data, accepted) => {
    const now = clock.nowMs();
    if (accepted)
      trace.record(
        now,
        'server',
        address(target),
        'data',
        mode,
        channel,
        data.length,
        0,
        'delivered',
        now,
        data.length > 0 ? data[0]! : -1,
      );
    sentHash.uint32(peer.frame);
    digestSend(sentHash, target, mode, channel, data);
    digestSend(frameHash, target, mode, channel, data);
    frameCount++;
  });
  const server: ReplayServer = { name: 'server', tree, root: tree.root, multiplayer, peer, clock, log };
  for (const signal of ['peerConnected', 'peerDisconnected', 'peerAuthenticating', 'peerAuthenticationFailed'] as const) {
    multiplayer[signal].connect((id) =>
      events.push({ frame: peer.frame, timeMs: clock.nowMs(), peer: 'server', event: signal, args: [id] }),
    );
  }
  setup(server);
  multiplayer.multiplayerPeer = peer;
  let divergence: ReplayDivergence | null = null;
  const check = (frame: number): void => {
    const actual = frameCount === 0 ? null : { count: frameCount, digest: frameHash.digest() };
    frameHash = new Fnv1a64();
    frameCount = 0;
    if (!rec.verified || divergence !== null) return;
    const expected = rec.frames[frame]!.sent;
    if (expected?.count !== actual?.count || expected?.digest !== actual?.digest) divergence = { frame, expected, actual };
  };
  check(0);
  let previous = start;
  for (let f = 1; f < rec.frames.length; f++) {
    const frame = rec.frames[f]!;
    clock.set(frame.timeMs);
    // Inputs as the network delivered them, in the trace too (before the tree reads them).
    for (const input of frame.inputs) {
      if (input.type === 'packet') {
        trace.record(
          frame.timeMs,
          address(input.peer),
          'server',
          'data',
          input.mode,
          input.channel,
          input.data.length,
          0,
          'delivered',
          frame.timeMs,
          input.data.length > 0 ? input.data[0]! : -1,
        );
      } else if (input.type !== 'dropped') {
        trace.note(frame.timeMs, `${address(input.peer)} ${input.type}`);
      }
    }
    tree.processFrame((frame.timeMs - previous) / 1000);
    previous = frame.timeMs;
    check(f);
    await Promise.resolve(); // let awaiting game code resume between frames, as Simulation.until does
  }
  return {
    server,
    frames: rec.frames.length - 1,
    trace: trace.entries,
    traceHash: trace.hash(),
    sentHash: sentHash.digest(),
    events,
    names,
    divergence,
  };
}
