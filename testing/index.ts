/**
 * scenenet/testing: the kit for transport authors and game developers, for any test runner.
 *
 * - `runMultiplayerPeerConformance(runner, fixture)`: the MultiplayerPeer conformance suite every
 *   scenenet transport passes, on tap (`tapRunner(t)`), `node:test` (`nodeTestRunner(test)`),
 *   Vitest (`vitestRunner(test)`) or any runner (`customRunner`).
 * - Simulation helpers: `waitUntil`/`expectNever` with frame budgets, `connectedSimulation`, trace
 *   assertions (`tracePackets`, `expectPackets`) and `expectDeterministic`.
 * - `pollUntil`/`pollRounds`: drive bare peers until a condition holds.
 *
 * @example
 * ```ts
 * import { test } from 'node:test';
 * import { nodeTestRunner, runMultiplayerPeerConformance } from 'scenenet/testing';
 * import { MyPeer } from './my-peer.js';
 *
 * runMultiplayerPeerConformance(nodeTestRunner(test), {
 *   name: 'my-transport',
 *   capabilities: { channels: 1, unreliable: false, serverRelay: true },
 *   createPeer: () => new MyPeer(),
 *   startServer: (peer) => peer.createServer(0, '127.0.0.1'),
 *   async createClient(server) {
 *     const client = new MyPeer();
 *     client.createClient('127.0.0.1', server.port);
 *     return client;
 *   },
 * });
 * ```
 *
 * @packageDocumentation
 */
export { runMultiplayerPeerConformance } from './conformance/multiplayer-peer.js';
export type { PeerFixture, PeerCapabilities } from './conformance/fixture.js';
export { tapRunner, nodeTestRunner, vitestRunner, customRunner, deepEqual } from './runner.js';
export type {
  Assertions,
  CaseOptions,
  TestRunner,
  TapTest,
  TapSubtest,
  RegisteredCase,
  NodeTestFunction,
  VitestFunction,
} from './runner.js';
export { pollUntil, pollRounds, settleIo } from './poll-until.js';
export type { PollOptions } from './poll-until.js';
export { waitUntil, expectNever, connectedSimulation, tracePackets, expectPackets, expectDeterministic } from './simulation.js';
export type { FrameBudget, PacketFilter, TraceExpectation } from './simulation.js';
