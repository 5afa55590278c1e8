/**
 * WebSocket throughput and memory: `npx tsx test/bench/websocket.bench.ts [throughput] [memory]`
 *
 * Throughput: one server, 1 and 50 clients, every client sends `PAYLOAD`-byte messages to the server
 * (all in this process, so the figures include both ends). Every variant does the same job: TOTAL
 * messages of the same payload, reliable and ordered (TCP), each one received and checked (length and
 * last byte) by the server; each client sends up to BATCH messages, then the loop takes one turn.
 * Connection setup is outside the timed part on both sides: the WebSocket handshake, and one warm-up
 * message per client that the server echoes back (for SceneMultiplayer this also confirms the node
 * path, Godot's one-time per-peer cache handshake, so the timed RPCs use the compact form).
 *   - raw `ws` (the baseline): WebSocket#send, a 'message' listener checks and counts;
 *   - raw `ws` corked per batch: the same, with the socket corked for each batch as our backend
 *     does per tick (so the gain of that batching is visible on its own);
 *   - WebSocketMultiplayerPeer: putPacket, the server polls and drains getPacket();
 *   - SceneMultiplayer RPCs over WebSocketMultiplayerPeer: rpcId(1, 'recv', bytes), the server's
 *     SceneTree processes frames.
 * The machine is shared and noisy: after one untimed warm-up round, the variants take turns for
 * ROUNDS rounds (the baseline and the RPC variant back to back, the order reversed every other round);
 * each figure is the median with its range, and "% of raw ws" is the median of the per-round ratios
 * (each against the same round's baseline). The load average is printed with each part, and so is
 * the CPU time (user + system, both ends) per message: a second view of the same cost, which other
 * processes disturb less than the wall-clock rates (but still visibly on this 2-core machine).
 * Memory: heap + external bytes per idle connection with 1,000 clients, after a forced GC.
 *
 * The server policy is installed (as GameServer does) for the whole program, so both ends count their
 * traffic; the server's budgets are lifted. `CLIENTS=1,50` and `ROUNDS=9` (the defaults) can be set.
 *
 * Target (issue #12): SceneMultiplayer RPCs ≥ 0.8× raw `ws` corked per batch; the summary line of each
 * part prints the ratio by rate and by CPU per message. Measured at load average 12–14 (9 rounds):
 * 1 client 0.59× by rate, 0.61× by CPU (2.55 vs 1.56 µs per message, both ends); 50 clients 0.55× /
 * 0.52× (3.05 vs 1.58 µs). WebSocketMultiplayerPeer alone: 1.38× / 1.14× of corked `ws` with 1 client
 * (1.37 µs), 0.82× / 0.68× with 50 (2.34 µs). What changed: the Node backend frames a tick's messages
 * itself into one buffer and one socket write per connection (ws-backend.ts; no ws Sender, Buffer
 * view, frame header and stream entry per message). In a paired run against the previous backend
 * (ws-backend.ts of commit 5ca9cde, loaded as the peers' `backend`; load average 17–20, 5 rounds) the
 * CPU per message fell from 1.77 to 1.31 µs (peer, 1 client), 2.98 to 2.27 (RPC, 1 client), 2.75 to
 * 2.39 (peer, 50 clients), 4.16 to 3.35 (RPC, 50 clients).
 *
 * Where the RPC path's time goes now (`node --cpu-prof --import tsx test/bench/websocket.bench.ts
 * profile 1`, self time of the work done inside the bench's poll/send loop, both ends; the `ws`
 * receiver's parsing runs in socket callbacks and costs raw `ws` the same): GC 23 %, the Variant codec
 * and packet building in core 25 % (decodeAndDecompressVariants 9.4 %, ByteWriter.toPacket 8.2 %,
 * copyBytes 3.4 %), SceneMultiplayer/RPC/server policy 23 % (SceneRPCInterface#sendTo 2.7 %,
 * SceneMultiplayer.poll 2.0 %, processRpc 1.9 %, …), the WebSocket plugin 18 % (WsHandle.send 9.0 %:
 * framing and the client's masking; the polls and queues between the socket and SceneMultiplayer
 * ~6 %: WebSocketPeer.poll 1.6, WebSocketServer.poll 1.5, PacketQueue push/shift 1.5, #drain 0.8),
 * socket writes 2.7 %. The rest of the gap to 0.8× is SceneMultiplayer's
 * RPC encode/decode and its garbage (~1 µs per message, both ends), not the transport.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadavg } from 'node:os';
import type { Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { ConnectionStatus, ErrorCode, RPCMode, isPacket } from '../../core/index.js';
import { WebSocketMultiplayerPeer } from '../../plugins/websocket/index.js';
import { Node, type SceneMultiplayer, SceneTree, UNLIMITED, installServerPolicy } from '../../scenetree/index.js';

setFlagsFromString('--expose_gc');
// A server runs with the server policy (GameServer installs it); the bench lifts its budgets below.
// Installed once for the whole program, so the clients' SceneMultiplayers count their traffic too.
installServerPolicy();
const gc = runInNewContext('gc') as () => void;

const PAYLOAD = 100;
const TOTAL = 60_000;
const BATCH = 200;
const ROUNDS = Number(process.env.ROUNDS ?? 9);
const IDLE_CLIENTS = 1000;

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const payload = new Uint8Array(PAYLOAD).map((_, i) => i);
const LAST = PAYLOAD - 1;
/** The server's check of every message it receives. */
const intact = (data: Uint8Array): boolean => data.byteLength === PAYLOAD && data[LAST] === payload[LAST];

