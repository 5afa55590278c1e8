import t from 'tap';
import { ConnectionStatus, ErrorCode, isPacket, MultiplayerPeer, TransferMode } from '../../../core/index.js';
import { WebRTCMultiplayerPeer } from '../../../plugins/webrtc/index.js';
import { loopbackConnection, pollUntilDone, wireSignaling } from '../../helpers/webrtc-signaling.js';

const PEERS = 8;
/** The bound on poll rounds for the whole mesh to connect (each round polls all 8 peers, then sleeps ~1 ms). */
const MAX_CONNECT_ROUNDS = 20_000;

t.test('createMesh: 8 peers in one process form a full mesh, exchange packets pairwise, and see one leave', async (t) => {
  const ids = Array.from({ length: PEERS }, (_, i) => 100 + i);
  const peers = ids.map((id) => {
    const p = new WebRTCMultiplayerPeer();
    t.equal(p.createMesh(id), ErrorCode.OK, `createMesh(${id})`);
    return p;
  });
  t.teardown(() => {
    for (const p of peers) p.close();
  });
  const connected = peers.map(() => new Set<number>());
  const lost = peers.map(() => [] as number[]);
  peers.forEach((p, i) => {
    p.peerConnected.connect((id) => connected[i]!.add(id));
    p.peerDisconnected.connect((id) => lost[i]!.push(id));
  });

  // One connection per pair, signaled in-process; the lower id offers.
  for (let i = 0; i < PEERS; i++) {
    for (let j = i + 1; j < PEERS; j++) {
      const ci = loopbackConnection();
      const cj = loopbackConnection();
      t.equal(peers[i]!.addPeer(ci, ids[j]!), ErrorCode.OK);
      t.equal(peers[j]!.addPeer(cj, ids[i]!), ErrorCode.OK);
      wireSignaling(ci, cj);
      ci.createOffer();
    }
  }
  const rounds = await pollUntilDone(peers, () => connected.every((s) => s.size === PEERS - 1), {
    timeoutMs: 30_000,
    what: 'full mesh',
  }).catch((err: Error) => {
    const missing = peers.flatMap((p, i) =>
      [...p.getPeers()]
        .filter(([, x]) => !x.connected)
        .map(
          ([id, x]) =>
            `${ids[i]}->${id}: connection ${x.connection.getConnectionState()}/${x.connection.getSignalingState()}/${x.connection.getGatheringState()}, channels ${x.channels.map((c) => c.getReadyState()).join('')}`,
        ),
    );
    const removed = peers.flatMap((p, i) => ids.filter((id) => id !== ids[i] && !p.hasPeer(id)).map((id) => `${ids[i]}->${id}`));
    throw new Error(`${err.message}; not connected: ${missing.join('; ')}; removed (failed or closed): ${removed.join(', ')}`);
  });
  t.ok(rounds <= MAX_CONNECT_ROUNDS, `mesh connected within ${rounds} poll rounds (bound ${MAX_CONNECT_ROUNDS})`);
  connected.forEach((s, i) =>
    t.same(
      [...s].sort(),
      ids.filter((id) => id !== ids[i]),
      `peer ${ids[i]} saw every other peer`,
    ),
  );

  // Every peer sends each other peer a targeted reliable packet and a broadcast on the unreliable channel.
  for (const [i, p] of peers.entries()) {
    p.transferMode = TransferMode.RELIABLE;
    for (const to of ids) {
      if (to === ids[i]) continue;
      p.setTargetPeer(to);
      t.equal(p.putPacket(Uint8Array.of(1, i, ids.indexOf(to))), ErrorCode.OK);
    }
    p.transferMode = TransferMode.UNRELIABLE;
    p.setTargetPeer(MultiplayerPeer.TARGET_PEER_BROADCAST);
    t.equal(p.putPacket(Uint8Array.of(2, i, 255)), ErrorCode.OK);
  }
  const received = peers.map(() => [] as string[]);
  const drain = (): boolean => {
    peers.forEach((p, i) => {
      while (p.getAvailablePacketCount() > 0) {
        const from = p.getPacketPeer();
        const mode = p.getPacketMode();
        const data = p.getPacket();
        if (isPacket(data)) received[i]!.push(`${data[0]}:${ids[data[1]!] === from}:${data[2]}:${mode}`);
      }
    });
    return received.every((r) => r.filter((x) => x.startsWith('1:')).length === PEERS - 1);
  };
  await pollUntilDone(peers, drain, { what: 'pairwise reliable packets' });
  received.forEach((r, i) => {
    const reliable = r.filter((x) => x.startsWith('1:'));
    t.same(
      reliable.sort(),
      Array(PEERS - 1).fill(`1:true:${i}:${TransferMode.RELIABLE}`),
      `peer ${ids[i]}: one reliable packet from each other peer, addressed to it`,
    );
    const unreliable = r.filter((x) => x.startsWith('2:'));
    t.ok(
      unreliable.every((x) => x === `2:true:255:${TransferMode.UNRELIABLE}`),
      `peer ${ids[i]}: unreliable packets intact and attributed`,
    );
  });

  // The last peer leaves; the seven others each see it exactly once.
  const leaving = peers.pop()!;
  const leavingId = ids.pop()!;
  leaving.close();
  t.equal(leaving.getConnectionStatus(), ConnectionStatus.DISCONNECTED);
  await pollUntilDone(peers, () => peers.every((_, i) => lost[i]!.includes(leavingId)), { what: 'seven peers saw the close' });
  peers.forEach((p, i) => {
    t.same(lost[i], [leavingId], `peer ${ids[i]} saw ${leavingId} leave once`);
    t.equal(p.getPeers().size, PEERS - 2, `peer ${ids[i]} still has the other six`);
  });
  t.same(lost[PEERS - 1], [], 'the closing peer emitted nothing');
});
