import t from 'tap';
import { ConnectionStatus, ManualClock, SeededRng } from '../../core/index.js';
import { LoopbackMultiplayerPeer, VirtualNetwork } from '../../plugins/loopback/index.js';
import { pollRounds, pollUntil } from '../../testing/index.js';

function pair(latencyMs: number) {
  const clock = new ManualClock();
  const network = new VirtualNetwork({ clock, rng: new SeededRng(1), conditions: { latencyMs } });
  const server = new LoopbackMultiplayerPeer();
  const client = new LoopbackMultiplayerPeer();
  server.createServer(network);
  client.createClient(network);
  return { clock, server, client };
}

t.test('pollUntil: polls and ticks until done, then stops', async (t) => {
  const { clock, server, client } = pair(10);
  t.teardown(() => server.close());
  let ticks = 0;
  await pollUntil([server, client], () => client.getConnectionStatus() === ConnectionStatus.CONNECTED, {
    tick: () => {
      ticks++;
      clock.advance(5);
    },
  });
  t.equal(client.getConnectionStatus(), ConnectionStatus.CONNECTED);
  t.equal(ticks, 4, 'request and reply each take 10 ms of 5 ms ticks');
  const before = ticks;
  await pollUntil([server, client], () => true, { tick: () => ticks++ });
  t.equal(ticks, before, 'an already-true condition polls nothing');
});

t.test('pollUntil: throws once maxRounds pass without the condition', async (t) => {
  const { server, client } = pair(10);
  t.teardown(() => server.close());
  await t.rejects(
    pollUntil([server, client], () => false, { maxRounds: 3, what: 'never' }),
    /never not satisfied within 3 rounds/,
  );
});

t.test('pollRounds: exactly n rounds of poll and tick', async (t) => {
  const { clock, server, client } = pair(10);
  t.teardown(() => server.close());
  await pollRounds([server, client], 3, { tick: () => clock.advance(10) });
  t.equal(clock.nowMs(), 30);
  t.equal(client.getConnectionStatus(), ConnectionStatus.CONNECTED, 'the handshake completed during the rounds');
});
