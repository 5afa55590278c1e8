/** Declared RPC argument types and replicated property types: byte-exact sending, refusal on receipt. */
import t from 'tap';
import { ErrorCode, LogLevel, TransferMode, VariantType, Vector2 } from '../../../core/index.js';
import { Simulation, type SimPeer } from '../../../plugins/loopback/index.js';
import {
  MultiplayerSpawner,
  MultiplayerSynchronizer,
  Node,
  SceneMultiplayer,
  getNodeRpcConfigs,
  installServerPolicy,
  parseRpcAnnotation,
  rpc,
} from '../../../scenetree/index.js';
import { RecordingPeer, fromHex, toHex } from '../../helpers/recording-peer.js';

// Limits, stats, typed argument checks and readable checksum errors are the server policy (GameServer installs it).
installServerPolicy();

class Typed extends Node {
  readonly calls: Array<{ method: string; args: unknown[]; sender: number }> = [];
  echo = false;
  constructor() {
    super('Player');
  }
  @rpc('any_peer', { args: ['float', 'int', 'Vector2'] })
  aim(angle: number, count: number, at: Vector2): void {
    this.#record('aim', [angle, count, at]);
    // Send back what arrived, as a Godot peer's echo would: the float must stay FLOAT.
    if (this.echo) this.rpcId(this.multiplayer!.getRemoteSenderId(), 'aim', angle, count, at);
  }
  @rpc('any_peer', { args: ['String', null] })
  say(text: string, extra: unknown): void {
    this.#record('say', [text, extra]);
  }
  @rpc('any_peer')
  untyped(x: number): void {
    this.#record('untyped', [x]);
  }
  #record(method: string, args: unknown[]): void {
    this.calls.push({ method, args, sender: this.multiplayer!.getRemoteSenderId() });
  }
}

class Untyped extends Node {
  constructor() {
    super('Player');
  }
  @rpc('any_peer') aim(): void {}
  @rpc('any_peer') say(): void {}
  @rpc('any_peer') untyped(): void {}
}

function recordedSim(clients = 1) {
  const recorders = new Map<string, RecordingPeer>();
  const sim = new Simulation({
    seed: 21,
    clients,
    setup: (p) => p.root.addChild(new Typed()),
    wrapPeer: (peer, name) => {
      const r = new RecordingPeer(peer);
      recorders.set(name, r);
      return r;
    },
  });
  return { sim, rec: (name: string) => recorders.get(name)! };
}
const typed = (p: SimPeer) => p.root.getNode('Player', Typed);
const errors = (p: SimPeer) => p.log.at(LogLevel.ERROR).map((r) => r.message);
const FLOAT_2 = '03 00 00 00 00 00 00 40';
const VEC_1_2 = '05 00 00 00 00 00 80 3f 00 00 00 40';

/** A path-form RPC on /root/Player (what a peer sends before the path is confirmed): `[20][0x80000000|ofs][method][argc][args][path][0]`. */
function pathRpc(method: number, argc: number, args: string): Uint8Array {
  const body = fromHex(args);
  const path = new TextEncoder().encode('Player');
  const ofs = 7 + body.length;
  const out = new Uint8Array(ofs + path.length + 1);
  out[0] = 0x20;
  new DataView(out.buffer).setUint32(1, (0x80000000 | ofs) >>> 0, true);
  out[5] = method;
  out[6] = argc;
  out.set(body, 7);
  out.set(path, ofs);
  return out;
}

t.test('@rpc and rpcConfig take declared types; the checksum ignores them', (t) => {
  t.same(parseRpcAnnotation(['any_peer', { args: ['float', 'int', null, 'Variant', VariantType.VECTOR2] }]).args, [3, 2, null, null, 5]);
  t.equal(parseRpcAnnotation(['any_peer']).args, undefined, 'untyped by default');
  t.throws(() => parseRpcAnnotation([{ args: ['Float' as never] }]), /Unknown Variant type name 'Float'/);
  t.throws(() => parseRpcAnnotation([{ args: [0 as never] }]), /NIL cannot be declared/);
  t.throws(() => parseRpcAnnotation([{ args: [] }, { args: [] }]), /no more than once/);
  const node = new Node('N');
  node.rpcConfig('f' as never, { rpcMode: 1, args: ['int', 'Vector2'] });
  t.same(getNodeRpcConfigs(node).get('f')!.args, [VariantType.INT, VariantType.VECTOR2]);
  const mp = new SceneMultiplayer();
  t.equal(mp.getRpcMd5(new Typed()), mp.getRpcMd5(new Untyped()), 'same checksum as the untyped methods: the wire is unchanged');
  t.end();
});

