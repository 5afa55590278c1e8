/**
 * A stock Godot 4 client's path into a room, byte for byte (docs/wire/multiplayer.md §5, §6.6, §8.3): the client
 * opens `ws://host:port/<type>/<roomId>`, reads its 4-byte id, announces `Game/Player` with
 * SIMPLIFY_PATH, gets CONFIRM_PATH, calls `hit(25)` in compact form, and reads the server's RPCs in
 * path and compact form. A raw `ws` client writes exactly what Godot writes.
 */
import t from 'tap';
import { decodeUint32 } from '../../core/index.js';
import { hex, rawClient, unhex } from '../helpers/raw-ws.js';
import { arenaServer, playerOf, tickUntil } from '../helpers/server-rooms.js';

const CHECKSUM = '8f6deb1a3779e1a534bf036d31d7dff1'; // MD5("hitmoveping"), docs/wire/multiplayer.md §5.4
const PATH = Buffer.from('Game/Player\0').toString('hex');
const SIMPLIFY_PATH_ID1 = unhex(`01 ${Buffer.from(CHECKSUM).toString('hex')} 00 01000000 ${PATH}`);

t.test('a Godot client joins a room by URL path and speaks SceneMultiplayer byte for byte', async (t) => {
  const server = await arenaServer(t);
  const godot = rawClient(`ws://127.0.0.1:${server.getLocalPort()}/arena/godot-room`);
  t.teardown(() => godot.ws.terminate());

  const pump = (done: () => boolean) => tickUntil(server, done);
  let idMessage: Awaited<ReturnType<typeof godot.next>> | undefined;
  void godot.next().then((m) => (idMessage = m));
  await pump(() => idMessage !== undefined);
  t.equal(idMessage!.binary, true, 'the id arrives in a binary frame');
  t.equal(idMessage!.data.length, 4, 'exactly 4 bytes (docs/wire/multiplayer.md §8.3)');
  const id = decodeUint32(idMessage!.data, 0) | 0;
  t.ok(id >= 2, `client id ${id}`);

  const room = server.getRoom('godot-room')!;
  t.ok(room, 'the first join created the room');
  await pump(() => room.multiplayer.getPeers().includes(id));
  t.same(room.multiplayer.getPeers(), [id], 'the room sees the Godot client as its only peer');

  // Client → server: SIMPLIFY_PATH for its cache id 1, then the server confirms (4.3+ form).
  godot.send(SIMPLIFY_PATH_ID1);
  let confirm: Uint8Array | undefined;
  void godot.next().then((m) => (confirm = m.data));
  await pump(() => confirm !== undefined);
  t.equal(hex(confirm!), '02 01 01 00 00 00', 'CONFIRM_PATH valid=1 id=1');

  // rpc_id(1, "hit", 25): `00 01 00 01 02 19` (docs/wire/multiplayer.md §6.6).
  godot.send([0x00, 0x01, 0x00, 0x01, 0x02, 0x19]);
  await pump(() => playerOf(room).hits.length === 1);
  t.same(playerOf(room).hits, [[id, 25]], 'hit(25) ran on the room server with the Godot client as sender');

  // Server → client: the first RPC on a node announces it, then uses the path form.
  playerOf(room).rpcId(id, 'ping');
  const got: Uint8Array[] = [];
  const take = () => void godot.next().then((m) => got.push(m.data));
  take();
  take();
  await pump(() => got.length === 2);
  t.equal(hex(got[0]!), hex(SIMPLIFY_PATH_ID1), "SIMPLIFY_PATH with the server's cache id 1");
  t.equal(
    hex(got[1]!),
    `a0 06 00 00 80 02 ${PATH.match(/../g)!.join(' ')}`,
    'ping in path form: meta a0, target 0x80000006, method 2, no args',
  );
  const packetsIn = room.traffic().get('ws')!.packetsIn;
  godot.send(unhex('02 01 01 00 00 00'));
  await pump(() => room.traffic().get('ws')!.packetsIn === packetsIn + 1);
  playerOf(room).rpcId(id, 'ping');
  take();
  await pump(() => got.length === 3);
  t.equal(hex(got[2]!), '80 01 02', 'once confirmed: compact form (docs/wire/multiplayer.md §6.6)');
  t.equal(godot.queued.length, 0, 'nothing else was sent');
});
