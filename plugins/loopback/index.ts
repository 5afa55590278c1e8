export { VirtualNetwork } from './virtual-network.js';
export type { VirtualNetworkOptions, Datagram } from './virtual-network.js';
export { LoopbackMultiplayerPeer, LOOPBACK_CHANNEL_COUNT } from './loopback-multiplayer-peer.js';
export type { LoopbackMultiplayerPeerOptions, LoopbackServerOptions, LoopbackClientOptions } from './loopback-multiplayer-peer.js';
export { PERFECT_LINK } from './link-conditions.js';
export type { LinkConditions } from './link-conditions.js';
export { PacketTrace, Fnv1a64 } from './packet-trace.js';
export type { TraceEntry, PacketTraceEntry, NoteTraceEntry, PacketOutcome, MessageKind } from './packet-trace.js';