t.test('a declared float is sent as FLOAT even when integral; an untyped 2 stays INT', async (t) => {
  const { sim, rec } = recordedSim();
  t.teardown(() => sim.close());
  await sim.until(() => sim.server.multiplayer.getPeers().length === 1 && sim.clients[0]!.multiplayer.getPeers().length === 1);
  const p = typed(sim.clients[0]!);
  p.rpcId(1, 'untyped', 1); // confirms the path, so the next packets use the compact form
  await sim.until(() => typed(sim.server).calls.length === 1);
  const client = rec('client1');
  client.sent.length = 0;
  t.equal(p.rpcId(1, 'aim', 2, 3, new Vector2(1, 2)), ErrorCode.OK);
  t.equal(p.rpcId(1, 'untyped', 2), ErrorCode.OK);
  t.same(client.hex(), [`00 01 00 03 ${FLOAT_2} 02 03 05 00 00 00 00 00 80 3f 00 00 00 40`, '00 01 02 01 02 02']);
  await sim.until(() => typed(sim.server).calls.length === 3);
  t.same(typed(sim.server).calls[1]!.args, [2, 3, new Vector2(1, 2)]);
});

t.test('echo: a FLOAT 2.0 received by a declared float goes back as FLOAT (the Godot 4.6 INT 2 divergence)', async (t) => {
  const { sim, rec } = recordedSim();
  t.teardown(() => sim.close());
  await sim.until(() => sim.server.multiplayer.getPeers().length === 1 && sim.clients[0]!.multiplayer.getPeers().length === 1);
  typed(sim.server).echo = true;
  const client = sim.clients[0]!;
  // What a Godot peer sends for aim(2.0, 3, Vector2(1, 2)), path form (target 0x80000000 | 27).
  client.loopback.setTargetPeer(1);
  client.loopback.putPacket(pathRpc(0, 3, `${FLOAT_2} 02 03 ${VEC_1_2}`));
  await sim.until(() => typed(sim.server).calls.length === 1);
  const echoed = rec('server')
    .sent.filter((s) => s.bytes[0] === 0x20 || s.bytes[0] === 0x00)
    .map((s) => toHex(s.bytes));
  t.equal(echoed.length, 1);
  t.match(
    echoed[0],
    new RegExp(`^(20 [0-9a-f]{2} 00 00 80|00 [0-9a-f]{2}) 00 03 ${FLOAT_2} 02 03 ${VEC_1_2}`),
    'FLOAT header 03 on the way back',
  );
});

t.test('the sender refuses calls that do not match; the receiver drops them, logs once per peer, counts bad_arguments', async (t) => {
  const sim = new Simulation({ seed: 22, clients: 2, setup: (p) => p.root.addChild(new Typed()) });
  t.teardown(() => sim.close());
  await sim.until(() => sim.peers.every((p) => p.multiplayer.getPeers().length === 2));
  const p = typed(sim.clients[0]!);
  t.equal(p.rpcId(1, 'aim', 'north' as never, 3, new Vector2(0, 0)), ErrorCode.ERR_INVALID_PARAMETER, 'a String for a float');
  t.equal(p.rpcId(1, 'aim', 1.5, 2.5, new Vector2(0, 0)), ErrorCode.ERR_INVALID_PARAMETER, 'a fraction for an int');
  t.equal((p.rpcId as (id: number, m: string, ...a: unknown[]) => ErrorCode)(1, 'aim', 1.5, 2), ErrorCode.ERR_INVALID_PARAMETER, 'too few');
  t.equal(p.rpcId(1, 'say', 'hi', new Vector2(1, 1)), ErrorCode.OK, 'an untyped slot takes anything');
  t.equal(p.rpcId(1, 'say', 'hi', null), ErrorCode.OK);
  await sim.until(() => typed(sim.server).calls.length === 2);
  t.same(
    typed(sim.server).calls.map((c) => c.args),
    [
      ['hi', new Vector2(1, 1)],
      ['hi', null],
    ],
  );

  // A modified client sends what its @rpc would refuse: path-form aim / say, raw bytes.
  const bad = [
    pathRpc(0, 2, '02 01 02 02'), // aim with 2 arguments
    pathRpc(0, 3, `04 00 00 00 01 00 00 00 41 00 00 00 02 03 ${VEC_1_2}`), // aim: a String for the float
    pathRpc(0, 3, `${FLOAT_2} 03 00 00 00 00 00 20 40 ${VEC_1_2}`), // aim: 2.5 for the int
    pathRpc(1, 2, '02 01 02 01'), // say: an int for the String
  ];
  const client = sim.clients[0]!;
  const clientId = client.multiplayer.getUniqueId();
  client.loopback.setTargetPeer(1);
  for (const packet of bad) client.loopback.putPacket(packet);
  sim.step(4);
  const server = sim.server;
  t.equal(typed(server).calls.length, 2, 'none of them ran');
  t.equal(server.multiplayer.stats.peer(clientId)!.drops.bad_arguments, bad.length, 'each one counted');
  t.equal(server.multiplayer.stats.total.drops.malformed, 0, 'well-formed: not malformed');
  const logged = errors(server).filter((m) => m.includes('dropped') && m.includes(`from ${clientId}`));
  t.equal(logged.length, 1, `logged once for the peer: ${JSON.stringify(logged)}`);
  t.match(logged[0], /expects 3 argument\(s\), got 2/);
  t.ok(server.multiplayer.getPeers().includes(clientId), 'the sender stays connected');

  // A well-formed int for the float is accepted (GDScript converts int → float for a typed parameter).
  client.loopback.putPacket(pathRpc(0, 3, `02 07 02 03 ${VEC_1_2}`));
  await sim.until(() => typed(server).calls.length === 3);
  t.same(typed(server).calls[2]!.args, [7, 3, new Vector2(1, 2)]);
});

