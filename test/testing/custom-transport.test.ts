import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import t from 'tap';
import { ConnectionStatus, ErrorCode, MemoryLogger } from '../../core/index.js';
import { pollUntil, runMultiplayerPeerConformance, tapRunner } from '../../testing/index.js';
import { tcpFixture } from '../../examples/custom-transport/conformance.fixture.js';
import { TcpMultiplayerPeer } from '../../examples/custom-transport/index.js';

// The example third-party transport (examples/custom-transport, node:net) passes the published suite.
runMultiplayerPeerConformance(tapRunner(t), tcpFixture);

t.test('the fixture is at most 40 lines, and docs/writing-a-transport.md shows it verbatim', (t) => {
  const fixture = readFileSync(new URL('../../examples/custom-transport/conformance.fixture.ts', import.meta.url), 'utf8');
  t.ok(fixture.split('\n').length - 1 <= 40, `${fixture.split('\n').length - 1} lines`);
  t.ok(readFileSync(new URL('../../docs/writing-a-transport.md', import.meta.url), 'utf8').includes('```ts\n' + fixture + '```'));
  t.end();
});

t.test('tcp: a hostile frame closes only its own connection, with one logged error', async (t) => {
  const log = new MemoryLogger();
  const server = new TcpMultiplayerPeer({ logger: log });
  t.teardown(() => server.close());
  t.equal(await server.createServer(0, '127.0.0.1'), ErrorCode.OK);
  const good = new TcpMultiplayerPeer();
  t.teardown(() => good.close());
  good.createClient('127.0.0.1', server.getLocalPort());
  await pollUntil(
    [server, good],
    () => good.getConnectionStatus() === ConnectionStatus.CONNECTED && server.getAvailablePacketCount() === 0,
    { timeoutMs: 20_000 },
  );
  const evil = connect({ host: '127.0.0.1', port: server.getLocalPort() });
  t.teardown(() => evil.destroy());
  const closed = new Promise<void>((resolve) => evil.on('close', () => resolve()));
  evil.on('error', () => {});
  evil.resume(); // read (and drop) its ASSIGN, so the server's close is seen
  evil.write(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 1)); // a 4 GiB frame
  await closed;
  await pollUntil([server, good], () => log.records.length > 0, { timeoutMs: 20_000 });
  t.match(
    log.records.map((r) => r.message),
    [/tcp: peer \d+ sent an invalid frame length; connection closed\./],
  );
  good.setTargetPeer(1);
  t.equal(good.putPacket(Uint8Array.of(7)), ErrorCode.OK);
  await pollUntil([server, good], () => server.getAvailablePacketCount() > 0, { timeoutMs: 20_000 });
  t.same(server.getPacket(), Uint8Array.of(7), 'the good client is still served');
  t.equal(server.getConnectionStatus(), ConnectionStatus.CONNECTED);
});
