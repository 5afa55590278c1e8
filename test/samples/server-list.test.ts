import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import t, { type Test } from 'tap';
import { ErrorCode, ManualClock, SeededRng } from '../../core/index.js';
import { LobbyService } from '../../samples/server-list/lobby-service.js';
import { parseHeartbeat, parseListFilters, parseRegistration } from '../../samples/server-list/lobby-schema.js';
import { main } from '../../samples/server-list/main.js';
import { startLobby } from '../../samples/server-list/run-server-list.js';
import { MemoryServerStore, type ServerStore } from '../../samples/server-list/server-store.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

async function lobby(t: Test, options: ConstructorParameters<typeof LobbyService>[0] = {}) {
  const clock = new ManualClock();
  const service = new LobbyService({ clock, rng: new SeededRng(7), ttlSeconds: 30, ...options });
  t.equal(await service.listen(0), ErrorCode.OK);
  t.teardown(() => service.close());
  const base = `http://127.0.0.1:${service.port}`;
  const call = async (method: string, path: string, body?: unknown, type = 'application/json') => {
    const res = await fetch(`${base}${path}`, {
      method,
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'Content-Type': type } } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, allow: res.headers.get('allow') };
  };
  return { service, clock, call };
}

const arena = { name: 'Arena', game: 'arena', port: 9000, maxPlayers: 4, players: 1, tags: ['eu'] };

t.test('lobby: register, list with filters, heartbeat, expiry on the injected clock', async (t) => {
  const { clock, call } = await lobby(t);
  const a = await call('POST', '/servers', arena);
  t.equal(a.status, 201);
  t.match(a.body, { id: /^[0-9a-f]{16}$/, token: /^[0-9a-f]{32}$/, ttlSeconds: 30 });
  const full = await call('POST', '/servers', { ...arena, name: 'Full', players: 4, tags: ['us'] });
  await call('POST', '/servers', { ...arena, name: 'Other', game: 'racing', host: 'racing.example', transport: 'enet' });
  let list = await call('GET', '/servers');
  t.same(
    (list.body.servers as Array<{ name: string }>).map((s) => s.name),
    ['Arena', 'Full', 'Other'],
  );
  t.notOk(JSON.stringify(list.body).includes(String(a.body.token)), 'tokens are never listed');
  t.equal((list.body.servers as Array<{ host: string }>)[0]!.host, '127.0.0.1', 'host defaults to the sender address');
  list = await call('GET', '/servers?game=arena&has_space=true');
  t.same(
    (list.body.servers as Array<{ name: string }>).map((s) => s.name),
    ['Arena'],
  );
  list = await call('GET', '/servers?transport=enet');
  t.same(
    (list.body.servers as Array<{ name: string; transport: string }>).map((s) => [s.name, s.transport]),
    [['Other', 'enet']],
  );
  list = await call('GET', '/servers?tag=us&limit=1');
  t.same(
    (list.body.servers as Array<{ name: string }>).map((s) => s.name),
    ['Full'],
  );
  clock.advance(20_000);
  t.equal((await call('POST', `/servers/${a.body.id}/heartbeat`, { token: a.body.token, players: 3 })).status, 200);
  clock.advance(20_000);
  list = await call('GET', '/servers');
  t.same(
    (list.body.servers as Array<{ name: string; players: number }>).map((s) => [s.name, s.players]),
    [['Arena', 3]],
    'the others expired',
  );
  t.equal(
    (await call('POST', `/servers/${full.body.id}/heartbeat`, { token: full.body.token })).status,
    404,
    'an expired server must register again',
  );
});

