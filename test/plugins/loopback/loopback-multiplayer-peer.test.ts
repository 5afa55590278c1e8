import t from 'tap';
import { ConnectionStatus, ErrorCode, MemoryLogger, MultiplayerError, SeededRng, TransferMode } from '../../../core/index.js';
import { LoopbackMultiplayerPeer } from '../../../plugins/loopback/index.js';
import { connect, drain, makeNetwork, put, step, stepUntil } from './fixtures/network.js';

const { CONNECTING, CONNECTED, DISCONNECTED } = ConnectionStatus;
const { RELIABLE, UNRELIABLE } = TransferMode;

function signals(peer: LoopbackMultiplayerPeer): string[] {
  const log: string[] = [];
  peer.peerConnected.connect((id) => log.push(`+${id}`));
  peer.peerDisconnected.connect((id) => log.push(`-${id}`));
  return log;
}

t.test('createClient: the handshake crosses the link; CONNECTING until a poll after the reply arrives', (t) => {
  const { clock, network } = makeNetwork(1, { latencyMs: 40 });
  const server = new LoopbackMultiplayerPeer();
  const client = new LoopbackMultiplayerPeer();
  t.teardown(() => {
    server.close();
    client.close();
  });
  t.equal(server.createServer(network), ErrorCode.OK);
  t.equal(client.createClient(network), ErrorCode.OK);
  t.equal(client.address, 'client-1');
  step(clock, [server, client], 40);
  t.equal(client.getConnectionStatus(), CONNECTING, 'request arrived at 40 ms; reply still on its way');
  step(clock, [server, client], 39);
  t.equal(client.getConnectionStatus(), CONNECTING, 'at 79 ms');
  clock.advance(1);
  t.equal(client.getConnectionStatus(), CONNECTING, 'the reply is due but nobody polled');
  client.poll();
  t.equal(client.getConnectionStatus(), CONNECTED, 'connected in the poll after the reply arrived');
  t.end();
});

t.test('createServer/createClient: ids come from the injected Rng; same seed, same ids', (t) => {
  const ids = [1, 2].map(() => {
    const { clock, network } = makeNetwork(99);
    const { server, clients } = connect(clock, network, 3);
    const out = clients.map((c) => c.getUniqueId());
    server.close();
    return out;
  });
  t.same(ids[0], ids[1]);
  t.equal(new Set(ids[0]).size, 3, 'distinct');
  const { clock, network } = makeNetwork(99);
  const server = new LoopbackMultiplayerPeer({ rng: new SeededRng(5) });
  server.createServer(network);
  const client = new LoopbackMultiplayerPeer();
  client.createClient(network);
  stepUntil(clock, [server, client], () => client.getConnectionStatus() === CONNECTED);
  t.not(client.getUniqueId(), ids[0]![0], "the server's own Rng, when given, wins over the network's");
  server.close();
  t.end();
});