interface Result {
  /** Wall-clock time of the timed part. */
  readonly ms: number;
  /** CPU time (user + system) this process spent in it (less disturbed by other processes than wall time). */
  readonly cpuMs: number;
}

/** Starts timing; the returned function ends it. */
function timer(): () => Result {
  const start = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
  };
}

/** Counts the messages a server received, and those that failed the check. */
class Tally {
  received = 0;
  bad = 0;
  check(data: Uint8Array): void {
    this.received++;
    if (!intact(data)) this.bad++;
  }
  /** Throws if a message was damaged or if more arrived than sent. */
  verify(expected: number): void {
    if (this.bad !== 0 || this.received !== expected) throw new Error(`received ${this.received} of ${expected}, ${this.bad} damaged`);
  }
}

/** Turns the loop (running `tick`) until `done()`; throws after 60 s. */
async function until(done: () => boolean, tick: () => void, what: string): Promise<void> {
  const deadline = performance.now() + 60_000;
  while (!done()) {
    tick();
    await turn();
    if (performance.now() > deadline) throw new Error(`stuck: ${what}`);
  }
}

/**
 * Sends `perClient` messages from each sender in batches (a sender returns false when its transport
 * refuses, e.g. ERR_OUT_OF_MEMORY: it retries next turn); `tick` runs once per turn.
 */
async function pump(senders: Array<() => boolean>, perClient: number, tick: () => void, done: () => boolean): Promise<void> {
  const sent = senders.map(() => 0);
  await until(
    done,
    () => {
      for (let i = 0; i < senders.length; i++) {
        for (let n = 0; n < BATCH && sent[i]! < perClient; n++) {
          if (!senders[i]!()) break;
          sent[i]!++;
        }
      }
      tick();
    },
    `sent ${sent.reduce((a, b) => a + b, 0)} of ${TOTAL}`,
  );
}

/** Raw `ws`; with `cork`, each client's sends of one batch leave in one write (what our backend does). */
async function rawWs(clients: number, cork = false): Promise<Result> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false, clientTracking: true });
  await new Promise((r) => wss.once('listening', r));
  const tally = new Tally();
  let echo = true; // warm-up: the server answers each client's first message
  wss.on('connection', (ws) =>
    ws.on('message', (data: Buffer) => {
      tally.check(data);
      if (echo) ws.send(data);
    }),
  );
  const port = (wss.address() as { port: number }).port;
  let echoed = 0;
  const socks = await Promise.all(
    Array.from(
      { length: clients },
      () =>
        new Promise<WebSocket>((resolve) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
          ws.once('message', () => echoed++);
          ws.once('open', () => resolve(ws));
        }),
    ),
  );
  for (const ws of socks) ws.send(payload, { binary: true });
  await until(
    () => echoed === clients,
    () => undefined,
    'raw ws warm-up',
  );
  echo = false;
  tally.verify(clients);
  tally.received = 0;
  const perClient = TOTAL / clients;
  const stop = timer();
  const sockets = cork ? socks.map(socketOf) : [];
  const senders = socks.map((ws, i) => () => {
    const s = sockets[i];
    if (s !== undefined && !s.writableCorked) {
      s.cork();
      process.nextTick(() => s.uncork());
    }
    ws.send(payload, { binary: true });
    return true;
  });
  await pump(
    senders,
    perClient,
    () => undefined,
    () => tally.received >= TOTAL,
  );
  const result = stop();
  tally.verify(TOTAL);
  for (const ws of socks) ws.terminate();
  for (const ws of wss.clients) ws.terminate();
  await new Promise((r) => wss.close(r));
  return result;
}

