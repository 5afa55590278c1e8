/**
 * Regression test for the permanent unreliable-channel stall fixed in plugins/enet/protocol/incoming.ts
 * (`unblocksUnreliable`, marked "Divergence from ENet"). Unreliable packets carry the sequence number
 * of the reliable packet that opens their epoch; when that reliable packet is lost, the receiver queues
 * the epoch's unreliable packets as waiting data. Once they reach `maximumWaitingData`, plain ENet
 * refuses the retransmitted reliable packet forever and the channel never delivers again. Here the
 * epoch's reliable packet is dropped deterministically (one step at 100 % loss), the receiver's limit
 * is lowered to 8 KB so a short unreliable flood fills it, and the test checks that the retransmission
 * is still accepted, that delivery resumes in order and that the channel keeps working afterwards.
 */
import t from 'tap';
import { HostEventType } from '../../../../plugins/enet/protocol/host.js';
import { PacketFlag, PeerState } from '../../../../plugins/enet/protocol/protocol.js';
import { MemoryWorld } from '../../../helpers/enet-memory.js';

const LIMIT = 8 * 1024;
const CHANNEL = 1;

function packet(n: number, size: number): Uint8Array {
  const p = new Uint8Array(size);
  new DataView(p.buffer).setUint32(0, n);
  return p;
}

function numberOf(data: Uint8Array): number {
  return new DataView(data.buffer, data.byteOffset).getUint32(0);
}

t.test(
  'queueIncomingCommand: a lost reliable packet opening an unreliable epoch is accepted over maximumWaitingData (no permanent stall)',
  async (t) => {
    const w = new MemoryWorld(3);
    t.teardown(() => w.destroy());
    const server = w.host({ peerCount: 1 });
    const client = w.host({ peerCount: 1 });
    server.maximumWaitingData = LIMIT;
    client.connect('10.0.0.1', 7000, 2, 0);
    t.ok(
      w.run(() => w.of(server, HostEventType.CONNECT).length === 1 && w.of(client, HostEventType.CONNECT).length === 1, 2000),
      'connected',
    );
    const peer = client.peers[0]!;
    const receiving = server.peers[0]!;

    // Unreliable packets numbered 0 … are sent on CHANNEL; the reliable packet 1,000,000 opens a new epoch.
    let sent = 0;
    const unreliable: number[] = [];
    const reliable: number[] = [];
    const drain = (): void => {
      for (const e of w.events.splice(0)) {
        if (e.host !== server || e.type !== HostEventType.RECEIVE || e.channelID !== CHANNEL) continue;
        (e.flags === PacketFlag.RELIABLE ? reliable : unreliable).push(numberOf(e.packet!));
      }
    };
    const flood = (count: number): void => {
      for (let i = 0; i < count; i++) peer.send(CHANNEL, packet(sent++, 64), 0);
    };

    // Epoch 0 works.
    for (let s = 0; s < 10; s++) {
      flood(8);
      w.step(1);
      drain();
    }
    const beforeLoss = unreliable.length;
    t.ok(beforeLoss > 0, `unreliable packets arrive before the loss (${beforeLoss})`);

    // The reliable packet that opens the next epoch is lost (with whatever shares its datagram).
    w.network.conditions = { loss: 1 };
    peer.send(CHANNEL, packet(1_000_000, 16), PacketFlag.RELIABLE);
    w.step(1);
    w.network.conditions = {};
    const firstAfterLoss = sent;

    // Flood the new epoch until the receiver's waiting data is at the limit, then keep sending.
    let peakWaiting = 0;
    const recovered = (): boolean => reliable.length > 0 && unreliable.some((n) => n >= firstAfterLoss);
    for (let s = 0; s < 3000 && !recovered(); s++) {
      flood(32);
      w.step(1);
      peakWaiting = Math.max(peakWaiting, receiving.totalWaitingData);
      drain();
    }
    t.ok(peakWaiting >= LIMIT, `the receiver's waiting data reached maximumWaitingData (peak ${peakWaiting}, limit ${LIMIT})`);
    t.same(reliable, [1_000_000], 'the retransmitted reliable packet was accepted and delivered once');
    const resumed = unreliable.filter((n) => n >= firstAfterLoss);
    t.ok(resumed.length > 0, `unreliable packets sent after the lost reliable one are delivered (${resumed.length})`);
    t.ok(
      unreliable.every((n, i) => i === 0 || n > unreliable[i - 1]!),
      'unreliable packets arrive in order, without duplicates',
    );

    // The channel keeps working: a fresh reliable packet and later unreliable packets both arrive.
    const marker = sent;
    peer.send(CHANNEL, packet(2_000_000, 16), PacketFlag.RELIABLE);
    for (let s = 0; s < 500 && !(reliable.length === 2 && unreliable.some((n) => n >= marker + 100)); s++) {
      flood(8);
      w.step(1);
      drain();
    }
    t.same(reliable, [1_000_000, 2_000_000], 'a later reliable packet is delivered');
    t.ok(
      unreliable.some((n) => n >= marker + 100),
      'later unreliable packets are delivered',
    );
    t.ok(
      unreliable.every((n, i) => i === 0 || n > unreliable[i - 1]!),
      'still in order',
    );
    t.ok(receiving.totalWaitingData < LIMIT, `waiting data drained below the limit (${receiving.totalWaitingData})`);
    t.equal(peer.state, PeerState.CONNECTED, 'the sender is still connected');
  },
);