t.test('lobby: bad input gets a clear 4xx (413, 415, 400, 422, 403, 404, 405)', async (t) => {
  const { call } = await lobby(t, { maxBodyBytes: 512 });
  const cases: Array<[string, () => Promise<{ status: number; body: Record<string, unknown>; allow: string | null }>, number, RegExp]> = [
    ['too large', () => call('POST', '/servers', { ...arena, name: 'x'.repeat(600) }), 413, /larger than 512/],
    ['wrong content type', () => call('POST', '/servers', 'name=x', 'application/x-www-form-urlencoded'), 415, /application\/json/],
    ['not JSON', () => call('POST', '/servers', '{"name": '), 400, /not valid JSON/],
    ['not an object', () => call('POST', '/servers', '[1,2]'), 422, /JSON object/],
    ['unknown field', () => call('POST', '/servers', { ...arena, admin: true }), 422, /unknown field\(s\): admin/],
    ['bad port', () => call('POST', '/servers', { ...arena, port: 70000 }), 422, /port must be an integer/],
    ['players above max', () => call('POST', '/servers', { ...arena, players: 9 }), 422, /players/],
    ['control characters in the name', () => call('POST', '/servers', { ...arena, name: 'a\u0007b' }), 422, /printable/],
    ['bad game', () => call('POST', '/servers', { ...arena, game: 'Bad Game!' }), 422, /game must match/],
    ['too many tags', () => call('POST', '/servers', { ...arena, tags: Array.from({ length: 9 }, (_, i) => `t${i}`) }), 422, /tags/],
    ['bad filter', () => call('GET', '/servers?has_space=maybe'), 400, /has_space/],
    ['bad transport', () => call('POST', '/servers', { ...arena, transport: 'carrier-pigeon' }), 422, /transport/],
    ['bad transport filter', () => call('GET', '/servers?transport=udp'), 400, /transport/],
    ['unknown filter', () => call('GET', '/servers?sort=name'), 400, /unknown filter/],
    ['bad limit', () => call('GET', '/servers?limit=1000'), 400, /limit/],
    ['unknown route', () => call('GET', '/admin'), 404, /no route/],
    ['unknown server', () => call('POST', '/servers/0123456789abcdef/heartbeat', { token: 'a'.repeat(32) }), 404, /register again/],
    ['bad token format', () => call('POST', '/servers/0123456789abcdef/heartbeat', { token: 'x' }), 422, /token/],
  ];
  for (const [name, pending, status, error] of cases) {
    const res = await pending();
    t.equal(res.status, status, name);
    t.match(String(res.body.error), error, name);
  }
  const put = await call('PUT', '/servers', arena);
  t.same([put.status, put.allow], [405, 'GET, POST']);
  const reg = await call('POST', '/servers', arena);
  const wrong = await call('POST', `/servers/${reg.body.id}/heartbeat`, { token: 'f'.repeat(32) });
  t.same([wrong.status, wrong.body.error], [403, 'wrong token']);
  const look = await call('POST', '/servers', { status: 200, body: 'not an answer' });
  t.equal(look.status, 422, 'a body shaped like an answer is still just input');
});

t.test('lobby schema: property: any JSON value is either accepted within limits or refused with a message, never thrown', (t) => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.jsonValue(),
        fc.record({
          name: fc.string(),
          game: fc.string(),
          port: fc.integer(),
          maxPlayers: fc.integer(),
          players: fc.integer(),
          tags: fc.array(fc.string()),
        }),
      ),
      (value) => {
        const r = parseRegistration(value);
        if (typeof r !== 'string') {
          t.ok(
            r.name.length >= 1 && r.name.length <= 64 && r.port >= 1 && r.port <= 65535 && r.players <= r.maxPlayers && r.tags.length <= 8,
          );
        }
        const h = parseHeartbeat(value);
        t.ok(typeof h === 'string' || /^[0-9a-f]{32}$/.test(h.token));
      },
    ),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.string(), fc.string()), { maxLength: 5 }), (pairs) => {
      const f = parseListFilters(new URLSearchParams(pairs));
      t.ok(typeof f === 'string' || (f.limit >= 1 && f.limit <= 100));
    }),
    { numRuns: 300 },
  );
  t.end();
});

t.test('lobby: maxServers answers 503; a custom ServerStore is used', async (t) => {
  const store = new MemoryServerStore();
  const puts: string[] = [];
  const spy: ServerStore = {
    get: (id) => store.get(id),
    put: (e) => (puts.push(e.name), store.put(e)),
    delete: (id) => store.delete(id),
    all: () => store.all(),
    size: () => store.size(),
  };
  const { call } = await lobby(t, { maxServers: 1, store: spy });
  t.equal((await call('POST', '/servers', arena)).status, 201);
  const full = await call('POST', '/servers', { ...arena, name: 'Two' });
  t.same([full.status, full.body.error], [503, 'lobby is full']);
  t.same(puts, ['Arena']);
  t.equal(store.size(), 1);
});

t.test('main: lobby, two game servers and a player in one process; the player joins over WebSocket', async (t) => {
  const lines: string[] = [];
  const code = await main(['--frames', '900', '--fps', '60'], (l) => lines.push(l));
  t.equal(code, 0, lines.join('\n'));
  t.ok(
    lines.some((l) => /player: 2 server\(s\): Arena 1 ws:.*Arena 2 enet:/.test(l)),
    'both servers listed',
  );
  t.ok(
    lines.some((l) => /game server "Arena 1": player \d+ joined/.test(l)),
    'the game server saw the player',
  );
  t.ok(lines.includes('server-list: OK'));
});

t.test('main: --transport enet lists only the ENet server; the player joins over ENet', async (t) => {
  const lines: string[] = [];
  t.equal(await main(['--transport', 'enet', '--frames', '900', '--fps', '60'], (l) => lines.push(l)), 0, lines.join('\n'));
  t.ok(lines.some((l) => /player: 1 server\(s\): Arena 2 enet:\/\/127\.0\.0\.1:\d+ 0\/8/.test(l)));
  t.ok(
    lines.some((l) => /game server "Arena 2": player \d+ joined/.test(l)),
    'the ENet game server saw the player',
  );
});

