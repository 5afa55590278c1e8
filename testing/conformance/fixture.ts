import type { ErrorCode, MultiplayerPeer } from '../../core/index.js';

/**
 * What a transport can honestly do. Where a transport cannot support a case (one channel, no
 * unreliable path), the suite checks the honest fallback instead: everything on channel 0, or
 * everything delivered reliably and reported as RELIABLE. It never fakes a capability.
 */
export interface PeerCapabilities {
  /** Usable transfer channels: `transferChannel` may be `0 … channels - 1`. 1 means channel 0 only. */
  readonly channels: number;
  /**
   * True when UNRELIABLE and UNRELIABLE_ORDERED packets are accepted by `putPacket` and delivered as
   * such (`getPacketMode()` reports the mode that was sent). False for a transport that has no
   * unreliable path (Godot's WebSocketMultiplayerPeer sends everything reliably).
   */
  readonly unreliable: boolean;
  /** What `isServerRelaySupported()` must return, on the server and on clients. */
  readonly serverRelay: boolean;
  /** False if setting `refuseNewConnections` on a server has no effect (case 12 is then skipped). Default true. */
  readonly refuseNewConnections?: boolean;
  /**
   * Largest packet case 6 sends, when `getMaxPacketSize()` is impractically large to push through a
   * test (say why in the fixture). Default: `getMaxPacketSize()` itself.
   */
  readonly maxTestedPacketSize?: number;
}

/**
 * How a transport plugs into `runMultiplayerPeerConformance` (conformance/multiplayer-peer.ts).
 *
 * The contract, for fixture authors:
 * - `createPeer()` returns a brand-new peer, neither server nor client (status DISCONNECTED).
 * - `startServer(peer)` runs the transport's own `createServer` on `peer` with the fixture's settings
 *   (port 0, no internet, …) and returns its code. The suite calls it on a fresh peer (expects OK) and
 *   again on an active one (expects ERR_ALREADY_IN_USE).
 * - `createClient(server)` returns a new client already aimed at `server` (the transport's
 *   `createClient` returned OK; any signalling is done by the fixture). Its status is CONNECTING (case 3
 *   asserts it, as Godot's transports do). It must not poll `server` or the client.
 *   It is called several times per server when a case needs two or three clients.
 * - `tick()`, if present, runs between poll rounds and after every turn of the event loop: a virtual
 *   transport advances its ManualClock here. Real transports omit it (real time passes by itself).
 * - `teardown()`, if present, runs after each case, after the suite has closed every peer it created.
 * - The suite closes every peer it obtained (in each case's teardown), so fixtures need not track peers.
 * - `pollTimeoutMs` bounds each wait in wall-clock time (default 5000); `idleRounds` is how many poll
 *   rounds the suite waits when it checks that something does NOT happen (default 20).
 */
export interface PeerFixture<P extends MultiplayerPeer = MultiplayerPeer> {
  /** Shown in every case name, e.g. `"enet"`. */
  readonly name: string;
  readonly capabilities: PeerCapabilities;
  /** A new, unstarted peer. */
  createPeer(): P;
  /** The transport's `createServer` on `peer`; resolves once it is listening (or failed). */
  startServer(peer: P): ErrorCode | Promise<ErrorCode>;
  /** A new client aimed at `server`, status CONNECTING. */
  createClient(server: P): Promise<P>;
  /** Called between poll rounds (advance a virtual clock here). */
  tick?(): void;
  /** Called after each case. */
  teardown?(): void | Promise<void>;
  /** Wall-clock bound of each wait, in ms. Default 5000. */
  readonly pollTimeoutMs?: number;
  /** Poll rounds used to check that something does not happen. Default 20. */
  readonly idleRounds?: number;
}
