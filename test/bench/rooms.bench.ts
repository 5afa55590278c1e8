/**
 * Rooms cost: `npx tsx test/bench/rooms.bench.ts`
 *
 * RPC throughput into one match, hosted two ways in the same process and the same run:
 *   - single: one WebSocketMultiplayerPeer server (its own port) with one SceneTree, as a one-match
 *     server is written today;
 *   - 20-room: a GameServer hosting 20 rooms behind one port, one client in each; the figure is the
 *     throughput into one room while the server runs every room's frame (the 19 others idle).
 * In both, one client sends TOTAL `rpcId(1, 'recv', bytes)` calls of PAYLOAD bytes, BATCH per turn of
 * the event loop, and the server side runs one frame per turn until every call has run (each checked).
 * Connections, room setup and the path-cache handshake are outside the timed part. After a warm-up,
 * ROUNDS rounds run both variants back to back (the order swapped every other round); the figures are
 * medians, and the ratio is the median of the per-round ratios (each against the same round's
 * single-match figure). Last line: `rooms: single <N> rpc/s, 20-room <M> rpc/s, ratio <r>`.
 */
import { loadavg } from 'node:os';
import { ConnectionStatus, ErrorCode } from '../../core/index.js';
import { Node, SceneMultiplayer, SceneTree, UNLIMITED, rpc } from '../../scenetree/index.js';
import { WebSocketMultiplayerPeer } from '../../plugins/websocket/index.js';
import { GameServer } from '../../server/index.js';

const PAYLOAD = 100;
const TOTAL = 40_000;
const BATCH = 200;
const ROUNDS = 5;
const ROOMS = 20;

const payload = new Uint8Array(PAYLOAD).map((_, i) => i);

class Sink extends Node {
  received = 0;
  bad = 0;

  @rpc('any_peer', 'call_remote', 'reliable')
  recv(data: Uint8Array): void {
    this.received++;
    if (data.byteLength !== PAYLOAD || data[PAYLOAD - 1] !== payload[PAYLOAD - 1]) this.bad++;
  }
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A client tree with a Sink, connected to `url`. */
function client(url: string): { tree: SceneTree; peer: WebSocketMultiplayerPeer; sink: Sink } {
  const tree = new SceneTree();
  const sink = new Sink('Sink');
  tree.root.addChild(sink);
  const peer = new WebSocketMultiplayerPeer();
  if (peer.createClient(url) !== ErrorCode.OK) throw new Error(`cannot connect to ${url}`);
  tree.getMultiplayer().multiplayerPeer = peer;
  return { tree, peer, sink };
}

/** Turns the loop running `frame` until `done()`; throws after 60 s. */
async function until(frame: () => void, done: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!done()) {
    frame();
    if (Date.now() > deadline) throw new Error('bench: timed out');
    await turn();
  }
}

/** One match to send into: the client, the server-side Sink, and a function running one server frame. */
interface Target {
  readonly sender: ReturnType<typeof client>;
  readonly sink: Sink;
  readonly serverFrame: () => void;
}

async function single(): Promise<{ target: Target; close(): void }> {
  const server = new WebSocketMultiplayerPeer();
  if ((await server.createServer(0, '127.0.0.1')) !== ErrorCode.OK) throw new Error('cannot listen');
  // The flood is the benchmark: no budgets (the 20-room server gets the same, `limits: UNLIMITED`).
  const tree = new SceneTree({ multiplayer: new SceneMultiplayer({ limits: UNLIMITED }) });
  const sink = new Sink('Sink');
  tree.root.addChild(sink);
  tree.getMultiplayer().multiplayerPeer = server;
  const sender = client(`ws://127.0.0.1:${server.getLocalPort()}`);
  const serverFrame = (): void => tree.processFrame(1 / 60);
  await until(
    () => (serverFrame(), sender.tree.processFrame(1 / 60)),
    () => sender.peer.getConnectionStatus() === ConnectionStatus.CONNECTED && tree.getMultiplayer().getPeers().length === 1,
  );
  return { target: { sender, sink, serverFrame }, close: () => (sender.peer.close(), server.close()) };
}

async function rooms(): Promise<{ target: Target; close(): Promise<void> }> {
  const server = new GameServer({ maxRooms: ROOMS, limits: UNLIMITED });
  server.define('bench', { setup: (room) => room.tree.root.addChild(new Sink('Sink')), emptyGraceMs: Infinity });
  if ((await server.listen(0, '127.0.0.1')) !== ErrorCode.OK) throw new Error('cannot listen');
  const clients: Array<ReturnType<typeof client>> = [];
  for (let i = 0; i < ROOMS; i++) {
    await server.createRoom('bench', { id: `room${i}` });
    clients.push(client(`ws://127.0.0.1:${server.getLocalPort()}/room${i}`));
  }
  const serverFrame = (): void => server.tick(1 / 60);
  await until(
    () => (serverFrame(), clients.forEach((c) => c.tree.processFrame(1 / 60))),
    () => clients.every((c) => c.peer.getConnectionStatus() === ConnectionStatus.CONNECTED) && server.rooms().every((r) => r.clients === 1),
  );
  const sink = server.getRoom('room0')!.tree.root.getNode('Sink', Sink);
  return {
    target: { sender: clients[0]!, sink, serverFrame },
    close: () => (clients.forEach((c) => c.peer.close()), server.shutdown({ graceMs: 0 })),
  };
}

/** Sends `count` RPCs into a target and waits until all have run; resolves with RPCs per second. */
async function run(target: Target, count: number): Promise<number> {
  const { sender, sink, serverFrame } = target;
  const remote = sender.sink;
  const start = sink.received;
  const t0 = performance.now();
  let sent = 0;
  await until(
    () => {
      for (let i = 0; i < BATCH && sent < count; i++, sent++) remote.rpcId(1, 'recv', payload);
      sender.tree.processFrame(1 / 60);
      serverFrame();
    },
    () => sink.received - start === count,
  );
  const ms = performance.now() - t0;
  if (sink.bad !== 0) throw new Error(`${sink.bad} damaged calls`);
  return (count / ms) * 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const fmt = (n: number): string => String(Math.round(n));

async function main(): Promise<void> {
  console.log(`rooms.bench: ${TOTAL} RPCs of ${PAYLOAD} B per round, ${ROUNDS} rounds, load average ${loadavg()[0]!.toFixed(2)}`);
  const a = await single();
  const b = await rooms();
  // Warm-up: the first call of each announces the node path (SIMPLIFY/CONFIRM); then the JIT settles.
  await run(a.target, 2_000);
  await run(b.target, 2_000);
  const singles: number[] = [];
  const roomed: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let s: number;
    let r: number;
    if (round % 2 === 0) {
      s = await run(a.target, TOTAL);
      r = await run(b.target, TOTAL);
    } else {
      r = await run(b.target, TOTAL);
      s = await run(a.target, TOTAL);
    }
    singles.push(s);
    roomed.push(r);
    ratios.push(r / s);
    console.log(`  round ${round + 1}: single ${fmt(s)} rpc/s, ${ROOMS}-room ${fmt(r)} rpc/s, ratio ${(r / s).toFixed(3)}`);
  }
  a.close();
  await b.close();
  console.log(`  (medians of ${ROUNDS} rounds; ratio = median of per-round ratios; load average ${loadavg()[0]!.toFixed(2)})`);
  console.log(
    `rooms: single ${fmt(median(singles))} rpc/s, ${ROOMS}-room ${fmt(median(roomed))} rpc/s, ratio ${median(ratios).toFixed(3)}`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
