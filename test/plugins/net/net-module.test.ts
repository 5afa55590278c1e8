/**
 * netModule (Node and browser builds): the five classes resolve from a container on its Clock and
 * Logger, and `unbindAll()` closes every socket they opened. The browser build's classes keep the API
 * and answer ERR_UNAVAILABLE.
 */
import t from 'tap';
import { ErrorCode, MemoryLogger, ManualClock, TOKENS, coreModuleWith, createContainer } from '../../../core/index.js';
import * as browser from '../../../plugins/net/index.browser.js';
import {
  PacketPeerUDP,
  StreamPeerTCP,
  StreamPeerTLS,
  TCPServer,
  TCPStatus,
  TLSStatus,
  UDPServer,
  netModule,
} from '../../../plugins/net/index.js';

t.test('netModule: every class resolves; unbindAll closes what they opened', async (t) => {
  const clock = new ManualClock();
  const container = createContainer(coreModuleWith({ clock }), netModule);
  const tcp = container.get(TCPServer);
  const udp = container.get(UDPServer);
  const peer = container.get(PacketPeerUDP);
  const client = container.get(StreamPeerTCP);
  t.not(container.get(StreamPeerTCP), client, 'transient');
  t.ok(container.get(StreamPeerTLS) instanceof StreamPeerTLS);
  t.equal(await tcp.listen(0, '127.0.0.1'), ErrorCode.OK);
  t.equal(await udp.listen(0, '127.0.0.1'), ErrorCode.OK);
  t.equal(await peer.bind(0, '127.0.0.1'), ErrorCode.OK);
  client.connectToHost('127.0.0.1', tcp.getLocalPort());
  clock.advance(60_000);
  t.equal(client.poll(), ErrorCode.ERR_CONNECTION_ERROR, 'the container clock drives the connect timeout');
  t.equal(container.get<ManualClock>(TOKENS.Clock), clock);
  await container.unbindAll();
  t.notOk(tcp.isListening());
  t.notOk(udp.isListening());
  t.notOk(peer.isBound());
  t.equal(client.getStatus(), TCPStatus.NONE);
});

t.test('browser build: same classes, every socket operation is ERR_UNAVAILABLE', async (t) => {
  const logger = new MemoryLogger();
  const tcp = new browser.StreamPeerTCP({ logger });
  t.equal(tcp.connectToHost('127.0.0.1', 80), ErrorCode.ERR_UNAVAILABLE);
  t.equal(tcp.getStatus(), browser.TCPStatus.NONE);
  t.equal(tcp.putU32(1), ErrorCode.FAILED);
  t.equal(tcp.getU32(), 0);
  t.match(logger.records[0]?.message ?? '', /no raw TCP or UDP sockets/);
  t.equal(await new browser.TCPServer().listen(0), ErrorCode.ERR_UNAVAILABLE);
  t.equal(new browser.StreamPeerTLS().connectToStream(tcp, 'x'), ErrorCode.ERR_UNAVAILABLE);
  t.equal(new browser.StreamPeerTLS().getStatus(), TLSStatus.DISCONNECTED);
  const udp = new browser.PacketPeerUDP();
  t.equal(await udp.bind(0), ErrorCode.ERR_UNAVAILABLE);
  t.equal(udp.putPacket(new Uint8Array(1)), ErrorCode.ERR_UNAVAILABLE);
  t.equal(udp.getPacket(), ErrorCode.ERR_UNAVAILABLE);
  t.equal(await new browser.UDPServer().listen(0), ErrorCode.ERR_UNAVAILABLE);
  const container = createContainer(browser.netModule);
  t.ok(container.get(browser.StreamPeerTCP) instanceof browser.StreamPeerTCP);
  await container.unbindAll();
});
