/**
 * The low-level stream classes against their baselines, measured in the same run (medians of 3 rounds):
 * - TCP bulk transfer on loopback: StreamPeerTCP → StreamPeerTCP (polled, 16 KiB putPartialData, reads
 *   of up to 64 KiB per poll) against raw `net.Socket`s (`write` / 'data' events), MB/s;
 * - putVar + getVar through a StreamPeerBuffer against the bare Variant codec (encodeVariant +
 *   decodeVariant), operations per second.
 *
 *   npx tsx test/bench/streams.bench.ts [MiB per TCP round, default 64]
 */
import net from 'node:net';
import { StreamPeerBuffer, Vector2, decodeVariant, encodeVariant } from '../../core/index.js';
import { StreamPeerTCP, TCPServer, TCPStatus } from '../../plugins/net/index.js';

const MIB = Number(process.argv[2] ?? 64);
const TOTAL = MIB * 1024 * 1024;
const ROUNDS = 3;
const chunk = new Uint8Array(16 * 1024).fill(7);

function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function streamPeerRound(): Promise<number> {
  const server = new TCPServer();
  await server.listen(0, '127.0.0.1');
  const client = new StreamPeerTCP();
  client.connectToHost('127.0.0.1', server.getLocalPort());
  while (client.getStatus() !== TCPStatus.CONNECTED || !server.isConnectionAvailable()) {
    client.poll();
    await tick();
  }
  const receiver = server.takeConnection()!;
  const start = performance.now();
  let sent = 0;
  let received = 0;
  while (received < TOTAL) {
    while (sent < TOTAL) {
      const [, n] = client.putPartialData(chunk.subarray(0, Math.min(chunk.length, TOTAL - sent)));
      if (n === 0) break;
      sent += n;
    }
    receiver.poll();
    for (let n = -1; n !== 0; received += n) n = receiver.getPartialData(65536)[1].length;
    await tick();
  }
  const seconds = (performance.now() - start) / 1000;
  client.disconnectFromHost();
  receiver.disconnectFromHost();
  server.stop();
  return TOTAL / 1024 / 1024 / seconds;
}

async function rawSocketRound(): Promise<number> {
  let resolveAccepted!: (s: net.Socket) => void;
  const accepted = new Promise<net.Socket>((resolve) => (resolveAccepted = resolve));
  const server = net.createServer((s) => resolveAccepted(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise((resolve) => client.once('connect', resolve));
  const receiver = await accepted;
  const start = performance.now();
  let received = 0;
  const done = new Promise<void>((resolve) => {
    receiver.on('data', (d: Buffer) => {
      received += d.length;
      if (received >= TOTAL) resolve();
    });
  });
  let sent = 0;
  const pump = (): void => {
    while (sent < TOTAL) {
      const n = Math.min(chunk.length, TOTAL - sent);
      sent += n;
      if (!client.write(chunk.subarray(0, n))) {
        client.once('drain', pump);
        return;
      }
    }
  };
  pump();
  await done;
  const seconds = (performance.now() - start) / 1000;
  client.destroy();
  receiver.destroy();
  server.close();
  return TOTAL / 1024 / 1024 / seconds;
}

const value = new Map<string, unknown>([
  ['pos', new Vector2(1.5, -2)],
  ['hp', 100],
  ['name', 'player one'],
]) as never;

function putGetVarRound(): number {
  const b = new StreamPeerBuffer();
  const n = 200_000;
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    b.clear();
    b.putVar(value);
    b.seek(0);
    b.getVar();
  }
  return n / ((performance.now() - start) / 1000);
}

function codecRound(): number {
  const n = 200_000;
  const start = performance.now();
  for (let i = 0; i < n; i++) decodeVariant(encodeVariant(value) as Uint8Array);
  return n / ((performance.now() - start) / 1000);
}

const peer: number[] = [];
const raw: number[] = [];
const viaBuffer: number[] = [];
const codec: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  raw.push(await rawSocketRound());
  peer.push(await streamPeerRound());
  codec.push(codecRound());
  viaBuffer.push(putGetVarRound());
}
const fmt = (v: number): string => v.toFixed(0);
console.log(
  `TCP ${MIB} MiB on loopback: StreamPeerTCP ${fmt(median(peer))} MB/s, raw net.Socket ${fmt(median(raw))} MB/s (${((median(peer) / median(raw)) * 100).toFixed(0)} %) [rounds: ${peer.map(fmt).join(', ')} vs ${raw.map(fmt).join(', ')}]`,
);
console.log(
  `putVar+getVar via StreamPeerBuffer ${fmt(median(viaBuffer))} ops/s, bare codec ${fmt(median(codec))} ops/s (${((median(viaBuffer) / median(codec)) * 100).toFixed(0)} %)`,
);