// ---- replication ---------------------------------------------------------------------------------

class Ship extends Node {
  speed = 0;
  lives = 3;
}
const SHIP = 'res://ship.tscn';
function shipScene(): Ship {
  const ship = new Ship();
  const sync = new MultiplayerSynchronizer('Sync');
  const config = sync.replicationConfig!;
  config.addProperty('.:speed');
  config.propertySetType('.:speed', 'float');
  config.addProperty('.:lives');
  config.propertySetType('.:lives', VariantType.INT);
  ship.addChild(sync);
  return ship;
}
function world(p: SimPeer): void {
  p.tree.scenes.registerScene(SHIP, shipScene);
  p.root.addChild(new Node('Ships'));
  const spawner = new MultiplayerSpawner('Spawner');
  spawner.spawnPath = '../Ships';
  spawner.addSpawnableScene(SHIP);
  p.root.addChild(spawner);
}

t.test('replicated properties: a declared float travels as FLOAT; a value of another type is refused and counted', async (t) => {
  const recorders = new Map<string, RecordingPeer>();
  const sim = new Simulation({
    seed: 23,
    clients: 1,
    setup: world,
    wrapPeer: (peer, name) => {
      const r = new RecordingPeer(peer);
      recorders.set(name, r);
      return r;
    },
  });
  t.teardown(() => sim.close());
  await sim.until(() => sim.clients[0]!.multiplayer.getPeers().length === 1);
  const config = shipScene().getNode('Sync', MultiplayerSynchronizer).replicationConfig!;
  t.equal(config.propertyGetType('.:speed'), VariantType.FLOAT);
  t.equal(config.propertyGetType('.:lives'), VariantType.INT);
  const ship = sim.server.tree.scenes.load(SHIP)!.instantiate() as Ship;
  ship.name = 'Ship';
  ship.speed = 3;
  sim.server.root.getNode('Ships').addChild(ship, true);
  const client = sim.clients[0]!;
  const remote = () => client.root.getNodeOrNull('Ships/Ship') as Ship | null;
  await sim.until(() => remote()?.speed === 3);
  const syncs = recorders.get('server')!.sent.filter((s) => s.bytes[0] === 6 && s.mode === TransferMode.UNRELIABLE);
  t.ok(syncs.length > 0, 'SYNC packets were sent');
  const state = '03 00 00 00 00 00 40 40 02 03'; // FLOAT 3.0, INT 3
  t.equal(toHex(syncs.at(-1)!.bytes.subarray(7)), `0a 00 00 00 ${state}`, 'speed 3 as FLOAT, lives as INT');

  // The server writes a float into the int property: it is sent as FLOAT 2.5, and the client refuses it.
  ship.lives = 2.5;
  sim.step(3);
  t.equal(remote()!.lives, 3, 'lives is still the int 3');
  t.equal(remote()!.speed, 3);
  t.ok(client.multiplayer.stats.total.drops.bad_arguments >= 1, 'counted as bad_arguments');
  const refusals = errors(client).filter((m) => /'\.:lives' is declared int; refusing float/.test(m));
  t.equal(refusals.length, 1, `logged once although every SYNC repeats it: ${JSON.stringify(errors(client))}`);
  ship.lives = 4;
  await sim.until(() => remote()!.lives === 4);
  t.pass('a matching value is applied again');
});
