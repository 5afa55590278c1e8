/**
 * Sync before spawn against a real Godot 4.6 (official web export, headless Chromium): a Godot client
 * owns a static synchronizer (Main/Beacon/Sync, a path id) that the scenenet server does not have yet.
 * Godot's SIMPLIFY_PATH for it waits on the server, which confirms it once the node enters its tree;
 * Godot then starts sending SYNCs, and the server's node follows. (Godot itself, as a receiver, would
 * print "Node not found" and never confirm: godot#98052.)
 */
import t from 'tap';
import { MultiplayerSynchronizer, Node } from '../../scenetree/index.js';
import { GodotHost } from '../helpers/godot4/engine.js';
import { ScenenetServer } from '../helpers/godot4/server.js';

class Beacon extends Node {
  value = 0;
}

t.test('Godot 4.6 → scenenet: a static synchronizer whose node the server adds late still syncs', async (t) => {
  const host = await GodotHost.start();
  t.teardown(() => host.close());
  const godot = await host.boot(t);
  const server = await ScenenetServer.start(t);
  const id = await server.connect(t, godot);

  await godot.send('beacon', '7');
  await godot.waitFor(/^BEACON 7$/);
  const stats = server.mp.heldStateStats;
  await server.pump.until(() => stats.pathsWaiting === 1, "Godot's SIMPLIFY_PATH for Main/Beacon/Sync waits on the server");
  t.equal(stats.pathsConfirmed, 0, 'not confirmed while the node is missing');

  // The server builds the same node (same path, same replication config, Godot's peer as authority).
  const beacon = new Beacon('Beacon');
  const sync = new MultiplayerSynchronizer('Sync');
  sync.replicationConfig!.addProperty('.:value');
  beacon.addChild(sync);
  server.tree.root.getNode('Main').addChild(beacon);
  beacon.setMultiplayerAuthority(id);
  await server.pump.until(() => beacon.value === 7, 'the server node takes the value Godot syncs');
  t.equal(stats.pathsConfirmed, 1, 'confirmed once the node entered the tree');

  await godot.send('beacon', '42');
  await server.pump.until(() => beacon.value === 42, 'and follows later changes');
  t.equal(beacon.value, 42);
  t.notOk(
    godot.lines.some((l) => /ERROR/.test(l)),
    'Godot printed no error',
  );
});