/** The TCP socket under a client `ws` (a private field; this is a benchmark, not library code). */
function socketOf(ws: WebSocket): Socket {
  return (ws as unknown as { _socket: Socket })._socket;
}

async function connectPeers(clients: number): Promise<{ server: WebSocketMultiplayerPeer; peers: WebSocketMultiplayerPeer[] }> {
  const server = new WebSocketMultiplayerPeer();
  if ((await server.createServer(0, '127.0.0.1')) !== ErrorCode.OK) throw new Error('bind failed');
  const peers = Array.from({ length: clients }, () => {
    const p = new WebSocketMultiplayerPeer();
    p.createClient(`ws://127.0.0.1:${server.getLocalPort()}`);
    return p;
  });
  await until(
    () =>
      server.getConnectionStatus() !== ConnectionStatus.CONNECTED ||
      peers.every((p) => p.getConnectionStatus() === ConnectionStatus.CONNECTED),
    () => {
      server.poll();
      for (const p of peers) p.poll();
    },
    'peers connecting',
  );
  return { server, peers };
}

async function multiplayerPeer(clients: number): Promise<Result> {
  const { server, peers } = await connectPeers(clients);
  const tally = new Tally();
  let echoed = 0;
  for (const p of peers) p.putPacket(payload);
  await until(
    () => echoed === clients,
    () => {
      server.poll();
      for (
        let from = server.getPacketPeer(), pkt = server.getPacket();
        isPacket(pkt);
        from = server.getPacketPeer(), pkt = server.getPacket()
      ) {
        tally.check(pkt);
        server.setTargetPeer(from);
        server.putPacket(pkt);
      }
      for (const p of peers) {
        p.poll();
        for (let pkt = p.getPacket(); isPacket(pkt); pkt = p.getPacket()) echoed++;
      }
    },
    'peer warm-up',
  );
  tally.verify(clients);
  tally.received = 0;
  const perClient = TOTAL / clients;
  const stop = timer();
  await pump(
    peers.map((p) => () => p.putPacket(payload) === ErrorCode.OK),
    perClient,
    () => {
      for (const p of peers) p.poll();
      server.poll();
      for (let pkt = server.getPacket(); isPacket(pkt); pkt = server.getPacket()) tally.check(pkt);
    },
    () => tally.received >= TOTAL,
  );
  const result = stop();
  tally.verify(TOTAL);
  for (const p of peers) p.close();
  server.close();
  return result;
}

/** The RPC target on every tree: the server's checks and counts; warm-up calls are answered with `ack`. */
class Sink extends Node {
  readonly tally = new Tally();
  echo = true;
  acks = 0;
  constructor() {
    super('Sink');
    this.rpcConfig('recv', { rpcMode: RPCMode.ANY_PEER });
    this.rpcConfig('ack', { rpcMode: RPCMode.ANY_PEER });
  }
  recv(bytes: Uint8Array): void {
    this.tally.check(bytes);
    if (this.echo) this.rpcId(this.multiplayer!.getRemoteSenderId(), 'ack');
  }
  ack(): void {
    this.acks++;
  }
}

