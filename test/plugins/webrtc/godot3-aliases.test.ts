/** Godot 3's `connection_succeeded` on WebRTCMultiplayerPeer, kept as a documented, deprecated alias. */
import t from 'tap';
import { ConnectionStatus, ErrorCode } from '../../../core/index.js';
import { WebRTCMultiplayerPeer } from '../../../plugins/webrtc/index.js';
import { loopbackConnection, pollUntilDone, wireSignaling } from '../../helpers/webrtc-signaling.js';

t.test('connectionSucceeded: a client emits it once, right after peerConnected(1); server and mesh never do', async (t) => {
  const server = new WebRTCMultiplayerPeer();
  const client = new WebRTCMultiplayerPeer();
  const mesh = [new WebRTCMultiplayerPeer(), new WebRTCMultiplayerPeer()] as const;
  const conns = Array.from({ length: 4 }, () => loopbackConnection());
  t.teardown(() => {
    for (const c of conns) c.close();
    for (const p of [server, client, ...mesh]) p.close();
  });
  const events: string[] = [];
  for (const [name, p] of [
    ['server', server],
    ['client', client],
    ['meshA', mesh[0]],
    ['meshB', mesh[1]],
  ] as const) {
    p.peerConnected.connect((id) => events.push(`${name} +${id}`));
    p.connectionSucceeded.connect(() => events.push(`${name} succeeded`));
  }
  t.equal(server.createServer(), ErrorCode.OK);
  t.equal(client.initialize(7, true), ErrorCode.OK, 'Godot 3 server_compatibility client');
  t.equal(server.addPeer(conns[0]!, 7), ErrorCode.OK);
  t.equal(client.addPeer(conns[1]!, 1), ErrorCode.OK);
  wireSignaling(conns[0]!, conns[1]!);
  conns[0]!.createOffer();
  t.equal(mesh[0].createMesh(2), ErrorCode.OK);
  t.equal(mesh[1].createMesh(3), ErrorCode.OK);
  t.equal(mesh[0].addPeer(conns[2]!, 3), ErrorCode.OK);
  t.equal(mesh[1].addPeer(conns[3]!, 2), ErrorCode.OK);
  wireSignaling(conns[2]!, conns[3]!);
  conns[2]!.createOffer();
  await pollUntilDone(
    [server, client, ...mesh],
    () =>
      client.getConnectionStatus() === ConnectionStatus.CONNECTED &&
      !!server.getPeer(7)?.connected &&
      !!mesh[0].getPeer(3)?.connected &&
      !!mesh[1].getPeer(2)?.connected,
    { timeoutMs: 60_000 },
  );
  const clientEvents = events.filter((e) => e.startsWith('client'));
  t.same(clientEvents, ['client +1', 'client succeeded']);
  t.notOk(
    events.some((e) => e.endsWith('succeeded') && !e.startsWith('client')),
    `only the client: ${events.join(', ')}`,
  );
});
