/**
 * Hostile peers that try to exhaust a host's resources rather than break its decoder: fragments that
 * declare huge packets and never finish them, and a flood of CONNECTs that are never acknowledged.
 * Everything runs on the in-memory network with a manual clock, so "within 1 s" is virtual time.
 */
import t from 'tap';
import { LogLevel, MemoryLogger } from '../../../../core/index.js';
import type { ENetHost } from '../../../../plugins/enet/protocol/host.js';
import { Command, FLAG_ACKNOWLEDGE, PacketFlag, PeerState } from '../../../../plugins/enet/protocol/protocol.js';
import { HostEventType, MemoryWorld } from '../../../helpers/enet-memory.js';
import { forgedConnect } from '../../../helpers/enet-forged.js';

const u32 = (v: number): number[] => [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const u16 = (v: number): number[] => [(v >>> 8) & 0xff, v & 0xff];

/** A datagram header from `client` (its real peer id and session) to the server. */
function header(w: MemoryWorld, client: ENetHost): number[] {
  const p = client.peers[0]!;
  const word = p.outgoingPeerID | (p.outgoingSessionID << 12) | 0x8000;
  const time = w.clock.nowMs() & 0xffff;
  return [word >> 8, word & 0xff, time >> 8, time & 0xff];
}

/** One reliable SEND_FRAGMENT command (channel 0) carrying `size` bytes of `fill`. */
function fragment(
  w: MemoryWorld,
  client: ENetHost,
  f: { start: number; count: number; number: number; total: number; offset: number; size: number },
): Uint8Array {
  return new Uint8Array([
    ...header(w, client),
    Command.SEND_FRAGMENT | FLAG_ACKNOWLEDGE,
    0,
    ...u16(f.start),
    ...u16(f.start),
    ...u16(f.size),
    ...u32(f.count),
    ...u32(f.number),
    ...u32(f.total),
    ...u32(f.offset),
    ...new Array<number>(f.size).fill(0x5a),
  ]);
}

/** A server with `clients` connected clients on a clean in-memory network. */
function world(clients: number, log = new MemoryLogger()): { w: MemoryWorld; server: ENetHost; hosts: ENetHost[]; log: MemoryLogger } {
  const w = new MemoryWorld(7, { latencyMs: 1 });
  const server = w.host({ peerCount: clients + 2, logger: log }, '10.0.0.1');
  const hosts = Array.from({ length: clients }, (_, i) => w.host({ peerCount: 1 }, `10.0.1.${i + 1}`));
  for (const h of hosts) h.connect('10.0.0.1', 7000, 2, 0);
  if (!w.run(() => w.of(server, HostEventType.CONNECT).length === clients, 2000)) throw new Error('setup failed');
  return { w, server, hosts, log };
}

t.test('fragments: a first fragment no longer reserves the whole declared packet', async (t) => {
  const { w, server, hosts: all } = world(17);
  t.teardown(() => w.destroy());
  const hosts = all.slice(0, 16);
  const honest = all[16]!;
  const total = 32 * 1024 * 1024 - 1; // the largest packet the host accepts
  const before = process.memoryUsage().arrayBuffers;
  for (const h of hosts) {
    h.socket.send(fragment(w, h, { start: 1, count: Math.ceil(total / 1000), number: 0, total, offset: 0, size: 1000 }), '10.0.0.1', 7000);
  }
  w.step(2);
  const grown = process.memoryUsage().arrayBuffers - before;
  t.equal(server.reassemblyBytes, 16 * 1000, 'the host holds what the 16 peers sent, not what they declared');
  t.ok(grown < 64 * 1024 * 1024, `ArrayBuffers grew by ${(grown / 1048576).toFixed(1)} MiB (ENet would reserve 16 × 32 MiB = 512 MiB)`);
  t.equal(server.peers.filter((p) => p.state === PeerState.CONNECTED).length, 17, 'every sender is still connected');

  // An honest fragmented packet still arrives whole, and its buffered bytes are returned.
  const payload = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 31) & 0xff);
  honest.peers[0]!.send(1, payload, PacketFlag.RELIABLE);
  t.ok(
    w.run(() => w.of(server, HostEventType.RECEIVE).length === 1, 5000),
    'the 100 KB packet was delivered',
  );
  t.same(w.of(server, HostEventType.RECEIVE)[0]!.packet, payload, 'byte for byte');
  t.equal(server.reassemblyBytes, 16 * 1000, 'only the unfinished hostile fragments are still held');

  // Resetting a peer returns what its unfinished reassemblies held.
  for (const h of all) h.peers[0]!.disconnectNow(0);
  t.ok(
    w.run(() => server.peers.every((p) => p.state === PeerState.DISCONNECTED), 60_000, 10),
    'the server dropped every peer',
  );
  t.equal(server.reassemblyBytes, 0, 'nothing is held for peers that are gone');
});