async function sceneMultiplayer(clients: number): Promise<Result> {
  // SceneMultiplayer must hold the peers before they connect, to see their peer_connected.
  const server = new WebSocketMultiplayerPeer();
  if ((await server.createServer(0, '127.0.0.1')) !== ErrorCode.OK) throw new Error('bind failed');
  const peers = Array.from({ length: clients }, () => {
    const p = new WebSocketMultiplayerPeer();
    p.createClient(`ws://127.0.0.1:${server.getLocalPort()}`);
    return p;
  });
  const trees = [server, ...peers].map((peer) => {
    const tree = new SceneTree();
    const sink = new Sink();
    tree.root.addChild(sink);
    tree.getMultiplayer().multiplayerPeer = peer;
    return { tree, sink };
  });
  const [host, ...guests] = trees;
  // The bench measures throughput: the server's default per-peer budgets (1,000 RPCs/s) are lifted.
  (host!.tree.getMultiplayer() as SceneMultiplayer).limits = UNLIMITED;
  const frame = (): void => {
    for (const { tree } of guests) tree.processFrame(0);
    host!.tree.processFrame(0);
  };
  await until(
    () =>
      host!.tree.getMultiplayer().getPeers().length === clients && guests.every(({ tree }) => tree.getMultiplayer().getPeers().length > 0),
    frame,
    'trees connecting',
  );
  for (const { sink } of guests) sink.rpcId(1, 'recv', payload);
  await until(() => guests.every(({ sink }) => sink.acks === 1), frame, 'RPC warm-up');
  host!.sink.echo = false;
  host!.sink.tally.verify(clients);
  host!.sink.tally.received = 0;
  const perClient = TOTAL / clients;
  const stop = timer();
  await pump(
    guests.map(
      ({ sink }) =>
        () =>
          sink.rpcId(1, 'recv', payload) === ErrorCode.OK,
    ),
    perClient,
    frame,
    () => host!.sink.tally.received >= TOTAL,
  );
  const result = stop();
  host!.sink.tally.verify(TOTAL);
  for (const p of peers) p.close();
  server.close();
  return result;
}

function memory(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** Bytes per connection with IDLE_CLIENTS raw `ws` clients connected to `listen()`'s server. */
async function idle(listen: () => Promise<IdleServer>, rawClients: boolean): Promise<number> {
  const before = memory();
  const server = await listen();
  let clients: Array<{ close: () => void }> = [];
  const deadline = performance.now() + 60_000;
  const wait = async (ready: () => boolean, poll: () => void): Promise<void> => {
    while (!ready()) {
      poll();
      await turn();
      if (performance.now() > deadline) throw new Error('idle clients did not all connect');
    }
  };
  if (rawClients) {
    let open = 0;
    const socks = Array.from({ length: IDLE_CLIENTS }, () => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}`, { perMessageDeflate: false });
      ws.once('message', () => open++); // the id announcement (WebSocketMultiplayerPeer server)
      ws.once('open', () => server.announces || open++);
      return ws;
    });
    await wait(() => open === IDLE_CLIENTS, server.poll);
    clients = socks.map((ws) => ({ close: () => ws.terminate() }));
  } else {
    const peers = Array.from({ length: IDLE_CLIENTS }, () => {
      const p = new WebSocketMultiplayerPeer();
      p.handshakeTimeout = 60;
      p.createClient(`ws://127.0.0.1:${server.port}`);
      return p;
    });
    await wait(
      () => peers.every((p) => p.getConnectionStatus() === ConnectionStatus.CONNECTED),
      () => {
        server.poll();
        for (const p of peers) p.poll();
      },
    );
    clients = peers;
  }
  const after = memory();
  for (const c of clients) c.close();
  server.close();
  await new Promise((r) => setTimeout(r, 50));
  return (after - before) / IDLE_CLIENTS;
}

interface IdleServer {
  readonly port: number;
  /** True when the server sends a first message (the id) to each client. */
  readonly announces: boolean;
  poll(): void;
  close(): void;
}

