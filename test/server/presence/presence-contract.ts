/** The rules every Presence keeps, run against MemoryPresence and RedisPresence (not itself a test file). */
import type { Test } from 'tap';
import type { Presence, ReserveRequest, RoomState } from '../../../server/presence/index.js';

export interface PresenceFixture {
  readonly presence: Presence;
  /** Lets `ms` pass (a manual clock, or real time for Redis). */
  advance(ms: number): Promise<void>;
}

let counter = 0;
const token = (): string => (++counter).toString(16).padStart(32, '0');

function request(over: Partial<ReserveRequest> = {}): ReserveRequest {
  return {
    mode: 'join-or-create',
    type: 'arena',
    token: token(),
    seatTtlMs: 60_000,
    newRoomId: `r${++counter}`,
    pendingTtlMs: 60_000,
    ...over,
  };
}

function state(id: string, over: Partial<RoomState> = {}): RoomState {
  return {
    id,
    type: 'arena',
    processId: 'p1',
    url: 'ws://127.0.0.1:1',
    maxClients: 3,
    locked: false,
    metadata: {},
    endpoints: {},
    occupied: 0,
    change: 0,
    ...over,
  };
}

export function presenceContract(t: Test, make: (t: Test) => Promise<PresenceFixture>): void {
  t.test('no live process hosting the type: no_process; processes are listed until their TTL', async (t) => {
    const { presence, advance } = await make(t);
    t.equal(await presence.reserveSeat(request()), 'no_process');
    await presence.registerProcess({ id: 'p1', url: 'ws://a', types: { arena: 3 }, rooms: 0 }, 400);
    t.same(
      (await presence.listProcesses()).map((p) => [p.id, p.url, p.types]),
      [['p1', 'ws://a', { arena: 3 }]],
    );
    t.equal(await presence.reserveSeat(request({ type: 'race' })), 'no_process', 'a process that does not host the type is not chosen');
    await advance(600);
    t.same(await presence.listProcesses(), [], 'expired');
    t.equal(await presence.reserveSeat(request()), 'no_process');
  });

  t.test('join-or-create fills a room to maxClients, then places the next; seats are never over maxClients', async (t) => {
    const { presence } = await make(t);
    await presence.registerProcess({ id: 'p1', url: 'ws://a', types: { arena: 3 }, rooms: 0 }, 60_000);
    await presence.registerProcess({ id: 'p2', url: 'ws://b', types: { arena: 3 }, rooms: 0 }, 60_000);
    const results = [];
    for (let i = 0; i < 7; i++) results.push(await presence.reserveSeat(request({ newRoomId: `room${i}` })));
    const placed = results.map((r) => (typeof r === 'string' ? r : [r.roomId, r.processId, r.created]));
    t.same(
      placed,
      [
        ['room0', 'p1', true],
        ['room0', 'p1', false],
        ['room0', 'p1', false],
        ['room3', 'p2', true],
        ['room3', 'p2', false],
        ['room3', 'p2', false],
        ['room6', 'p1', true],
      ],
      'new rooms go to the process with the fewest rooms',
    );
    const rooms = await presence.listRooms('arena');
    t.same(
      rooms.map((r) => [r.id, r.seats, r.maxClients, r.pending, r.url]),
      [
        ['room0', 3, 3, true, 'ws://a'],
        ['room3', 3, 3, true, 'ws://b'],
        ['room6', 1, 3, true, 'ws://a'],
      ],
    );
    t.equal(await presence.reserveSeat(request({ mode: 'join', roomId: 'room0' })), 'full');
    t.equal(await presence.reserveSeat(request({ mode: 'join', roomId: 'nope' })), 'not_found');
    t.equal(await presence.claimSeat('room3'), 'full');
  });

  t.test('a seat token is single-use, bound to its room, and its seat stays held once used', async (t) => {
    const { presence } = await make(t);
    await presence.registerProcess({ id: 'p1', url: 'ws://a', types: { arena: 3 }, rooms: 0 }, 60_000);
    const r = request({ newRoomId: 'solo' });
    const seat = await presence.reserveSeat(r);
    t.match(seat, { roomId: 'solo', created: true });
    t.equal(await presence.consumeSeat('other', r.token), false, 'wrong room');
    t.equal(await presence.consumeSeat('solo', r.token), true);
    t.equal(await presence.consumeSeat('solo', r.token), false, 'used');
    t.equal(await presence.consumeSeat('solo', token()), false, 'unknown');
    t.equal((await presence.listRooms())[0]!.seats, 1, 'the used seat is held');
    t.equal(await presence.syncRoom(state('solo', { occupied: 1 }), 60_000), 1, 'the process reports the client: still one seat');
    t.equal(await presence.syncRoom(state('solo', { occupied: 0, change: -1 }), 60_000), 0, 'the client left: the seat is given back');
    t.notOk((await presence.listRooms())[0]!.pending, 'reported rooms are no longer pending');
  });

  t.test('an unused seat is given back when it expires; a used-late token is refused', async (t) => {
    const { presence, advance } = await make(t);
    await presence.registerProcess({ id: 'p1', url: 'ws://a', types: { arena: 3 }, rooms: 0 }, 60_000);
    const r = request({ newRoomId: 'exp', seatTtlMs: 300 });
    await presence.reserveSeat(r);
    await presence.reserveSeat(request({ seatTtlMs: 60_000 }));
    t.equal((await presence.listRooms())[0]!.seats, 2);
    await advance(500);
    t.equal((await presence.listRooms())[0]!.seats, 1, 'the expired seat is free again');
    t.equal(await presence.consumeSeat('exp', r.token), false);
  });

  t.test('rooms expire after their TTL unless reported; a report re-registers a lost room with its clients', async (t) => {
    const { presence, advance } = await make(t);
    await presence.registerProcess({ id: 'p1', url: 'ws://a', types: { arena: 3 }, rooms: 0 }, 60_000);
    t.equal(await presence.syncRoom(state('a', { occupied: 2, endpoints: { ws: 'ws://h:1/a', enet: 'enet://h:2' } }), 400), 2);
    t.same(
      (await presence.listRooms()).map((r) => [r.id, r.seats, r.clients, r.endpoints]),
      [['a', 2, 2, { ws: 'ws://h:1/a', enet: 'enet://h:2' }]],
      'listed with its public address per transport',
    );
    await advance(600);
    t.same(await presence.listRooms(), [], 'gone after the TTL');
    t.equal(await presence.syncRoom(state('a', { occupied: 2, change: 5 }), 60_000), 2, 'an unknown room starts at its clients');
    await presence.removeRoom('a');
    t.same(await presence.listRooms(), []);
  });

  t.test('locked rooms and rooms that miss the criteria are skipped; a new room gets the criteria as metadata', async (t) => {
    const { presence } = await make(t);
    await presence.registerProcess({ id: 'p1', url: 'ws://a', types: { arena: 4 }, rooms: 0 }, 60_000);
    await presence.syncRoom(state('locked', { maxClients: 4, locked: true, metadata: { mode: 'ranked' } }), 60_000);
    await presence.syncRoom(state('casual', { maxClients: 4, metadata: { mode: 'casual', map: 'x' } }), 60_000);
    const r = await presence.reserveSeat(request({ criteria: { mode: 'casual' } }));
    t.match(r, { roomId: 'casual', created: false });
    const ranked = await presence.reserveSeat(request({ criteria: { mode: 'ranked' }, newRoomId: 'ranked1' }));
    t.match(ranked, { roomId: 'ranked1', created: true });
    t.same((await presence.listRooms()).find((x) => x.id === 'ranked1')!.metadata, { mode: 'ranked' });
    t.equal(await presence.reserveSeat(request({ mode: 'join', roomId: 'locked' })), 'locked');
    t.equal(await presence.claimSeat('locked'), 'locked');
    t.equal(await presence.claimSeat('casual'), 'ok');
    t.equal(await presence.claimSeat('nope'), 'unknown');
  });

  t.test('pub/sub delivers to every subscriber of a channel until it unsubscribes', async (t) => {
    const { presence, advance } = await make(t);
    const got: string[] = [];
    const off = await presence.subscribe('news', (m) => got.push(`a:${m}`));
    await presence.subscribe('news', (m) => got.push(`b:${m}`));
    await presence.subscribe('other', (m) => got.push(`c:${m}`));
    await presence.publish('news', 'hello');
    for (let i = 0; i < 50 && got.length < 2; i++) await advance(20);
    await off();
    await presence.publish('news', 'again');
    for (let i = 0; i < 50 && got.length < 3; i++) await advance(20);
    t.same(got, ['a:hello', 'b:hello', 'b:again']);
  });
}
