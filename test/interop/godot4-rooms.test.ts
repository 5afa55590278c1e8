/**
 * A stock Godot 4.6 client joins a room of scenenet's game server by the WebSocket URL path
 * (`create_client("ws://host:port/<type>/<roomId>")`), plays in that room only, and is refused with a
 * close code when the room is locked; its WebSocket answers the room's ping frames (RTT).
 */
import t from 'tap';
import { ErrorCode } from '../../core/index.js';
import { GameServer } from '../../server/index.js';
import { GodotHost } from '../helpers/godot4/engine.js';
import { addMainScene, type MainScene } from '../helpers/godot4/nodes.js';

t.test('Godot 4.6 joins a scenenet room by URL path', async (t) => {
  const host = await GodotHost.start();
  t.teardown(() => host.close());
  const godot = await host.boot(t);

  const server = new GameServer({ fps: 60, wsPingIntervalMs: 200 });
  const scenes = new Map<string, MainScene>();
  server.define('arena', { maxClients: 4, setup: (room) => scenes.set(room.id, addMainScene(room.tree)) });
  t.equal(await server.listen(0, '127.0.0.1'), ErrorCode.OK);
  server.start();
  t.teardown(() => server.shutdown({ graceMs: 200 }));
  const other = await server.createRoom('arena', { id: 'other' });
  t.equal(other.id, 'other', 'a second room exists beside the one Godot joins');

  const until = async (done: () => boolean, what: string): Promise<void> => {
    const deadline = Date.now() + 60_000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`${what}: not within 60 s`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  godot.attach(t);
  await godot.send('connect_ws', `ws://127.0.0.1:${server.getLocalPort()}/arena/final`);
  t.equal(await godot.waitFor(/^CREATE /), 'CREATE 0', 'Godot: create_client returns OK');
  const gid = Number((await godot.waitFor(/^CONNECTED /, 60_000)).split(' ')[1]);
  t.ok(gid > 1, `Godot is peer ${gid} of the room`);
  await until(() => server.rooms().some((r) => r.id === 'final' && r.clients === 1), 'the room lists Godot');
  t.same(
    server
      .rooms()
      .filter((r) => r.kind === 'match')
      .map((r) => [r.id, r.clients])
      .sort(),
    [
      ['final', 1],
      ['other', 0],
    ],
  );

  // Godot → the room's server, and back.
  const final = scenes.get('final')!;
  await godot.send('rpc', 'Probe', '1', 'msg_reliable', '41');
  await until(() => final.probe.calls('msg_reliable').length === 1, 'the room hears Godot');
  t.same(
    final.probe.calls('msg_reliable').map((c) => [c.sender, c.args[0]]),
    [[gid, 41]],
    'from Godot\'s id, in room "final"',
  );
  t.same(scenes.get('other')!.probe.calls('msg_reliable'), [], 'room "other" never sees a byte of it');
  t.equal(final.probe.rpcId(gid, 'msg_reliable', 42), ErrorCode.OK);
  t.equal(await godot.waitFor(/^HEARD msg_reliable /), 'HEARD msg_reliable 1 42', "Godot hears the room's server (peer 1)");
  // Godot's WebSocket answers the room's ping frames: its RTT is measured like any client's.
  const room = server.getRoom('final')!;
  await until(() => room.clients().find((c) => c.id === gid)?.rttMs != null, 'an RTT for Godot');
  t.match(
    room.clients().find((c) => c.id === gid),
    { transport: 'ws', paused: false },
    `Godot's RTT: ${room.clients()[0]?.rttMs} ms`,
  );

  // A locked room refuses a new Godot connection with its close code.
  (await server.createRoom('arena', { id: 'sealed' })).lock();
  await godot.send('close');
  await godot.waitFor(/^CLOSED /);
  await godot.send('connect_ws', `ws://127.0.0.1:${server.getLocalPort()}/sealed`);
  t.equal((await godot.waitForAll(/^CREATE /, 2))[1], 'CREATE 0');
  await godot.waitFor(/^CONNECTION_FAILED|^SERVER_DISCONNECTED/, 60_000);
  t.equal(server.rooms().find((r) => r.id === 'sealed')!.clients, 0, 'the locked room took nobody');
});