async function rawServer(): Promise<IdleServer> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await new Promise((r) => wss.once('listening', r));
  return {
    port: (wss.address() as { port: number }).port,
    announces: false,
    poll: () => undefined,
    close: () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

async function peerServer(): Promise<IdleServer> {
  const server = new WebSocketMultiplayerPeer();
  server.handshakeTimeout = 60;
  await server.createServer(0, '127.0.0.1');
  return { port: server.getLocalPort(), announces: true, poll: () => server.poll(), close: () => server.close() };
}

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(parts: string[]): Promise<void> {
  if (parts.length === 0 || parts.includes('throughput')) await throughput();
  if (parts.length === 0 || parts.includes('memory')) await idleMemory();
  // Only the RPC variant, 10 times (1 client, or `profile 50`): for `node --cpu-prof --import tsx test/bench/websocket.bench.ts profile`.
  if (parts.includes('profile')) for (let i = 0; i < 10; i++) await sceneMultiplayer(Number(parts[parts.indexOf('profile') + 1] ?? 1));
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const range = (xs: number[], digits = 0): string => `${fmt(Math.min(...xs), digits)}–${fmt(Math.max(...xs), digits)}`;
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function throughput(): Promise<void> {
  console.log(
    `websocket throughput: ${TOTAL.toLocaleString('en-US')} messages of ${PAYLOAD} B per scenario, batches of ${BATCH}, 1 warm-up + ${ROUNDS} rounds taking turns; median [range]`,
  );
  const variants: Array<[string, (clients: number) => Promise<Result>]> = [
    ['raw ws (baseline)', (n) => rawWs(n)],
    ['raw ws, corked per batch', (n) => rawWs(n, true)],
    ['WebSocketMultiplayerPeer', multiplayerPeer],
    ['SceneMultiplayer RPC', sceneMultiplayer],
  ];
  for (const clients of (process.env.CLIENTS ?? '1,50').split(',').map(Number)) {
    const loadBefore = load();
    const rates = variants.map((): number[] => []);
    const cpu = variants.map((): number[] => []);
    for (let round = 0; round <= ROUNDS; round++) {
      // The baseline and the RPC variant run back to back, so each round's ratio compares like with like.
      const order = [0, 3, 2, 1];
      if (round % 2 === 1) order.reverse();
      for (const i of order) {
        const { ms, cpuMs } = await variants[i]![1](clients);
        if (round === 0) continue; // warm-up
        rates[i]!.push((TOTAL / ms) * 1000);
        cpu[i]!.push((cpuMs * 1000) / TOTAL);
      }
    }
    console.log(`\n${clients} client${clients === 1 ? '' : 's'} → 1 server (load average ${loadBefore} before, ${load()} after)`);
    console.log(
      `  ${''.padEnd(26)} ${'msg/s [range]'.padStart(27)}  ${'MB/s'.padStart(6)}  ${'% of raw ws [range]'.padStart(20)}  ${'% of corked ws'.padStart(15)}  CPU µs/msg (both ends) [range]`,
    );
    const base = rates[0]!;
    const corked = rates[1]!;
    for (const [i, [name]] of variants.entries()) {
      const r = rates[i]!;
      const ratios = r.map((x, k) => (x / base[k]!) * 100);
      const corkedRatios = r.map((x, k) => (x / corked[k]!) * 100);
      const mbs = (median(r) * PAYLOAD) / 1e6;
      console.log(
        `  ${name.padEnd(26)} ${fmt(median(r)).padStart(9)} [${range(r)}]`.padEnd(56) +
          `  ${fmt(mbs, 2).padStart(6)}  ${`${fmt(median(ratios))} % [${range(ratios)}]`.padStart(20)}  ${`${fmt(median(corkedRatios))} %`.padStart(15)}  ${fmt(median(cpu[i]!), 2)} [${range(cpu[i]!, 2)}]`,
      );
    }
    const rpcCpu = median(cpu[3]!);
    const corkedCpu = median(cpu[1]!);
    console.log(
      `  SceneMultiplayer RPC vs raw ws corked per batch: ${fmt(median(rates[3]!.map((x, k) => x / corked[k]!)), 2)}× by rate, ${fmt(corkedCpu / rpcCpu, 2)}× by CPU per message (target ≥ 0.8×)`,
    );
  }
}

async function idleMemory(): Promise<void> {
  console.log(`\nmemory per idle connection, ${IDLE_CLIENTS} clients (heap + external, both ends in this process)`);
  const rawBoth = await idle(rawServer, true);
  const peerServerRawClients = await idle(peerServer, true);
  const peerBoth = await idle(peerServer, false);
  console.log(`  raw ws server + raw ws clients (baseline)          ${fmt(rawBoth / 1024, 1).padStart(6)} KB`);
  console.log(
    `  WebSocketMultiplayerPeer server + raw ws clients   ${fmt(peerServerRawClients / 1024, 1).padStart(6)} KB  (${fmt((peerServerRawClients - rawBoth) / 1024, 1)} KB more than a raw ws server)`,
  );
  console.log(`  WebSocketMultiplayerPeer server + peer clients     ${fmt(peerBoth / 1024, 1).padStart(6)} KB`);
}

await main(process.argv.slice(2));