t.test('fragments: the host-wide reassembly limit refuses (and logs once) until a hostile peer is gone', async (t) => {
  const { w, server, hosts, log } = world(2);
  t.teardown(() => w.destroy());
  server.maximumReassemblyData = 8000;
  const [hostile, honest] = hosts as [ENetHost, ENetHost];
  for (let n = 0; n < 7; n++) {
    hostile.socket.send(
      fragment(w, hostile, { start: 1, count: 20, number: n, total: 20_000, offset: n * 1000, size: 1000 }),
      '10.0.0.1',
      7000,
    );
  }
  w.step(2);
  t.equal(server.reassemblyBytes, 7000);
  const payload = Uint8Array.from({ length: 5000 }, (_, i) => i & 0xff);
  honest.peers[0]!.send(0, payload, PacketFlag.RELIABLE);
  w.run(() => false, 300);
  t.equal(w.of(server, HostEventType.RECEIVE).length, 0, 'the honest packet waits: its fragments do not fit yet');
  t.ok(server.reassemblyRefusals > 1, `refusals counted (${server.reassemblyRefusals})`);
  t.equal(log.at(LogLevel.WARN).filter((r) => r.message.includes('maximumReassemblyData')).length, 1, 'logged once');
  t.ok(server.reassemblyBytes <= 8000, 'the limit holds');

  hostile.peers[0]!.disconnectNow(0);
  t.ok(
    w.run(() => w.of(server, HostEventType.RECEIVE).length === 1, 20_000),
    'once the hostile peer is gone, the retransmitted fragments get in',
  );
  t.same(w.of(server, HostEventType.RECEIVE)[0]!.packet, payload);
  t.equal(server.reassemblyBytes, 0);
  t.equal(honest.peers[0]!.state, PeerState.CONNECTED, 'the honest peer was never dropped');
});

t.test('CONNECT flood: 4,096 forged CONNECTs from 64 sockets; an honest client still connects within 1 s', async (t) => {
  const w = new MemoryWorld(11, { latencyMs: 1 });
  t.teardown(() => w.destroy());
  const log = new MemoryLogger();
  const server = w.host({ peerCount: 64, logger: log }, '10.0.0.1');
  const attacker = Array.from({ length: 64 }, () => w.network.bind('10.0.0.66', 0));
  const connect = forgedConnect;
  // Each socket forges a CONNECT (fresh connect id) every 10 ms and never acknowledges anything:
  // 64 rounds of 64 = 4,096 CONNECTs over 640 ms, the honest client starting in the middle.
  let id = 1;
  const flood = (): void => {
    for (const s of attacker) s.send(connect(id++), '10.0.0.1', 7000);
  };
  for (let round = 0; round < 20; round++) {
    flood();
    w.run(() => false, 10);
  }
  t.equal(server.peers.filter((p) => p.state === PeerState.ACKNOWLEDGING_CONNECT).length, 64, 'the forged handshakes hold every slot');

  const honest = w.host({ peerCount: 1 }, '10.0.0.66'); // same address as the attacker, its own port
  const started = w.clock.nowMs();
  honest.connect('10.0.0.1', 7000, 2, 0);
  let connectedAt = -1;
  for (let round = 20; round < 64; round++) {
    flood();
    for (let ms = 0; ms < 10; ms++) {
      w.step(1);
      if (connectedAt < 0 && honest.peers[0]!.state === PeerState.CONNECTED && w.of(server, HostEventType.CONNECT).length === 1) {
        connectedAt = w.clock.nowMs();
      }
    }
  }
  t.ok(connectedAt >= 0, 'the honest client connected during the flood');
  t.ok(connectedAt - started <= 1000, `within 1 s of virtual time (took ${connectedAt - started} ms)`);
  t.equal(server.peers.filter((p) => p.state === PeerState.CONNECTED).length, 1, 'and stays connected: connected peers are never evicted');

  honest.peers[0]!.send(0, new Uint8Array([7, 7, 7]), PacketFlag.RELIABLE);
  t.ok(
    w.run(() => w.of(server, HostEventType.RECEIVE).length === 1, 2000),
    'it can send',
  );
  t.ok(server.evictedHandshakes > 0, `forged handshakes were evicted (${server.evictedHandshakes})`);
  t.equal(log.at(LogLevel.WARN).filter((r) => r.message.includes('unfinished handshake')).length, 1, 'logged once');
});

t.test('CONNECT flood: a full host gives no slot to a source past 8 recent CONNECTs (no eviction, no VERIFY_CONNECT)', async (t) => {
  const w = new MemoryWorld(12, { latencyMs: 1 });
  t.teardown(() => w.destroy());
  const server = w.host({ peerCount: 2, logger: new MemoryLogger() }, '10.0.0.1');
  const attacker = w.network.bind('10.0.0.66', 0);
  let answers = 0;
  attacker.setReceiver(() => answers++);
  // One forged CONNECT (fresh connect id) per millisecond from one socket: the first two take the
  // free slots, the next six (the source's 3rd to 8th CONNECTs) evict each other's handshakes, the
  // rest are ignored as a full ENet host ignores every CONNECT.
  for (let id = 1; id <= 20; id++) {
    attacker.send(forgedConnect(id), '10.0.0.1', 7000);
    w.step(1);
  }
  w.step(5);
  t.equal(server.evictedHandshakes, 6, 'only the source’s first 8 CONNECTs took a slot');
  t.equal(answers, 8, 'and only those were answered with a VERIFY_CONNECT');
  t.equal(server.peers.filter((p) => p.state === PeerState.ACKNOWLEDGING_CONNECT).length, 2, 'the host is still full');

  const honest = w.host({ peerCount: 1 }, '10.0.0.66'); // same address, its own port
  honest.connect('10.0.0.1', 7000, 2, 0);
  t.ok(
    w.run(() => honest.peers[0]!.state === PeerState.CONNECTED && w.of(server, HostEventType.CONNECT).length === 1, 1000),
    'a source with few CONNECTs still takes a half-open slot and connects',
  );
  t.equal(server.evictedHandshakes, 7, 'by evicting one forged handshake');
});
