/**
 * ENet protocol CPU without sockets: two ENetHosts in one process joined by a direct in-memory
 * datagram pair (each datagram is copied into its own buffer, as a socket hands it over), a client
 * streaming to a server that drains every event, as enet.bench.ts does over UDP. What it prints is
 * the CPU our protocol code spends per packet, send and receive together, with no syscall, libuv
 * or scheduler cost in it: the part of enet.bench's figures this code can change.
 *
 *   npx tsx test/bench/enet-protocol.bench.ts [--rounds N] [--seconds S]
 *   node --cpu-prof --import tsx test/bench/enet-protocol.bench.ts --only reliable   (a profile)
 *
 * The 'late opener' row sends, every 16 steps, a small reliable packet whose datagram arrives 8 steps
 * late, so every unreliable packet sent meanwhile waits in the receiver's pending queue for the
 * epoch it opens (a lost epoch opener, as in enet.bench's unreliable row, without waiting for a
 * retransmission). Session 6, 3 alternating 2 s rounds against main (load 10.3-11.1), medians:
 * late opener 1.53 -> 1.32 µs CPU per packet with the parallel-array queue; unreliable 64 B 0.77 ->
 * 0.85, reliable 64 B 0.75 -> 0.83, 100 KiB 190 -> 198 µs (within the rounds' spread). A second
 * run of 3 alternating rounds (load 9.5-11.2): late opener 1.60 -> 1.23, unreliable 0.72 -> 0.76,
 * reliable 0.74 -> 0.73, 100 KiB 239 -> 192 µs.
 *
 * Baseline in the same run: `copy` is the bare work every implementation does per packet here
 * (copy the payload into a datagram, copy the datagram as the socket does, copy it out again).
 */
import { loadavg } from 'node:os';
import type { DatagramReceiver, DatagramSocket } from '../../plugins/enet/datagram-socket.js';
import { ENetHost, HostEventType } from '../../plugins/enet/protocol/host.js';
import { PacketFlag, PeerState } from '../../plugins/enet/protocol/protocol.js';

const arg = (name: string, fallback = ''): string => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};

/** One end of a direct pair: `send` queues a copy for the other end, `pump()` hands them over. */
class PairSocket implements DatagramSocket {
  readonly family = 'IPv4' as const;
  readonly port: number;
  other: PairSocket | null = null;
  #receiver: DatagramReceiver | null = null;
  #queue: Uint8Array[] = [];
  /** While true, sent datagrams are held back (see `release`) instead of queued for the other end. */
  holding = false;
  #held: Uint8Array[] = [];
  constructor(
    readonly address: string,
    port: number,
  ) {
    this.port = port;
  }
  setReceiver(receiver: DatagramReceiver | null): void {
    this.#receiver = receiver;
  }
  send(data: Uint8Array, _address: string, _port: number): boolean {
    (this.holding ? this.#held : this.other!.#queue).push(data.slice());
    return false;
  }
  /** Queues the held-back datagrams for the other end, after what was sent meanwhile (a late arrival). */
  release(): void {
    this.other!.#queue.push(...this.#held);
    this.#held.length = 0;
  }
  pump(): void {
    const q = this.#queue;
    const from = this.other!;
    for (let i = 0; i < q.length; i++) this.#receiver?.(q[i]!, from.address, from.port);
    q.length = 0;
  }
  close(): void {}
}

function pair(): { client: ENetHost; server: ENetHost; clientSocket: PairSocket; pump(): void } {
  const a = new PairSocket('10.0.0.1', 5000);
  const b = new PairSocket('10.0.0.2', 6000);
  a.other = b;
  b.other = a;
  const server = new ENetHost(b, { peerCount: 4 });
  const client = new ENetHost(a, { peerCount: 1 });
  return {
    client,
    server,
    clientSocket: a,
    pump: () => {
      a.pump();
      b.pump();
    },
  };
}

/**
 * Streams `size`-byte packets for `seconds`; returns CPU µs per packet delivered. With `lateOpener`,
 * every 16th step first sends a small reliable packet whose datagram arrives 8 steps late: the
 * unreliable packets sent meanwhile belong to the epoch it opens, so the receiver queues every one
 * of them until it arrives (what a lost epoch opener does in enet.bench's unreliable row, without
 * waiting for a retransmission).
 */
function run(size: number, flags: number, seconds: number, lateOpener = false): { us: number; packets: number } {
  const { client, server, clientSocket, pump } = pair();
  const peer = client.connect('10.0.0.2', 6000, 2, 0)!;
  for (let i = 0; i < 1000 && peer.state !== PeerState.CONNECTED; i++) {
    while (client.service() !== null);
    pump();
    while (server.service() !== null);
    pump();
  }
  const payload = new Uint8Array(size);
  const opener = new Uint8Array(16);
  let delivered = 0;
  const cpu0 = process.cpuUsage();
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (let k = 0; k < 16; k++) {
      if (lateOpener && k === 0) {
        peer.send(0, opener, PacketFlag.RELIABLE);
        clientSocket.holding = true;
        while (client.service() !== null);
        clientSocket.holding = false;
      }
      if (lateOpener && k === 8) clientSocket.release();
      while (peer.outgoingCommands.length < 4096 && peer.send(0, payload, flags));
      while (client.service() !== null);
      pump();
      for (let e = server.service(); e !== null; e = server.service()) if (e.type === HostEventType.RECEIVE) delivered++;
      pump();
    }
  }
  const cpu = process.cpuUsage(cpu0);
  client.destroy();
  server.destroy();
  return { us: (cpu.user + cpu.system) / delivered, packets: delivered };
}

/** The copies alone: payload into a datagram buffer, the socket's copy, the payload out. */
function copyFloor(size: number, seconds: number): number {
  const payload = new Uint8Array(size);
  const buf = new Uint8Array(1400);
  let n = 0;
  let sink = 0;
  const cpu0 = process.cpuUsage();
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (let k = 0; k < 1000; k++) {
      for (let off = 0; off < size; off += 1300) {
        const len = Math.min(1300, size - off);
        buf.set(payload.subarray(off, off + len), 10);
        const d = buf.slice(0, len + 10);
        sink += d[5]!;
      }
      const out = new Uint8Array(size);
      sink += out[0]!;
      n++;
    }
  }
  const cpu = process.cpuUsage(cpu0);
  if (sink < 0) console.log(sink);
  return (cpu.user + cpu.system) / n;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const rounds = Number(arg('--rounds', '3'));
const seconds = Number(arg('--seconds', '2'));
console.log(
  `enet-protocol.bench: two hosts in one process, no sockets, ${seconds} s per run, medians of ${rounds} rounds; load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
const rows = [
  ['unreliable 64 B', 64, 0, false],
  ['unreliable 64 B, late opener', 64, 0, true],
  ['reliable 64 B', 64, PacketFlag.RELIABLE, false],
  ['reliable 100 KiB fragmented', 100 * 1024, PacketFlag.RELIABLE, false],
] as const;
for (const [name, size, flags, late] of rows) {
  if (!name.startsWith(arg('--only', ''))) continue;
  const us: number[] = [];
  const floor: number[] = [];
  let packets = 0;
  for (let r = 0; r < rounds; r++) {
    const x = run(size, flags, seconds, late);
    us.push(x.us);
    packets += x.packets;
    floor.push(copyFloor(size, seconds / 4));
  }
  console.log(
    `${name.padEnd(28)} ${median(us).toFixed(2)} µs CPU per packet, send + receive (${packets} packets)   copy floor ${median(floor).toFixed(2)} µs`,
  );
}
