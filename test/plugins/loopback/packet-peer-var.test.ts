/**
 * PacketPeer.getVar/putVar (Godot: PacketPeer::get_var/put_var): one Variant per packet with the core
 * codec, shared by every packet peer through PacketPeerBase. Over the loopback transport and over real
 * UDP sockets on 127.0.0.1.
 */
import t from 'tap';
import { EncodedObject, ErrorCode, MultiplayerPeer, PacketPeerBase, Vector2, encodeVariant } from '../../../core/index.js';
import { PacketPeerUDP } from '../../../plugins/net/index.js';
import { ENetPacketPeer } from '../../../plugins/enet/index.js';
import { WebRTCDataChannel } from '../../../plugins/webrtc/index.js';
import { WebSocketPeer } from '../../../plugins/websocket/index.js';
import { connect, makeNetwork, step } from './fixtures/network.js';
import { variantEquals } from '../../helpers/variant.js';
import { pollUntil } from '../../helpers/websocket-poll.js';

t.test('every packet peer class shares the one implementation', (t) => {
  for (const cls of [MultiplayerPeer, PacketPeerUDP, ENetPacketPeer, WebRTCDataChannel, WebSocketPeer]) {
    t.ok(cls.prototype instanceof PacketPeerBase, cls.name);
    t.equal(cls.prototype.getVar, PacketPeerBase.prototype.getVar, `${cls.name}.getVar is not a copy`);
    t.equal(cls.prototype.putVar, PacketPeerBase.prototype.putVar, `${cls.name}.putVar is not a copy`);
  }
  t.end();
});

t.test('loopback: putVar sends one packet holding the Variant encoding; getVar decodes it', (t) => {
  const { clock, network } = makeNetwork(7);
  const { server, clients } = connect(clock, network, 1);
  const client = clients[0]!;
  t.teardown(() => {
    server.close();
    client.close();
  });
  const value = { name: 'ada', hp: 100, at: new Vector2(1.5, -2), tags: ['a', 'b'] };
  client.setTargetPeer(1);
  t.equal(client.putVar(value), ErrorCode.OK);
  t.equal(client.putVar(value), ErrorCode.OK);
  t.equal(client.putVar(42), ErrorCode.OK);
  step(clock, [server, client], 1, 50);
  t.equal(server.getAvailablePacketCount(), 3, 'one packet per putVar');
  t.same(server.getPacket(), encodeVariant(value), 'the packet is exactly the core encoding');
  t.ok(variantEquals(server.getVar(), new Map(Object.entries(value))), 'a Dictionary decodes as a Map');
  t.equal(server.getPacketError(), ErrorCode.OK);
  t.equal(server.getVar(), 42);
  t.equal(server.getVar(), null, 'no packet left');
  t.equal(server.getPacketError(), ErrorCode.ERR_UNAVAILABLE);
  t.end();
});

t.test('loopback: objects need fullObjects to send and allowObjects to receive (as Godot)', (t) => {
  const { clock, network } = makeNetwork(8);
  const { server, clients } = connect(clock, network, 1);
  const client = clients[0]!;
  t.teardown(() => {
    server.close();
    client.close();
  });
  const obj = new EncodedObject('Resource', { hp: 3 });
  client.setTargetPeer(1);
  t.equal(client.putVar(obj, true), ErrorCode.OK);
  t.equal(client.putVar(obj, true), ErrorCode.OK);
  t.equal(client.putVar((() => 1) as unknown as number), ErrorCode.ERR_INVALID_PARAMETER, 'not a Variant: nothing is sent');
  step(clock, [server, client], 1, 50);
  t.equal(server.getAvailablePacketCount(), 2);
  t.equal(server.getVar(), null, 'a full object without allowObjects is refused');
  t.equal(server.getPacketError(), ErrorCode.ERR_UNAUTHORIZED);
  const got = server.getVar(true);
  t.ok(got instanceof EncodedObject);
  t.equal((got as EncodedObject).get('hp'), 3);
  t.equal(server.getPacketError(), ErrorCode.OK);
  t.end();
});

t.test('PacketPeerUDP on 127.0.0.1: putVar/getVar across real sockets; a bad datagram gives null + ERR_INVALID_DATA', async (t) => {
  const a = new PacketPeerUDP();
  const b = new PacketPeerUDP();
  t.teardown(() => {
    a.close();
    b.close();
  });
  t.equal(await a.bind(0, '127.0.0.1'), ErrorCode.OK);
  t.equal(await b.bind(0, '127.0.0.1'), ErrorCode.OK);
  t.equal(a.setDestAddress('127.0.0.1', b.getLocalPort()), ErrorCode.OK);
  t.equal(a.putVar([1, 'two', 3.5]), ErrorCode.OK);
  t.equal(a.putPacket(new Uint8Array([0xff, 0, 0, 0])), ErrorCode.OK);
  await pollUntil([], () => b.getAvailablePacketCount() === 2, 30_000);
  t.same(b.getVar(), [1, 'two', 3.5]);
  t.equal(b.getVar(), null);
  t.equal(b.getPacketError(), ErrorCode.ERR_INVALID_DATA);
});
