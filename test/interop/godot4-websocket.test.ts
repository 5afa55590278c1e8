/**
 * A real Godot 4.6 (the official web export, in headless Chromium) as a WebSocket client of a scenenet
 * server: RPCs both ways with every Variant type, call_local, transfer modes and a custom channel,
 * authority refusal on both sides, sender ids, and both disconnect directions. Each check reads both
 * sides: what scenenet recorded and what Godot printed.
 */
import t from 'tap';
import { encodeVariant, ErrorCode, type Variant } from '../../core/index.js';
import { GodotHost } from '../helpers/godot4/engine.js';
import { ScenenetServer } from '../helpers/godot4/server.js';

const hex = (bytes: Uint8Array | ErrorCode): string => (typeof bytes === 'number' ? `error ${bytes}` : Buffer.from(bytes).toString('hex'));

/**
 * A NodePath's bytes with the padding after each name zeroed. Godot 4.6's var_to_bytes leaves that
 * padding uninitialised (it differs from call to call: `Probe000`, `Probe747`), scenenet writes zeros;
 * decoders skip it.
 */
function zeroNodePathPadding(hexText: string): string {
  const b = Buffer.from(hexText, 'hex');
  const names = b.readUInt32LE(4) & 0x7fffffff;
  const subnames = b.readUInt32LE(8);
  let o = 16;
  for (let i = 0; i < names + subnames; i++) {
    const length = b.readUInt32LE(o);
    o += 4 + length;
    while (o % 4 !== 0) b[o++] = 0;
  }
  return b.toString('hex');
}

/** One `VAR <index> <name> <type> <hex>` line of Godot's `values` command. */
interface GodotValue {
  readonly index: number;
  readonly name: string;
  readonly type: number;
  readonly hex: string;
}

