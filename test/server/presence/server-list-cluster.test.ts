/**
 * The server list's multi-process mode, all real processes on one real Redis: 3 game-server
 * processes and 2 lobby API processes; `kill -9` of a game server; a player about to join it is
 * routed to a live room.
 */
import t from 'tap';
import { decodeUint32 } from '../../../core/index.js';
import { closeTree } from '../../../samples/server-list/run-server-list.js';
import { startMatchedPlayer } from '../../../samples/server-list/cluster.js';
import { rawClient } from '../../helpers/raw-ws.js';
import { spawnTs, type Child } from '../../helpers/redis-processes.js';
import { startRedis } from '../../helpers/redis-server.js';

interface Seat {
  roomId: string;
  joinUrl: string;
  processId: string;
}
interface Listed {
  id: string;
  url: string;
  seats: number;
  maxClients: number;
}

const SAMPLE = 'samples/server-list/main.ts';

async function match(lobby: string): Promise<Seat> {
  const res = await fetch(`${lobby}/match/arena`, { method: 'POST' });
  if (res.status !== 200) throw new Error(`match: ${res.status} ${await res.text()}`);
  return (await res.json()) as Seat;
}

async function rooms(lobby: string): Promise<Listed[]> {
  return ((await (await fetch(`${lobby}/rooms?type=arena`)).json()) as { rooms: Listed[] }).rooms;
}

t.test(
  '3 game servers and 2 lobbies on one Redis; kill -9 of a game server: its rooms leave the list within the TTL, its players join elsewhere',
  async (t) => {
    const redis = await startRedis(t);
    const games: Child[] = [0, 1, 2].map(() => spawnTs(t, SAMPLE, ['--game', '--redis', redis.url, '--max-players', '2']));
    const lobbies: Child[] = [0, 1].map(() => spawnTs(t, SAMPLE, ['--lobby', '--redis', redis.url]));
    const processIds = (await Promise.all(games.map((g) => g.waitFor(/^game server listening on (\S+) as process (\S+)$/, 90_000)))).map(
      (m) => m[2]!,
    );
    const [lobbyA, lobbyB] = (await Promise.all(lobbies.map((l) => l.waitFor(/^lobby listening on port (\d+)/, 90_000)))).map(
      (m) => `http://127.0.0.1:${m[1]}`,
    ) as [string, string];

    // Seats through both lobbies: rooms of 2, one room per process first.
    const seats = [
      await match(lobbyA),
      await match(lobbyB),
      await match(lobbyA),
      await match(lobbyB),
      await match(lobbyA),
      await match(lobbyB),
    ];
    const byRoom = new Map<string, Seat[]>();
    for (const s of seats) byRoom.set(s.roomId, [...(byRoom.get(s.roomId) ?? []), s]);
    t.equal(byRoom.size, 3, '6 seats in 3 rooms of 2');
    t.same(new Set(seats.map((s) => s.processId)), new Set(processIds), 'one room on each game-server process');
    const listedA = await rooms(lobbyA);
    t.same(listedA.map((r) => r.id).sort(), [...byRoom.keys()].sort(), 'lobby A lists every room');
    t.same((await rooms(lobbyB)).map((r) => r.id).sort(), [...byRoom.keys()].sort(), 'lobby B lists the same rooms');
    t.ok(
      listedA.every((r) => r.seats === 2 && r.maxClients === 2),
      'none over capacity',
    );

    // One player joins each room for real (a raw WebSocket client, as a stock Godot client).
    const clients = [...byRoom.values()].map((s) => rawClient(s[0]!.joinUrl));
    t.teardown(() => {
      for (const c of clients) c.ws.terminate();
    });
    const ids = await Promise.all(clients.map(async (c) => decodeUint32((await c.next(30_000)).data, 0)));
    t.ok(
      ids.every((id) => id > 1),
      'every player got its peer id from its room',
    );

    // kill -9 the process hosting the first room; its other seat holder is "about to join".
    const victimRoom = [...byRoom.keys()][0]!;
    const aboutToJoin = byRoom.get(victimRoom)![1]!;
    const victim = games[processIds.indexOf(aboutToJoin.processId)]!;
    const killedAt = Date.now();
    victim.proc.kill('SIGKILL');
    await victim.exited;
    let gone = -1;
    while (Date.now() - killedAt < 20_000) {
      if (!(await rooms(lobbyB)).some((r) => r.id === victimRoom)) {
        gone = Date.now() - killedAt;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    t.ok(gone >= 0 && gone <= 5000 + 1000, `its room left the list ${gone} ms after the kill (TTL 5000 ms, plus one poll)`);
    t.equal((await rooms(lobbyA)).length, 2, 'the rooms of the live processes stay listed');

    // The player about to join: its seat's process is gone, so it asks a lobby again and lands elsewhere.
    const held = rawClient(aboutToJoin.joinUrl);
    const closed = await held.closed;
    t.equal(closed.code, 1006, 'the seat on the dead process cannot be used');
    const lines: string[] = [];
    const player = startMatchedPlayer(lobbyA, 'arena', (l) => lines.push(l), 12, 500);
    t.teardown(() => closeTree(player.tree));
    const deadline = Date.now() + 30_000;
    while (player.state() !== 'joined' && player.state() !== 'failed' && Date.now() < deadline) {
      player.tree.processFrame(1 / 60);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    t.equal(player.state(), 'joined', lines.join('\n'));
    const seated = lines
      .map((l) => /seat in room (\S+) \(process (\S+)\)/.exec(l))
      .filter((m) => m !== null)
      .at(-1)!;
    t.not(seated[2], aboutToJoin.processId, 'routed to a live process');
    t.ok(
      games.some((g) => g !== victim && g.lines.some((l) => l.includes(`joined room ${seated[1]}`))),
      'and that game server saw the player join',
    );

    // The sample's own player, as a process: `--client --lobby-url URL --match arena`.
    const cli = spawnTs(t, SAMPLE, ['--client', '--lobby-url', lobbyB, '--match', 'arena', '--frames', '1800', '--fps', '60']);
    t.equal(await cli.exited, 0, cli.lines.join('\n'));
    t.ok(cli.lines.includes('player: joined the game server'), 'the CLI player joined through lobby B');

    for (const c of [...games.filter((g) => g !== victim), ...lobbies]) c.proc.kill('SIGTERM');
    const codes = await Promise.all([...games.filter((g) => g !== victim), ...lobbies].map((c) => c.exited));
    t.same(codes, [0, 0, 0, 0], 'the other processes stop cleanly on SIGTERM');
  },
);
