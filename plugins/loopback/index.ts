/**
 * scenenet loopback: an in-memory transport on a deterministic virtual network, for tests and
 * simulations, plus a network conditioner for any transport.
 *
 * ```ts
 * import { ManualClock, SeededRng, TransferMode } from 'scenenet';
 * import { LoopbackMultiplayerPeer, VirtualNetwork } from 'scenenet/plugins/loopback';
 *
 * const clock = new ManualClock();
 * const network = new VirtualNetwork({ clock, rng: new SeededRng(42), conditions: { latencyMs: 30, jitterMs: 10, loss: 0.05 } });
 * const server = new LoopbackMultiplayerPeer();
 * const client = new LoopbackMultiplayerPeer();
 * server.createServer(network);               // id 1 at address "server"
 * client.createClient(network);               // CONNECTING: the handshake crosses the link
 * network.partition('client-1');              // cut the client off …
 * network.heal('client-1');                   // … and reconnect it; reliable packets are retransmitted
 * while (client.getConnectionStatus() !== 2) { clock.advance(5); server.poll(); client.poll(); }
 * client.transferMode = TransferMode.RELIABLE;
 * client.putPacket(Uint8Array.of(1, 2, 3));   // delivered once, in order, whatever the loss
 * console.log(network.traceHash());           // same seed + same steps → same hash, every run
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
