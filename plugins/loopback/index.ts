/**
 * scenenet loopback: an in-memory transport on a deterministic virtual network, for tests and
 * simulations, plus a network conditioner for any transport.
 *
 * ```ts
 * import { ConnectionStatus, ManualClock, SeededRng, TransferMode, isPacket } from 'scenenet';
 * import { LoopbackMultiplayerPeer, VirtualNetwork } from 'scenenet/plugins/loopback';
 *
 * const clock = new ManualClock();
 * const network = new VirtualNetwork({ clock, rng: new SeededRng(42), conditions: { latencyMs: 30, jitterMs: 10, loss: 0.05 } });
 * const server = new LoopbackMultiplayerPeer();
 * const client = new LoopbackMultiplayerPeer();
 * server.createServer(network);               // id 1 at address "server"
 * client.createClient(network);               // "client-1", CONNECTING: the handshake crosses the link
 * const step = () => { clock.advance(5); server.poll(); client.poll(); };
 * while (client.getConnectionStatus() !== ConnectionStatus.CONNECTED) step();
 *
 * network.partition(client.address);          // cut the client off …
 * client.transferMode = TransferMode.RELIABLE;
 * client.putPacket(Uint8Array.of(1, 2, 3));   // … the packet is retransmitted until …
 * for (let i = 0; i < 100; i++) step();
 * network.heal(client.address);               // … the link heals: delivered once, in order
 * while (server.getAvailablePacketCount() === 0) step();
 * const packet = server.getPacket();          // Uint8Array [1, 2, 3] from client.getUniqueId()
 * console.log(isPacket(packet), network.traceHash()); // same seed + same steps → same hash, every run
 * ```
 *
 * With a container: `createContainer(coreModuleWith({ clock, rng }), loopbackModule)`, then
 * `container.get(VirtualNetwork)` and the `"loopback"` entry of `container.getAll(TOKENS.PeerFactory)`.
 *
 * @packageDocumentation
 */
export { VirtualNetwork } from './virtual-network.js';
export type { VirtualNetworkOptions, Datagram } from './virtual-network.js';
export { LoopbackMultiplayerPeer, LOOPBACK_CHANNEL_COUNT } from './loopback-multiplayer-peer.js';
export type {
  LoopbackMultiplayerPeerOptions,
  LoopbackServerOptions,
  LoopbackClientOptions,
} from './loopback-multiplayer-peer.js';
export { ConditionedMultiplayerPeer } from './conditioned-multiplayer-peer.js';
export type { ConditionedMultiplayerPeerOptions } from './conditioned-multiplayer-peer.js';
export { PERFECT_LINK, reorderDelayMs, retransmitDelayMs } from './link-conditions.js';
export type { LinkConditions } from './link-conditions.js';
export { PacketTrace, Fnv1a64 } from './packet-trace.js';
export type {
  TraceEntry,
  PacketTraceEntry,
  NoteTraceEntry,
  PacketOutcome,
  MessageKind,
  PacketTraceOptions,
} from './packet-trace.js';
export { loopbackModule } from './loopback-module.js';
export { Simulation } from './simulation.js';
export type { SimulationOptions, SimPeer, SimEvent } from './simulation.js';
export { explore, generateWorld, runWorld, shrinkFailure, describeFailure, DEFAULT_RANGES } from './explore.js';
export type {
  ExploreContext,
  ExploreScenario,
  ExploreOptions,
  ExploreResult,
  ExploreFailure,
  WorldFailure,
  Invariant,
  InvariantCheck,
  ConditionRange,
  SimulationClass,
} from './explore.js';
export { formatWorld, parseWorld, stableKey } from './world.js';
export type { World, WorldConditions, WorldEvent } from './world.js';
export { converges, neverRegresses, rpcRunsOnce } from './invariants.js';
export type { ConvergesOptions, NeverRegressesOptions, RpcRunsOnceOptions } from './invariants.js';
export { renderTimeline, timelineModel, simulationTimeline, packetKind } from './timeline.js';
export type { TimelineInput, TimelineOptions, TimelineModel, TimelinePacket, TimelineMark, PacketKind } from './timeline.js';
export { timelineOnFailure, assertExplore, writeTimeline } from './timeline-tap.js';
export type { TapLike, TimelineFileOptions } from './timeline-tap.js';
export { RecordingMultiplayerPeer, decodeRecording, digestSend } from './recording.js';
export type { Recording, RecordedFrame, RecordedInput, RecordingOptions } from './recording.js';
export { ReplayMultiplayerPeer, replayRecording } from './replay.js';
export type { ReplayServer, ReplayOptions, ReplayResult, ReplayDivergence } from './replay.js';