t.test('Godot 4.6 web export ↔ scenenet WebSocket server', async (t) => {
  const host = await GodotHost.start();
  t.teardown(() => host.close());
  // Two engines, one after the other (pages that fetch the 37 MB wasm at the same time fail with a
  // network error); the second joins for the relay test and reuses the cached engine files.
  const godot = await host.boot(t);
  const second = await host.boot(t);
  t.match(godot.lines.join('\n'), /Godot Engine v4\.6\.stable\.official/, 'the official 4.6 release template runs our pack');

  const server = await ScenenetServer.start(t);
  const { probe, owned } = server.scene;
  const { mp, joined, left, pump } = server;

  let gid = 0;
  t.test('connect: ids agree on both sides', async (t) => {
    godot.attach(t);
    gid = await server.connect(t, godot, 1);
    t.same(mp.getPeers(), [gid]);
    await godot.waitFor(/^PEER_CONNECTED 1$/);
  });

  t.test('every Variant type, Godot → scenenet and back, byte for byte', async (t) => {
    godot.attach(t);
    await godot.send('values', '1');
    const summary = await godot.waitFor(/^VARS /);
    const count = Number(summary.split(' ')[1]);
    const mainInstanceId = summary.split(' ')[2]!;
    const values: GodotValue[] = (await godot.waitForAll(/^VAR /, count)).map((l) => {
      const [, index, name, type, bytes] = l.split(' ');
      return { index: Number(index), name: name!, type: Number(type), hex: name === 'node_path' ? zeroNodePathPadding(bytes!) : bytes! };
    });
    t.ok(count >= 50, `${count} values (every Variant type 0..38 at least once)`);
    t.same(new Set(values.map((v) => v.type)).size, 39, 'all 39 Variant types are covered');
    await pump.until(() => probe.calls('value').length >= count, 'scenenet receives every value');

    // scenenet decoded each value; encoding it again must give Godot's own var_to_bytes.
    const received = new Map<number, Variant>();
    for (const call of probe.calls('value')) {
      t.equal(call.sender, gid, 'the sender id is the Godot peer');
      received.set(call.args[0] as number, call.args[1]!);
    }
    const reencoded = new Map(values.map((v) => [v.index, hex(encodeVariant(received.get(v.index)!))]));
    for (const v of values) {
      if (v.name === 'float_integral') continue; // checked below
      t.equal(reencoded.get(v.index), v.hex, `${v.name}: scenenet re-encodes Godot's bytes exactly`);
    }
    const object = values.find((v) => v.name === 'object')!;
    t.equal(
      BigInt(`0x${Buffer.from(object.hex.slice(8), 'hex').reverse().toString('hex')}`).toString(),
      mainInstanceId,
      'an Object travels as its instance id (EncodedObjectAsID)',
    );

    // Back to Godot: each value as scenenet decoded it, printed by Godot with var_to_bytes.
    for (const v of values) t.equal(probe.rpcId(gid, 'value', v.index, received.get(v.index)!), ErrorCode.OK);
    const echoed = new Map(
      (await godot.waitForAll(/^VALUE /, count)).map((l) => {
        const [, index, sender, bytes] = l.split(' ');
        t.equal(Number(sender), 1, 'Godot sees the server as the sender');
        const value = values.find((v) => v.index === Number(index));
        return [Number(index), value?.name === 'node_path' ? zeroNodePathPadding(bytes!) : bytes!] as const;
      }),
    );
    for (const v of values) {
      if (v.name === 'float_integral' || v.name === 'object') continue; // checked below
      t.equal(echoed.get(v.index), v.hex, `${v.name}: Godot decodes scenenet's bytes to the same value`);
    }

    // Known divergence (README): a FLOAT that holds an integer decodes to a plain JS number, which
    // encodes as INT. Godot sent 2.0 as FLOAT; scenenet sends it back as INT 2.
    const integral = values.find((v) => v.name === 'float_integral')!;
    t.equal(integral.hex, '0300000000000040', 'Godot: 2.0 is FLOAT, 32-bit');
    t.equal(reencoded.get(integral.index), '0200000002000000', 'scenenet: the decoded 2.0 re-encodes as INT 2 (known divergence)');
    t.equal(echoed.get(integral.index), '0200000002000000', 'Godot receives INT 2 (known divergence)');
    // An object id that comes back is decoded by Godot into an EncodedObjectAsID wrapper, a new object:
    // var_to_bytes then prints the wrapper's own id, which no peer can reproduce.
    t.match(echoed.get(object.index), /^18000100[0-9a-f]{16}$/, 'Godot receives an object-as-id');
  });

  t.test('transfer modes and a custom channel, both ways; sender ids', async (t) => {
    godot.attach(t);
    const N = 20;
    await godot.send('burst', '1', String(N));
    const methods = ['msg_reliable', 'msg_ordered', 'msg_channel'];
    await pump.until(() => methods.every((m) => probe.calls(m).length >= N), 'Godot → scenenet bursts');
    for (const m of methods) {
      t.same(
        probe.calls(m).map((h) => h.args[0]),
        [...Array(N).keys()],
        `${m}: all ${N}, in order`,
      );
      t.ok(
        probe.calls(m).every((h) => h.sender === gid),
        `${m}: sender is the Godot peer`,
      );
    }
    // WebSocket is one ordered reliable stream: unreliable calls arrive too, in order.
    await pump.until(() => probe.calls('msg_unreliable').length >= N, 'unreliable calls over WebSocket');
    t.same(
      probe.calls('msg_unreliable').map((h) => h.args[0]),
      [...Array(N).keys()],
      'msg_unreliable: delivered in order over TCP',
    );

    for (let n = 0; n < N; n++)
      for (const m of [...methods, 'msg_unreliable']) t.equal(probe.rpcId(gid, m as 'msg_reliable', n), ErrorCode.OK);
    for (const m of [...methods, 'msg_unreliable']) {
      const lines = await godot.waitForAll(new RegExp(`^HEARD ${m} `), N);
      t.same(
        lines,
        [...Array(N).keys()].map((n) => `HEARD ${m} 1 ${n}`),
        `Godot hears ${m} from 1, in order`,
      );
    }
  });

  t.test('call_local both ways', async (t) => {
    godot.attach(t);
    await godot.send('rpc', 'Probe', 'all', 'local_call', '5');
    t.equal(await godot.waitFor(/^HEARD local_call \d+ 5$/), `HEARD local_call ${gid} 5`, 'Godot runs it locally, sender = itself');
    await pump.until(() => probe.calls('local_call').length >= 1, 'scenenet gets the call_local RPC');
    t.same(probe.calls('local_call')[0], { method: 'local_call', sender: gid, args: [5] });

    t.equal(probe.rpc('local_call', 6), ErrorCode.OK);
    t.same(probe.calls('local_call')[1], { method: 'local_call', sender: 1, args: [6] }, 'scenenet runs it locally, sender = 1');
    t.equal(await godot.waitFor(/^HEARD local_call \d+ 6$/), 'HEARD local_call 1 6', 'Godot hears it from the server');
  });

  t.test('authority: each side refuses a call from a non-authority and accepts the authority', async (t) => {
    godot.attach(t);
    // Probe's authority is 1 on both sides: Godot may not call only_authority on the server...
    await godot.send('rpc', 'Probe', '1', 'only_authority', '7');
    await godot.send('rpc', 'Probe', '1', 'msg_reliable', '1007');
    await pump.until(() => probe.calls('msg_reliable').some((h) => h.args[0] === 1007), 'the reliable call sent after it');
    t.same(probe.calls('only_authority'), [], 'scenenet refused only_authority from a client');
    t.same(mp.getPeers(), [gid], 'and kept the client');
    // ...but the server may call it on Godot.
    t.equal(probe.rpcId(gid, 'only_authority', 8), ErrorCode.OK);
    t.equal(await godot.waitFor(/^HEARD only_authority /), 'HEARD only_authority 1 8', 'Godot accepts it from its authority');

    // Owned's authority is the Godot client on both sides.
    owned.setMultiplayerAuthority(gid);
    godot.expectError(
      new RegExp(`^ERROR: RPC 'only_owner' is not allowed on node /root/Main/Owned from: 1\\. Mode is "authority", authority is ${gid}\\.`),
    );
    t.equal(owned.rpcId(gid, 'only_owner', 9), ErrorCode.OK, 'scenenet sends it (Godot checks on receipt too)');
    t.equal(probe.rpcId(gid, 'msg_reliable', 1009), ErrorCode.OK);
    await godot.waitFor(/^HEARD msg_reliable 1 1009$/);
    t.same(godot.pendingErrors, [], 'Godot refused only_owner from the server with its own error');
    t.notOk(
      godot.lines.some((l) => l.startsWith('HEARD only_owner')),
      'and did not run it',
    );
    await godot.send('rpc', 'Owned', '1', 'only_owner', '10');
    await pump.until(() => owned.calls('only_owner').length >= 1, 'scenenet accepts only_owner from its authority');
    t.same(owned.calls('only_owner'), [{ method: 'only_owner', sender: gid, args: [10] }]);
  });

  t.test('the server disconnects Godot', async (t) => {
    godot.attach(t);
    server.peer.disconnectPeer(gid);
    await godot.waitFor(/^SERVER_DISCONNECTED$/);
    await pump.until(() => left.includes(gid), 'scenenet emits peerDisconnected');
    t.same(mp.getPeers(), []);
  });

  t.test('Godot reconnects, then closes its side', async (t) => {
    godot.attach(t);
    const id = await server.connect(t, godot, 2);
    t.not(id, gid, 'a new id');
    await godot.send('close');
    t.equal(await godot.waitFor(/^CLOSED /), 'CLOSED 0', 'Godot: DISCONNECTED at once');
    await pump.until(() => left.includes(id), 'scenenet sees Godot leave');
    t.same(mp.getPeers(), []);
  });

  t.test('server relay: two Godot clients talk through the scenenet server', async (t) => {
    godot.attach(t);
    second.attach(t);
    const a = await server.connect(t, godot, 3);
    const b = await server.connect(t, second, 1);
    t.equal(await godot.waitFor(new RegExp(`^PEER_CONNECTED ${b}$`)), `PEER_CONNECTED ${b}`, 'A learns of B from the server');
    t.equal(await second.waitFor(new RegExp(`^PEER_CONNECTED ${a}$`)), `PEER_CONNECTED ${a}`, 'B learns of A');
    await godot.send('rpc', 'Probe', String(b), 'msg_reliable', '42');
    await godot.send('rpc', 'Probe', String(b), 'msg_channel', '43');
    await godot.send('rpc', 'Probe', 'all', 'local_call', '44');
    t.equal(await second.waitFor(/^HEARD msg_reliable /), `HEARD msg_reliable ${a} 42`, 'B hears A (targeted, relayed)');
    t.equal(await second.waitFor(/^HEARD msg_channel /), `HEARD msg_channel ${a} 43`, 'on a custom channel too');
    t.equal(await second.waitFor(/^HEARD local_call \d+ 44$/), `HEARD local_call ${a} 44`, 'B hears A broadcast');
    await pump.until(() => probe.calls('local_call').some((h) => h.args[0] === 44), 'the server hears the broadcast');
    t.same(probe.calls('local_call').at(-1), { method: 'local_call', sender: a, args: [44] });
    t.notOk(
      probe.calls('msg_reliable').some((h) => h.args[0] === 42),
      'the server only relays a call meant for B',
    );
    await second.send('rpc', 'Probe', String(a), 'msg_unreliable', '45');
    t.equal(await godot.waitFor(/^HEARD msg_unreliable \d+ 45$/), `HEARD msg_unreliable ${b} 45`, 'A hears B');

    await second.send('close');
    t.equal(await godot.waitFor(new RegExp(`^PEER_DISCONNECTED ${b}$`)), `PEER_DISCONNECTED ${b}`, 'A learns that B left');
    await godot.send('close');
    await pump.until(() => mp.getPeers().length === 0, 'both gone');
  });
});
