/**
 * A real Godot 4.6 (official web export, headless Chromium) against a scenenet WebSocket server:
 * SceneMultiplayer authentication (`auth_callback`, both sides sending and checking data), then
 * replication both ways: MultiplayerSpawner custom spawns, MultiplayerSynchronizer ALWAYS and
 * ON_CHANGE properties, despawn, and per-peer visibility.
 */
import t from 'tap';
import { Vector2 } from '../../core/index.js';
import { GodotHost } from '../helpers/godot4/engine.js';
import { Ship } from '../helpers/godot4/nodes.js';
import { ScenenetServer } from '../helpers/godot4/server.js';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** `SHIP|SPAWNED <name> <x> <y> <hp>` → numbers. */
function shipState(line: string): { name: string; x: number; y: number; hp: number } {
  const [, name, x, y, hp] = line.split(' ');
  return { name: name!, x: Number(x), y: Number(y), hp: Number(hp) };
}

t.test('Godot 4.6 web export ↔ scenenet: authentication and replication', async (t) => {
  const host = await GodotHost.start();
  t.teardown(() => host.close());
  const godot = await host.boot(t);
  const server = await ScenenetServer.start(t);
  const { mp, pump, joined } = server;
  const { ships, shipSpawner, clientShips, clientSpawner } = server.scene;

  // The server challenges each new peer and accepts the answer that carries the secret and its nonce.
  const received: Array<{ id: number; data: string }> = [];
  const failed: number[] = [];
  mp.peerAuthenticationFailed.connect((id) => failed.push(id));
  mp.peerAuthenticating.connect((id) => void mp.sendAuth(id, utf8(`challenge:n${id}`)));
  mp.authCallback = (id, data) => {
    received.push({ id, data: text(data) });
    if (text(data) === `answer:s3cret:n${id}`) {
      mp.sendAuth(id, utf8('welcome'));
      mp.completeAuth(id);
    } else {
      server.peer.disconnectPeer(id);
    }
  };

  let gid = 0;
  t.test('auth: a wrong answer is refused, the right one connects', async (t) => {
    godot.attach(t);
    await godot.send('auth', 'wrong');
    await godot.send('connect_ws', server.url);
    const challenge = await godot.waitFor(/^AUTH_DATA 1 /);
    const badId = Number(challenge.split(':')[1]!.slice(1));
    t.match(challenge, /^AUTH_DATA 1 challenge:n\d+$/, "Godot's auth_callback got the server's challenge");
    t.ok(godot.lines.includes('AUTHENTICATING 1'), 'Godot: peer_authenticating(1)');
    await pump.until(() => received.length >= 1, 'the server receives the answer');
    t.same(received[0], { id: badId, data: `answer:wrong:n${badId}` }, "scenenet's auth_callback got Godot's answer");
    const end = await godot.waitFor(/^(AUTH_FAILED|CONNECTION_FAILED|SERVER_DISCONNECTED)/);
    t.equal(end, 'AUTH_FAILED 1', 'Godot: peer_authentication_failed(1) when the server drops it during auth');
    t.notOk(joined.includes(badId), 'scenenet never emitted peerConnected for it');
    t.notOk(
      godot.lines.some((l) => l.startsWith('CONNECTED ')),
      'Godot never emitted connected_to_server',
    );

    await godot.send('auth', 's3cret');
    gid = await server.connect(t, godot, 1);
    t.same(received[1], { id: gid, data: `answer:s3cret:n${gid}` });
    t.ok(godot.lines.includes('AUTH_DATA 1 welcome'), "Godot got the server's own auth data");
    t.ok(godot.lines.includes('AUTH_COMPLETE 0'), 'Godot: complete_auth returns OK');
    t.same(mp.getPeers(), [gid]);
    await godot.send('noauth');
  });

  t.test('server → Godot: spawn, ALWAYS and ON_CHANGE sync, despawn', async (t) => {
    godot.attach(t);
    const ship = shipSpawner.spawn(['s_1', new Vector2(10, 20), 100]) as Ship;
    t.equal(ship.getParent(), ships);
    t.same(shipState(await godot.waitFor(/^SPAWNED s_1 /)), { name: 's_1', x: 10, y: 20, hp: 100 }, 'spawned with its spawn state');
    ship.position = new Vector2(11.5, 20);
    t.same(shipState(await godot.waitFor(/^SHIP s_1 11\.5 /)), { name: 's_1', x: 11.5, y: 20, hp: 100 }, 'position (ALWAYS) arrives');
    ship.hp = 90;
    t.same(shipState(await godot.waitFor(/^SHIP s_1 \S+ \S+ 90$/)), { name: 's_1', x: 11.5, y: 20, hp: 90 }, 'hp (ON_CHANGE) arrives');
    ship.queueFree();
    await godot.waitFor(/^DESPAWNED s_1$/);
    t.pass('despawned on Godot');
  });

  t.test('per-peer visibility: Godot sees a ship only while the server lets it', async (t) => {
    godot.attach(t);
    const hidden = shipSpawner.spawn(['h_2', new Vector2(1, 2), 70]) as Ship;
    const seen = shipSpawner.spawn(['s_3', new Vector2(3, 4), 80]) as Ship;
    await godot.waitFor(/^SPAWNED s_3 /);
    t.notOk(
      godot.lines.some((l) => l.startsWith('SPAWNED h_2')),
      'the hidden ship was not spawned on Godot',
    );
    hidden.sync.setVisibilityFor(gid, true);
    t.same(shipState(await godot.waitFor(/^SPAWNED h_2 /)), { name: 'h_2', x: 1, y: 2, hp: 70 }, 'made visible: spawned with its state');
    hidden.position = new Vector2(5, 2);
    await godot.waitFor(/^SHIP h_2 5\.0 /);
    hidden.sync.setVisibilityFor(gid, false);
    await godot.waitFor(/^DESPAWNED h_2$/);
    t.pass('hidden again: despawned on Godot');
    seen.queueFree();
    hidden.queueFree();
    await godot.waitFor(/^DESPAWNED s_3$/);
  });

  t.test('Godot → server: a client spawner, its synchronizer, despawn', async (t) => {
    godot.attach(t);
    clientSpawner.setMultiplayerAuthority(gid); // Godot did the same on connection
    const name = `c${gid}_1`;
    await godot.send('spawn', name, '5', '6', '50');
    await pump.until(() => clientShips.getNodeOrNull(name) !== null, 'scenenet spawns the ship');
    const ship = clientShips.getNode(name, Ship);
    t.equal(ship.getMultiplayerAuthority(), gid, 'owned by the Godot client');
    t.ok(ship.position.equals(new Vector2(5, 6)) && ship.hp === 50, 'with its spawn state');
    await godot.send('set_ship', name, '7.25', '8', '40');
    await pump.until(() => ship.position.equals(new Vector2(7.25, 8)), 'position (ALWAYS) from Godot');
    await pump.until(() => ship.hp === 40, 'hp (ON_CHANGE) from Godot');
    t.pass('both properties synchronized from Godot');
    await godot.send('free_ship', name);
    await pump.until(() => clientShips.getNodeOrNull(name) === null, 'scenenet despawns it');
    t.equal(ship.isInsideTree(), false);
  });
});
