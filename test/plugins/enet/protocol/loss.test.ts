/**
 * Delivery guarantees under a seeded lossy in-memory network: 10 % loss, 5 % duplication and
 * reordering (jitter larger than the send interval).
 */
import t from 'tap';
import { HostEventType } from '../../../../plugins/enet/protocol/host.js';
import { PacketFlag } from '../../../../plugins/enet/protocol/protocol.js';
import { MemoryWorld } from '../../../helpers/enet-memory.js';

const LOSSY = { loss: 0.1, duplicate: 0.05, latencyMs: 5, jitterMs: 15 };

function connectedPair(seed: number): { w: MemoryWorld; server: ReturnType<MemoryWorld['host']>; client: ReturnType<MemoryWorld['host']> } {
  const w = new MemoryWorld(seed, LOSSY);
  const server = w.host({ peerCount: 4 });
  const client = w.host({ peerCount: 1 });
  client.connect('10.0.0.1', 7000, 4, 0);
  const ok = w.run(() => w.of(server, HostEventType.CONNECT).length === 1 && w.of(client, HostEventType.CONNECT).length === 1, 20000);
  if (!ok) throw new Error('handshake failed under loss');
  return { w, server, client };
}

function packet(channel: number, n: number, size: number): Uint8Array {
  const p = new Uint8Array(size);
  new DataView(p.buffer).setUint32(0, n);
  p[4] = channel;
  for (let i = 5; i < size; i++) p[i] = (n + i) & 0xff;
  return p;
}

t.test(
  'send reliable: 10,000 packets on 2 channels arrive exactly once and in order per channel (10 % loss, 5 % dup, reorder)',
  async (t) => {
    const { w, server, client } = connectedPair(7);
    t.teardown(() => w.destroy());
    const peer = client.peers[0]!;
    const total = 10000;
    let queued = 0;
    const next = [0, 0];
    let bad = 0;
    const done = (): boolean => next[0]! + next[1]! === total;
    for (let step = 0; step < 200000 && !done(); step++) {
      // Feed the queue gradually, the way an application does, alternating channels.
      for (let k = 0; k < 40 && queued < total; k++, queued++) {
        const ch = queued % 2;
        peer.send(ch, packet(ch, Math.floor(queued / 2), 12 + (queued % 200)), PacketFlag.RELIABLE);
      }
      w.step(1);
      for (const e of w.events.splice(0)) {
        if (e.host !== server || e.type !== HostEventType.RECEIVE) continue;
        const n = new DataView(e.packet!.buffer, e.packet!.byteOffset).getUint32(0);
        if (e.channelID > 1 || e.packet![4] !== e.channelID || n !== next[e.channelID]) bad++;
        else next[e.channelID]!++;
      }
    }
    t.equal(bad, 0, 'no duplicate, missing or out-of-order packet');
    t.same(next, [total / 2, total / 2], 'every packet arrived');
    t.ok(
      w.network.stats.dropped > 100 && w.network.stats.duplicated > 50,
      `the network really was lossy (${JSON.stringify(w.network.stats)})`,
    );
    t.equal(peer.state, 5, 'still connected');
  },
);

t.test('send unreliable-sequenced: never delivered out of order, also across reliable epochs and for unreliable fragments', async (t) => {
  const { w, server, client } = connectedPair(11);
  t.teardown(() => w.destroy());
  const peer = client.peers[0]!;
  const last = new Map<number, number>();
  let outOfOrder = 0;
  let delivered = 0;
  for (let n = 0; n < 3000; n++) {
    // Channel 1 unreliable, channel 2 unreliable fragments, and a reliable packet on channel 1 now and then.
    peer.send(1, packet(1, n, 40), 0);
    if (n % 5 === 0) peer.send(2, packet(2, n, 3000), PacketFlag.UNRELIABLE_FRAGMENT);
    if (n % 50 === 0) peer.send(1, packet(1, n, 20), PacketFlag.RELIABLE);
    w.step(1);
    for (const e of w.events.splice(0)) {
      if (e.host !== server || e.type !== HostEventType.RECEIVE || e.flags === PacketFlag.RELIABLE) continue;
      const n2 = new DataView(e.packet!.buffer, e.packet!.byteOffset).getUint32(0);
      if (n2 <= (last.get(e.channelID) ?? -1)) outOfOrder++;
      last.set(e.channelID, n2);
      delivered++;
    }
  }
  t.equal(outOfOrder, 0, 'sequence numbers only increase per channel');
  t.ok(delivered > 1000, `most unreliable packets arrived (${delivered})`);
});

t.test('send unsequenced: duplicates are suppressed under duplication', async (t) => {
  const { w, server, client } = connectedPair(13);
  t.teardown(() => w.destroy());
  const peer = client.peers[0]!;
  const seen = new Set<number>();
  let dups = 0;
  for (let n = 0; n < 2000; n++) {
    peer.send(3, packet(3, n, 16), PacketFlag.UNSEQUENCED);
    w.step(1);
    for (const e of w.events.splice(0)) {
      if (e.host !== server || e.type !== HostEventType.RECEIVE) continue;
      const n2 = new DataView(e.packet!.buffer, e.packet!.byteOffset).getUint32(0);
      if (seen.has(n2)) dups++;
      seen.add(n2);
    }
  }
  t.equal(dups, 0);
  t.ok(seen.size > 1500, `${seen.size} arrived`);
});

t.test("service: an unresponsive peer times out (DISCONNECT with data 0) after ENet's minimum timeout", async (t) => {
  const { w, server, client } = connectedPair(17);
  t.teardown(() => w.destroy());
  w.network.conditions = { loss: 1 };
  client.peers[0]!.send(0, packet(0, 1, 8), PacketFlag.RELIABLE);
  const start = w.clock.nowMs();
  t.ok(w.run(() => w.of(client, HostEventType.DISCONNECT).length === 1, 40000, 5));
  const elapsed = w.clock.nowMs() - start;
  t.ok(elapsed >= 5000 && elapsed <= 32000, `timed out after ${elapsed} ms (docs/wire/enet.md §14: 5–32 s)`);
  t.equal(w.of(client, HostEventType.DISCONNECT)[0]!.data, 0);
  t.ok(
    w.run(() => w.of(server, HostEventType.DISCONNECT).length === 1, 40000, 5),
    'the server times out too',
  );
});
