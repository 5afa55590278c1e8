/**
 * Replication cost: a server replicates N moving nodes to C clients with MultiplayerSynchronizers
 * (SYNC packets every frame), against the same state sent by hand as one unreliable RPC per node per
 * frame (the usual alternative), in the same run, over the zero-latency loopback network.
 *
 *   npx tsx test/bench/replication.bench.ts
 */
import { loadavg } from 'node:os';
import { MultiplayerPeerWrapper, Vector2, type ErrorCode, type MultiplayerPeer } from '../../core/index.js';
import { MultiplayerSpawner, MultiplayerSynchronizer, Node, rpc } from '../../scenetree/index.js';
import { Simulation, type SimPeer } from '../../plugins/loopback/index.js';

const NODES = 200;
const CLIENTS = 8;
const FRAMES = 300;

class Mover extends Node {
  position = new Vector2(0, 0);
  rotation = 0.5;

  @rpc('authority', 'unreliable')
  state(position: Vector2, rotation: number): void {
    this.position = position;
    this.rotation = rotation;
  }
}

/** Counts what the server puts on the wire. */
class Counting extends MultiplayerPeerWrapper {
  bytes = 0;
  packets = 0;
  constructor(inner: MultiplayerPeer) {
    super(inner);
  }
  override putPacket(packet: Uint8Array): ErrorCode {
    this.bytes += packet.length;
    this.packets++;
    return super.putPacket(packet);
  }
}

function moverScene(): Mover {
  const m = new Mover();
  const sync = new MultiplayerSynchronizer('Sync');
  sync.replicationConfig!.addProperty('.:position');
  sync.replicationConfig!.addProperty('.:rotation');
  m.addChild(sync);
  return m;
}

interface Result {
  seconds: number;
  bytesPerFrame: number;
  packetsPerFrame: number;
  ok: boolean;
}

function run(useSync: boolean): Result {
  let counter!: Counting;
  const setup = (p: SimPeer): void => {
    p.tree.scenes.registerScene('res://mover.tscn', useSync ? moverScene : () => new Mover());
    const world = new Node('World');
    world.addChild(new Node('Movers'));
    const spawner = new MultiplayerSpawner('Spawner');
    spawner.spawnPath = '../Movers';
    spawner.addSpawnableScene('res://mover.tscn');
    world.addChild(spawner);
    p.root.addChild(world);
  };
  const sim = new Simulation({
    seed: 1,
    clients: CLIENTS,
    setup,
    wrapPeer: (peer, name) => (name === 'server' ? (counter = new Counting(peer)) : peer),
  });
  sim.step(5);
  const movers: Mover[] = [];
  for (let i = 0; i < NODES; i++) {
    const m = sim.server.tree.scenes.load('res://mover.tscn')!.instantiate() as Mover;
    m.name = `M${i}`;
    sim.server.root.getNode('World/Movers').addChild(m, true);
    movers.push(m);
  }
  sim.step(5);
  counter.bytes = 0;
  counter.packets = 0;
  const start = performance.now();
  for (let f = 1; f <= FRAMES; f++) {
    for (let i = 0; i < NODES; i++) {
      const m = movers[i]!;
      m.position = new Vector2(f, i);
      m.rotation = f / 100;
      if (!useSync) m.rpc('state', m.position, m.rotation);
    }
    sim.step();
  }
  const seconds = (performance.now() - start) / 1000;
  sim.step(3);
  const last = sim.clients[CLIENTS - 1]!.root.getNode(`World/Movers/M${NODES - 1}`, Mover);
  const ok = last.position.equals(new Vector2(FRAMES, NODES - 1));
  const result = { seconds, bytesPerFrame: counter.bytes / FRAMES, packetsPerFrame: counter.packets / FRAMES, ok };
  sim.close();
  return result;
}

const ROUNDS = 5;
run(true);
run(false); // warm-up
// The machine is shared: the two ways take turns, and the report is the median of the rounds.
const syncRuns: Result[] = [];
const rpcRuns: Result[] = [];
for (let i = 0; i < ROUNDS; i++) {
  syncRuns.push(run(true));
  rpcRuns.push(run(false));
}
const loadAverage = (): string =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const msPerFrame = (runs: Result[]) => runs.map((r) => (r.seconds * 1000) / FRAMES);
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
console.log('replication.bench — server → clients state replication over loopback (zero latency)');
console.log(`  command: npx tsx test/bench/replication.bench.ts   (node ${process.version}; load average ${loadAverage()})`);
console.log(`  ${NODES} nodes (Vector2 position + float rotation) to ${CLIENTS} clients, ${FRAMES} frames per round, ${ROUNDS} rounds`);
for (const [label, runs] of [
  ['MultiplayerSynchronizer (SYNC) ', syncRuns],
  ['unreliable RPC per node (base) ', rpcRuns],
] as const) {
  const ms = msPerFrame(runs);
  const r = runs[0]!;
  const ok = runs.every((x) => x.ok);
  console.log(
    `  ${label}: ${fmt(median(ms), 2)} ms per frame (median; range ${fmt(Math.min(...ms), 2)}–${fmt(Math.max(...ms), 2)}), ${fmt(r.packetsPerFrame)} packets and ${fmt(r.bytesPerFrame / 1024, 1)} KiB per frame from the server${ok ? '' : '  (STATE MISMATCH)'}`,
  );
}
const ratios = syncRuns.map((r, i) => r.seconds / rpcRuns[i]!.seconds);
console.log(
  `  synchronizers take ${fmt(median(ratios) * 100)} % of the RPC time (median of the rounds' ratios; range ${fmt(Math.min(...ratios) * 100)}–${fmt(Math.max(...ratios) * 100)} %) and ${fmt((syncRuns[0]!.bytesPerFrame / rpcRuns[0]!.bytesPerFrame) * 100)} % of its bytes`,
);