t.test('main: --join none stops after listing', async (t) => {
  const lines: string[] = [];
  t.equal(await main(['--join', 'none', '--frames', '900', '--fps', '60'], (l) => lines.push(l)), 0, lines.join('\n'));
  t.ok(lines.includes('player: no join transport chosen; stopping after the list'));
  t.notOk(lines.some((l) => l.includes('joined')));
});

t.test('main: --lobby listens, serves for --frames, then closes', async (t) => {
  const lines: string[] = [];
  t.equal(await main(['--lobby', '--frames', '3'], (l) => lines.push(l)), 0);
  t.match(lines[0], /^lobby listening on port \d+$/);
});

t.test('main: bad arguments exit with 2', async (t) => {
  t.equal(await main(['--game'], () => {}), 2, '--game without --lobby-url');
  t.equal(await main(['--lobby', '--client', '--lobby-url', 'x'], () => {}), 2);
  t.equal(await main(['--join', 'carrier-pigeon'], () => {}), 2);
  t.equal(await main(['--fps', '0'], () => {}), 2);
  t.equal(await main(['--transport', 'udp'], () => {}), 2);
});

/** Starts `main.ts` in its own process; resolves the first stdout line matching `ready`. */
function spawnSample(
  t: Test,
  args: string[],
  ready: RegExp | null,
): { child: ChildProcess; match: Promise<RegExpExecArray | null>; exit: Promise<number | null>; out: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'samples/server-list/main.ts'), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.teardown(() => {
    if (child.exitCode === null) child.kill();
    return exit;
  });
  const match = new Promise<RegExpExecArray | null>((resolve) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = ready?.exec(out);
      if (m) resolve(m);
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    void exit.then(() => resolve(null));
  });
  return { child, match, exit, out: () => out };
}

t.test('main: game server and player as separate processes, around a lobby in this process', async (t) => {
  // The lobby role runs in-process (startLobby is what `--lobby` runs) so that only two processes
  // start, in parallel: the player retries its listing each second until the game server registered.
  const lobbyService = await startLobby(0, () => {});
  t.ok(lobbyService);
  t.teardown(() => lobbyService!.close());
  const url = `http://127.0.0.1:${lobbyService!.port}`;
  const game = spawnSample(t, ['--game', '--lobby-url', url, '--name', 'Solo'], /registered as/);
  const player = spawnSample(t, ['--client', '--lobby-url', url, '--frames', '1800'], null);
  t.ok(await game.match, game.out());
  t.equal(await player.exit, 0, player.out());
  t.match(player.out(), /player: 1 server\(s\): Solo ws:\/\/127\.0\.0\.1:\d+ 0\/8/);
  t.match(player.out(), /player: joined the game server/);
});

t.test(
  'lobby: per-client limits: a hostile client filling the lobby from one address (or one token) gets 429; the honest server still registers',
  async (t) => {
    const { service } = await lobby(t, { maxServers: 1000, maxServersPerClient: 16 });
    const post = (body: unknown, options: { localAddress?: string; bearer?: string } = {}): Promise<number> =>
      new Promise((resolve, reject) => {
        const text = JSON.stringify(body);
        const req = http.request(
          {
            host: '127.0.0.1',
            port: service.port,
            path: '/servers',
            method: 'POST',
            localAddress: options.localAddress ?? '127.0.0.1',
            headers: {
              'Content-Type': 'application/json',
              'Content-Length': Buffer.byteLength(text),
              ...(options.bearer !== undefined ? { Authorization: `Bearer ${options.bearer}` } : {}),
            },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end(text);
      });
    const hostile: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const status = await post({ ...arena, name: `Spam ${i}` });
      hostile.push(status);
      if (status === 429) break;
    }
    t.same(hostile.filter((s) => s === 201).length, 16, '16 registrations from one address');
    t.equal(hostile.at(-1), 429, 'then 429');
    t.equal(await post({ ...arena, name: 'Honest' }, { localAddress: '127.0.0.2' }), 201, 'the honest server (another address) registers');
    // One token spread over addresses is limited too.
    for (let i = 0; i < 15; i++)
      t.equal(await post({ ...arena, name: `Token ${i}` }, { localAddress: `127.0.1.${i + 1}`, bearer: 'abc' }), 201);
    t.equal(await post({ ...arena, name: 'Token 16' }, { localAddress: '127.0.2.1', bearer: 'abc' }), 201);
    t.equal(
      await post({ ...arena, name: 'Token 17' }, { localAddress: '127.0.2.2', bearer: 'abc' }),
      429,
      'the 17th registration of one token is refused',
    );
    t.equal(await post({ ...arena, name: 'Honest 2' }, { localAddress: '127.0.2.3' }), 201);
    t.equal((await service.list({ game: null, transport: null, tag: null, hasSpace: false, limit: 100 })).length, 16 + 1 + 16 + 1);
  },
);
