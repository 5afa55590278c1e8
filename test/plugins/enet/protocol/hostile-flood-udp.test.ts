/**
 * The CONNECT flood of hostile-resources.test.ts on real loopback UDP sockets and the wall clock:
 * 64 sockets forge 4,096 CONNECTs (a fresh connect id each, never acknowledged) at a 64-slot server
 * while an honest client on the same address connects.
 */
import { createSocket, type Socket } from 'node:dgram';
import t from 'tap';
import { LogLevel, MemoryLogger } from '../../../../core/index.js';
import { HostEventType } from '../../../../plugins/enet/protocol/host.js';
import { PacketFlag, PeerState } from '../../../../plugins/enet/protocol/protocol.js';
import { udpHost, type SeenEvent } from '../../../helpers/enet-udp.js';
import { forgedConnect } from '../../../helpers/enet-forged.js';

const connect = forgedConnect;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The ENet spec's answer to this flood is nothing: a full host ignores CONNECTs, so the forged
 * handshakes keep every slot until they time out and an honest client waited 1.5-7.6 s. The honest
 * client must connect within 1 s of wall time. Its own round trip on loopback is a millisecond; the
 * second is the budget for a loaded machine (a lost first CONNECT is retried after 500 ms, ENet's
 * initial RTT). The server, attacker and client share this process, as the worst case for timing.
 */
t.test('CONNECT flood over UDP: 4,096 forged CONNECTs from 64 sockets; an honest client connects within 1 s', async (t) => {
  const log = new MemoryLogger();
  const server = await udpHost({ peerCount: 64, logger: log });
  const client = await udpHost({ peerCount: 1 });
  const attackers: Socket[] = [];
  for (let i = 0; i < 64; i++) {
    const s = createSocket('udp4');
    s.on('message', () => {}); // the VERIFY_CONNECTs are never answered
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
    attackers.push(s);
  }
  t.teardown(() => {
    for (const s of attackers) s.close();
    server.destroy();
    client.destroy();
  });

  const seen: SeenEvent[] = [];
  let stop = false;
  // The hosts are serviced every millisecond, as an application's loop would.
  const service = (async () => {
    while (!stop) {
      for (const h of [server, client]) for (let e = h.service(); e !== null; e = h.service()) seen.push({ ...e, host: h });
      await sleep(1);
    }
  })();

  // 64 rounds of one CONNECT per socket, a round every 4 ms; the honest client starts after 16.
  let id = 1;
  let started = 0;
  let connectedAt = -1;
  const honestConnected = (): boolean =>
    client.peers[0]!.state === PeerState.CONNECTED && seen.some((e) => e.host === server && e.type === HostEventType.CONNECT);
  for (let round = 0; round < 64; round++) {
    for (const s of attackers) s.send(connect(id++), server.socket.port, '127.0.0.1');
    if (round === 16) {
      t.equal(server.peers.filter((p) => p.state === PeerState.ACKNOWLEDGING_CONNECT).length, 64, 'the forged handshakes hold every slot');
      started = performance.now();
      client.connect('127.0.0.1', server.socket.port, 2, 0);
    }
    if (started > 0 && connectedAt < 0 && honestConnected()) connectedAt = performance.now();
    await sleep(4);
  }
  t.equal(id - 1, 4096, '4,096 CONNECTs sent');
  const deadline = performance.now() + 5000;
  while (connectedAt < 0 && performance.now() < deadline) {
    if (honestConnected()) connectedAt = performance.now();
    await sleep(1);
  }
  t.ok(connectedAt > 0, 'the honest client connected');
  const took = connectedAt - started;
  t.ok(connectedAt > 0 && took <= 1000, `within 1 s (took ${took.toFixed(0)} ms)`);
  t.equal(server.peers.filter((p) => p.state === PeerState.CONNECTED).length, 1, 'only the honest client is connected');

  client.peers[0]!.send(0, new Uint8Array([1, 2, 3]), PacketFlag.RELIABLE);
  const sendDeadline = performance.now() + 5000;
  while (!seen.some((e) => e.host === server && e.type === HostEventType.RECEIVE) && performance.now() < sendDeadline) await sleep(1);
  t.ok(
    seen.some((e) => e.host === server && e.type === HostEventType.RECEIVE),
    'and its packet arrives',
  );
  t.ok(server.evictedHandshakes > 0, `forged handshakes gave up their slots (${server.evictedHandshakes})`);
  t.equal(log.at(LogLevel.WARN).filter((r) => r.message.includes('handshake')).length, 1, 'logged once');
  stop = true;
  await service;
});