t.test('createServer: bad calls return codes', (t) => {
  const { network } = makeNetwork(2);
  const a = new LoopbackMultiplayerPeer();
  const b = new LoopbackMultiplayerPeer();
  t.teardown(() => {
    a.close();
    b.close();
  });
  t.equal(a.createServer(network, { maxClients: 0 }), ErrorCode.ERR_INVALID_PARAMETER, 'maxClients 0');
  t.equal(a.createServer(network, { address: '' }), ErrorCode.ERR_INVALID_PARAMETER, 'empty address');
  t.equal(a.createServer(network), ErrorCode.OK);
  t.equal(b.createServer(network), ErrorCode.ERR_CANT_CREATE, 'address taken');
  t.equal(a.createClient(network), ErrorCode.ERR_ALREADY_IN_USE, 'client on an active server peer');
  t.equal(b.createClient(network, { address: '' }), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(b.createClient(network, { localAddress: 'server' }), ErrorCode.ERR_INVALID_PARAMETER, 'client on the server address');
  t.end();
});

t.test('createClient: nobody at the address → DISCONNECTED on the next poll, no signal', (t) => {
  const { network } = makeNetwork(3);
  const client = new LoopbackMultiplayerPeer();
  const log = signals(client);
  t.equal(client.createClient(network, { address: 'nowhere' }), ErrorCode.OK);
  t.equal(client.getConnectionStatus(), CONNECTING, 'the failure surfaces in poll()');
  client.poll();
  t.equal(client.getConnectionStatus(), DISCONNECTED);
  t.same(log, []);
  t.end();
});

t.test('createClient: a partitioned client gives up after connectTimeoutMs', (t) => {
  const { clock, network } = makeNetwork(4, { latencyMs: 10 });
  const server = new LoopbackMultiplayerPeer();
  const client = new LoopbackMultiplayerPeer({ connectTimeoutMs: 1000 });
  t.teardown(() => server.close());
  server.createServer(network);
  network.partition('client-1');
  client.createClient(network);
  step(clock, [server, client], 10, 99);
  t.equal(client.getConnectionStatus(), CONNECTING, 'at 990 ms');
  step(clock, [server, client], 10);
  t.equal(client.getConnectionStatus(), DISCONNECTED, 'at 1000 ms');
  t.end();
});

t.test('maxClients: the client beyond the limit is rejected and ends DISCONNECTED', (t) => {
  const { clock, network } = makeNetwork(5);
  const server = new LoopbackMultiplayerPeer();
  t.teardown(() => server.close());
  server.createServer(network, { maxClients: 1 });
  const log = signals(server);
  const [a, b] = [new LoopbackMultiplayerPeer(), new LoopbackMultiplayerPeer()];
  a.createClient(network);
  b.createClient(network);
  stepUntil(clock, [server, a, b], () => b.getConnectionStatus() === DISCONNECTED && a.getConnectionStatus() === CONNECTED);
  t.same(log, [`+${a.getUniqueId()}`]);
  t.end();
});

t.test('putPacket: bad calls return codes and log once at debug', (t) => {
  const { clock, network } = makeNetwork(6);
  const logger = new MemoryLogger();
  const { server, clients } = connect(clock, network, 1);
  const client = clients[0]!;
  const loud = new LoopbackMultiplayerPeer({ logger });
  t.teardown(() => {
    server.close();
    client.close();
  });
  t.equal(put(loud, 0, new Uint8Array(1), RELIABLE), ErrorCode.ERR_UNCONFIGURED);
  t.equal(logger.records.length, 1, 'one debug line');
  t.equal(put(server, 12345, new Uint8Array(1), RELIABLE), ErrorCode.ERR_INVALID_PARAMETER, 'unknown target');
  t.equal(put(server, -12345, new Uint8Array(1), RELIABLE), ErrorCode.ERR_INVALID_PARAMETER, 'unknown excluded target');
  t.equal(put(client, 7, new Uint8Array(1), RELIABLE), ErrorCode.ERR_INVALID_PARAMETER, 'a client only knows the server');
  t.equal(put(client, 1, new Uint8Array(1), RELIABLE, 256), ErrorCode.ERR_INVALID_PARAMETER, 'channel out of range');
  t.equal(put(client, 1, new Uint8Array(1), 7 as TransferMode), ErrorCode.ERR_INVALID_PARAMETER, 'bad mode');
  t.equal(put(client, 1, new Uint8Array(client.getMaxPacketSize() + 1), RELIABLE), ErrorCode.ERR_INVALID_PARAMETER, 'too big');
  t.equal(put(client, -1, new Uint8Array(1), RELIABLE), ErrorCode.OK, 'a client excluding the server sends to nobody');
  step(clock, [server, client], 1, 5);
  t.same(drain(server), [], 'nothing arrived');
  t.end();
});

t.test('putPacket: the sender may reuse its buffer; receivers get their own copy', (t) => {
  const { clock, network } = makeNetwork(7);
  const { server, clients } = connect(clock, network, 2);
  t.teardown(() => server.close());
  const buf = Uint8Array.of(1, 2, 3);
  put(server, 0, buf, RELIABLE);
  buf[0] = 9;
  step(clock, [server, ...clients]);
  const [a, b] = clients.map((c) => drain(c)[0]!.data);
  t.same([...a!], [1, 2, 3]);
  a![1] = 0;
  t.same([...b!], [1, 2, 3], 'independent buffers');
  t.end();
});

t.test('disconnectPeer: force suppresses the local signal; the remote still sees it', (t) => {
  const { clock, network } = makeNetwork(8, { latencyMs: 5 });
  const { server, clients } = connect(clock, network, 2);
  t.teardown(() => server.close());
  const [a, b] = clients as [LoopbackMultiplayerPeer, LoopbackMultiplayerPeer];
  const log = signals(server);
  const aLog = signals(a);
  const idB = b.getUniqueId();
  server.disconnectPeer(a.getUniqueId(), true);
  server.disconnectPeer(idB);
  t.same(log, [], 'nothing emitted inside disconnectPeer');
  step(clock, [server, a, b], 5, 2);
  t.same(log, [`-${idB}`], 'only the non-forced one is signalled');
  t.same(aLog, ['-1'], 'the forced-out client still learns it');
  t.equal(a.getConnectionStatus(), DISCONNECTED);
  t.end();
});

t.test('disconnectPeer: contract violations throw MultiplayerError', (t) => {
  const { clock, network } = makeNetwork(9);
  const idle = new LoopbackMultiplayerPeer();
  const e1 = t.throws(() => idle.disconnectPeer(5)) as unknown;
  t.ok(MultiplayerError.is(e1) && e1.code === ErrorCode.ERR_UNCONFIGURED);
  const { server, clients } = connect(clock, network, 1);
  t.teardown(() => server.close());
  const e2 = t.throws(() => server.disconnectPeer(5)) as unknown;
  t.ok(MultiplayerError.is(e2) && e2.code === ErrorCode.ERR_INVALID_PARAMETER);
  const client = clients[0]!;
  const log = signals(client);
  client.disconnectPeer(1);
  t.equal(client.getConnectionStatus(), DISCONNECTED, 'a client leaving is DISCONNECTED at once');
  client.poll();
  t.same(log, ['-1'], 'and signals it on the next poll');
  t.end();
});

t.test('close: clients see the server leave (DISCONNECTED + peerDisconnected(1)), in order after its data', (t) => {
  const { clock, network } = makeNetwork(10, { latencyMs: 15, jitterMs: 10, loss: 0.3 });
  const { server, clients } = connect(clock, network, 1);
  const client = clients[0]!;
  const events: string[] = [];
  client.peerDisconnected.connect((id) => events.push(`-${id}`));
  put(server, 0, Uint8Array.of(42), RELIABLE);
  server.close();
  t.equal(server.getUniqueId(), 0, 'a closed peer has no id');
  stepUntil(clock, [client], () => client.getConnectionStatus() === DISCONNECTED);
  t.same(events, ['-1']);
  t.same(
    drain(client).map((p) => p.data[0]),
    [42],
    'the reliable packet sent before close() arrived first',
  );
  t.end();
});

t.test('refuseNewConnections on a lossy link: refused clients never appear on the server', (t) => {
  const { clock, network } = makeNetwork(11, { loss: 0.3, latencyMs: 5 });
  const server = new LoopbackMultiplayerPeer();
  t.teardown(() => server.close());
  server.createServer(network);
  server.refuseNewConnections = true;
  const log = signals(server);
  const client = new LoopbackMultiplayerPeer();
  client.createClient(network);
  stepUntil(clock, [server, client], () => client.getConnectionStatus() === DISCONNECTED);
  t.same(log, []);
  t.end();
});

t.test('unreliable: data arriving before the accept waits for peerConnected(1)', (t) => {
  const { clock, network } = makeNetwork(12, { latencyMs: 10 });
  const server = new LoopbackMultiplayerPeer();
  t.teardown(() => server.close());
  server.createServer(network);
  const client = new LoopbackMultiplayerPeer();
  client.createClient(network);
  server.peerConnected.connect((id) => {
    network.setLinkConditions('server', 'client-1', { latencyMs: 0 });
    put(server, id, Uint8Array.of(5), UNRELIABLE, 3);
  });
  const order: string[] = [];
  client.peerConnected.connect(() => order.push(`connected, ${client.getAvailablePacketCount()} readable`));
  stepUntil(clock, [server, client], () => client.getAvailablePacketCount() > 0);
  t.same(order, ['connected, 0 readable']);
  t.same(
    drain(client).map((p) => [p.from, p.channel, p.data[0]]),
    [[1, 3, 5]],
  );
  t.end();
});

t.test('poll: a throwing slot loses nothing; the rest is processed on the next poll', (t) => {
  const { clock, network } = makeNetwork(13);
  const server = new LoopbackMultiplayerPeer();
  t.teardown(() => server.close());
  server.createServer(network);
  const clients = [new LoopbackMultiplayerPeer(), new LoopbackMultiplayerPeer()];
  for (const c of clients) c.createClient(network);
  const seen: number[] = [];
  server.peerConnected.connect((id) => {
    seen.push(id);
    if (seen.length === 1) throw new Error('slot failure');
  });
  clock.advance(1);
  t.throws(() => server.poll(), /slot failure/, 'the slot error reaches the caller');
  t.equal(seen.length, 1, 'the poll stopped at the failing signal');
  server.poll();
  t.equal(seen.length, 2, 'the second connection was kept for the next poll');
  stepUntil(clock, [server, ...clients], () => clients.every((c) => c.getConnectionStatus() === CONNECTED));
  t.end();
});
