import { ConnectionStatus, ErrorCode, MultiplayerPeer } from '../../core/index.js';
import type { PeerFixture } from './fixture.js';
import { Harness, pattern, send } from './harness.js';
import type { Assertions, TestRunner } from '../runner.js';

const SERVER = MultiplayerPeer.TARGET_PEER_SERVER;
const { CONNECTED, DISCONNECTED } = ConnectionStatus;

/** Cases 10–12: disconnectPeer, close, refuseNewConnections. */
export function runLifecycleCases<P extends MultiplayerPeer>(runner: TestRunner, fx: PeerFixture<P>): void {
  runner.test(`${fx.name}: 10. disconnectPeer(id): both sides see peerDisconnected; later putPacket to id fails`, async (t) => {
    const h = new Harness(t, fx);
    const server = await h.server();
    const [client, other] = await h.connectedClients(server, 2);
    const id = client!.getUniqueId();
    h.disconnectPeer(server, id);
    const saw = (peer: P, who: number) => h.signals(peer).some((s) => s.kind === 'disconnected' && s.id === who);
    await h.until(
      () => saw(server, id) && saw(client!, SERVER) && client!.getConnectionStatus() === DISCONNECTED,
      'both sides saw the disconnection',
    );
    await h.idle(3);
    t.equal(h.signals(server).filter((s) => s.kind === 'disconnected').length, 1, 'server: peerDisconnected once');
    t.equal(h.signals(client!).filter((s) => s.kind === 'disconnected').length, 1, 'client: peerDisconnected once');
    t.not(send(server, id, pattern(4, 1)), ErrorCode.OK, 'server putPacket to the disconnected id fails with a code');
    t.not(send(client!, SERVER, pattern(4, 2)), ErrorCode.OK, 'disconnected client putPacket fails with a code');
    t.equal(other!.getConnectionStatus(), CONNECTED, 'the other client is untouched');
    t.equal(send(server, other!.getUniqueId(), pattern(4, 3)), ErrorCode.OK, 'server can still reach the other client');
    await h.until(() => h.packets(other!).length > 0, 'other client still served');
  });

  runner.test(`${fx.name}: 11. close(): DISCONNECTED, idempotent, remote sides see it, no signals after`, async (t) => {
    const h = new Harness(t, fx);
    const server = await h.server();
    const [a, b] = await h.connectedClients(server, 2);
    const idB = b!.getUniqueId();
    h.close(b!);
    t.equal(b!.getConnectionStatus(), DISCONNECTED, 'client close(): DISCONNECTED at once');
    await h.until(() => h.signals(server).some((s) => s.kind === 'disconnected' && s.id === idB), 'server saw the closed client leave');

    h.close(server);
    t.equal(server.getConnectionStatus(), DISCONNECTED, 'server close(): DISCONNECTED at once');
    h.close(server);
    t.equal(server.getConnectionStatus(), DISCONNECTED, 'second close() is a no-op');
    const serverSignals = h.signals(server).length;
    const bSignals = h.signals(b!).length;
    await h.until(
      () => a!.getConnectionStatus() === DISCONNECTED && h.signals(a!).some((s) => s.kind === 'disconnected' && s.id === SERVER),
      'client A saw the server leave (peerDisconnected(1) and DISCONNECTED)',
    );
    await h.idle();
    t.equal(h.signals(server).length, serverSignals, 'no server signals after close()');
    t.equal(h.signals(b!).length, bSignals, 'no client signals after close()');
    t.equal(server.getAvailablePacketCount(), 0, 'closed server has no packets');
    t.equal(server.getPacket(), ErrorCode.ERR_UNAVAILABLE, 'closed server getPacket');
    t.not(send(server, 0, pattern(4, 1)), ErrorCode.OK, 'closed server putPacket fails with a code');
  });

  const refuseSkip = fx.capabilities.refuseNewConnections === false ? 'transport cannot refuse connections' : false;
  runner.test(
    `${fx.name}: 12. refuseNewConnections: a new client ends DISCONNECTED; existing ones unaffected`,
    async (t) => {
      const h = new Harness(t, fx);
      const server = await h.server();
      const [a] = await h.connectedClients(server, 1);
      server.refuseNewConnections = true;
      t.equal(server.refuseNewConnections, true, 'the property reads back');
      const refused = await h.client(server);
      await h.until(() => refused.getConnectionStatus() === DISCONNECTED, 'refused client DISCONNECTED');
      await h.idle(3);
      t.same(
        h
          .signals(server)
          .filter((s) => s.kind === 'connected')
          .map((s) => s.id),
        [a!.getUniqueId()],
        'server emitted peerConnected only for the existing client',
      );
      t.equal(a!.getConnectionStatus(), CONNECTED, 'existing client still CONNECTED');
      t.equal(send(a!, SERVER, pattern(4, 1)), ErrorCode.OK, 'existing client can still send');
      await h.until(() => h.packets(server).some((p) => p.from === a!.getUniqueId()), "server got the existing client's packet");

      server.refuseNewConnections = false;
      const [late] = await h.connectedClients(server, 1);
      t.equal(late!.getConnectionStatus(), CONNECTED, 'accepting again once the flag is cleared');
    },
    { skip: refuseSkip },
  );
}
