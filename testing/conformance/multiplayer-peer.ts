import { ConnectionStatus, ErrorCode, MultiplayerPeer, TransferMode, isClientPeerId } from '../../core/index.js';
import type { PeerFixture } from './fixture.js';
import { Harness, bytesEqual, pattern, send } from './harness.js';
import type { TestRunner } from '../runner.js';
import { runDeliveryCases } from './multiplayer-peer-delivery.js';
import { runLifecycleCases } from './multiplayer-peer-lifecycle.js';

export type { PeerFixture, PeerCapabilities } from './fixture.js';

/**
 * The MultiplayerPeer conformance suite (docs/architecture.md §8): the 14 cases every transport must pass, each a test of its
 * own with fresh peers, registered on `runner` (tap, `node:test`, Vitest or any runner: see runner.ts).
 * Where `fixture.capabilities` says a transport lacks channels or an unreliable path, cases 8 and 9
 * check its honest fallback instead. Throughout, every `peerConnected`/`peerDisconnected` emission is
 * checked to happen inside `poll()`, `close()` or `disconnectPeer()` of the emitting peer.
 *
 * Usage (one small file per transport):
 * ```ts
 * import t from 'tap';
 * import { runMultiplayerPeerConformance, tapRunner } from 'scenenet/testing';
 * runMultiplayerPeerConformance(tapRunner(t), { name: 'enet', capabilities: { … }, createPeer, startServer, createClient });
 * ```
 */
export function runMultiplayerPeerConformance<P extends MultiplayerPeer>(runner: TestRunner, fx: PeerFixture<P>): void {
  runSetupCases(runner, fx);
  runDeliveryCases(runner, fx);
  runLifecycleCases(runner, fx);
}

/** Cases 1–5 and 14: fresh peer, server, client, connection signals, error codes, capabilities. */
function runSetupCases<P extends MultiplayerPeer>(runner: TestRunner, fx: PeerFixture<P>): void {
  runner.test(`${fx.name}: 1. fresh peer is DISCONNECTED; poll() and close() are harmless`, async (t) => {
    const h = new Harness(t, fx);
    const peer = h.fresh();
    t.equal(peer.getConnectionStatus(), ConnectionStatus.DISCONNECTED);
    t.equal(peer.getAvailablePacketCount(), 0);
    h.poll(peer);
    h.close(peer);
    h.close(peer);
    h.poll(peer);
    t.equal(peer.getConnectionStatus(), ConnectionStatus.DISCONNECTED);
    t.same(h.signals(peer), [], 'no signals');
  });

  runner.test(`${fx.name}: 2. createServer: CONNECTED, getUniqueId() is 1, isServer()`, async (t) => {
    const h = new Harness(t, fx);
    const server = await h.server();
    t.equal(server.getConnectionStatus(), ConnectionStatus.CONNECTED);
    t.equal(server.getUniqueId(), MultiplayerPeer.TARGET_PEER_SERVER);
    t.ok(server.isServer());
    t.equal(server.getAvailablePacketCount(), 0);
  });

  runner.test(`${fx.name}: 3. createClient: CONNECTING, then CONNECTED with an id in [2, 2^31-1]`, async (t) => {
    const h = new Harness(t, fx);
    const server = await h.server();
    const client = await h.client(server);
    t.equal(client.getConnectionStatus(), ConnectionStatus.CONNECTING, 'starts CONNECTING');
    await h.until(() => client.getConnectionStatus() === ConnectionStatus.CONNECTED, 'client CONNECTED');
    t.ok(isClientPeerId(client.getUniqueId()), `client id ${client.getUniqueId()} is in [2, 2^31-1]`);
    t.notOk(client.isServer());
    t.ok(server.isServer());
    const [other] = await h.connectedClients(server, 1);
    t.not(other!.getUniqueId(), client.getUniqueId(), 'a second client gets another id');
  });

  runner.test(`${fx.name}: 4. peerConnected fires only inside poll(), on both sides`, async (t) => {
    const h = new Harness(t, fx);
    const server = await h.server();
    const client = await h.client(server);
    await h.withoutPolling();
    t.same(h.signals(server), [], 'server: nothing emitted without poll()');
    t.same(h.signals(client), [], 'client: nothing emitted without poll()');
    await h.until(
      () => h.signals(server).length > 0 && h.signals(client).length > 0 && client.getConnectionStatus() === ConnectionStatus.CONNECTED,
      'both sides signalled',
    );
    await h.idle(3);
    t.same(h.signals(server), [{ kind: 'connected', id: client.getUniqueId() }], 'server sees peerConnected(client)');
    t.same(h.signals(client), [{ kind: 'connected', id: MultiplayerPeer.TARGET_PEER_SERVER }], 'client sees peerConnected(1)');
  });

  runner.test(`${fx.name}: 5. misuse returns codes: ERR_ALREADY_IN_USE, ERR_UNCONFIGURED, ERR_UNAVAILABLE`, async (t) => {
    const h = new Harness(t, fx);
    const fresh = h.fresh();
    t.equal(send(fresh, 0, pattern(4, 1)), ErrorCode.ERR_UNCONFIGURED, 'putPacket on a fresh peer');
    t.equal(fresh.getPacket(), ErrorCode.ERR_UNAVAILABLE, 'getPacket on a fresh peer');
    const server = await h.server();
    t.equal(await fx.startServer(server), ErrorCode.ERR_ALREADY_IN_USE, 'createServer twice');
    t.equal(server.getConnectionStatus(), ConnectionStatus.CONNECTED, 'still serving after the refused create');
    t.equal(server.getUniqueId(), 1);
    t.equal(server.getPacket(), ErrorCode.ERR_UNAVAILABLE, 'getPacket with nothing queued');
    const client = await h.client(server);
    if (client.getConnectionStatus() === ConnectionStatus.CONNECTING) {
      t.equal(send(client, 1, pattern(4, 2)), ErrorCode.ERR_UNCONFIGURED, 'putPacket while CONNECTING');
    }
    await h.until(() => client.getConnectionStatus() === ConnectionStatus.CONNECTED, 'client CONNECTED');
    t.equal(client.getPacket(), ErrorCode.ERR_UNAVAILABLE, 'client getPacket with nothing queued');
  });

  runner.test(`${fx.name}: 14. isServerRelaySupported() matches the declared capability`, async (t) => {
    const h = new Harness(t, fx);
    const server = await h.server();
    const [client] = await h.connectedClients(server, 1);
    t.equal(server.isServerRelaySupported(), fx.capabilities.serverRelay, 'server');
    t.equal(client!.isServerRelaySupported(), fx.capabilities.serverRelay, 'client');
    // A transport that declares channels must accept them; one that declares unreliable must accept it.
    const last = fx.capabilities.channels - 1;
    t.equal(send(client!, 1, pattern(3, 3), TransferMode.RELIABLE, last), ErrorCode.OK, `channel ${last} accepted`);
    if (fx.capabilities.unreliable) {
      t.equal(send(client!, 1, pattern(3, 4), TransferMode.UNRELIABLE), ErrorCode.OK, 'UNRELIABLE accepted');
    }
    const reliable = () => h.packets(server).find((p) => p.mode === TransferMode.RELIABLE);
    await h.until(() => reliable() !== undefined, 'server received the reliable packet');
    t.ok(bytesEqual(reliable()!.data, pattern(3, 3)), 'the reliable packet arrived intact');
    t.equal(reliable()!.channel, last, 'on the channel it was sent on');
  });
}
