import net from 'node:net';
import fc from 'fast-check';
import t, { type Test } from 'tap';
import { ErrorCode, MultiplayerError, TLSOptions } from '../../../core/index.js';
import { HTTPClient, Method, Status, queryStringFromDict } from '../../../plugins/http/index.js';
import { connect, fetchBody, pollUntil, startHttpServer, startPythonServer, startRawServer, tick } from './servers.js';

function client(t: Test): HTTPClient {
  const c = new HTTPClient();
  t.teardown(() => c.close());
  return c;
}

t.test('fresh client: DISCONNECTED; poll returns ERR_UNCONFIGURED; close is harmless', (t) => {
  const c = new HTTPClient();
  t.equal(c.getStatus(), Status.DISCONNECTED);
  t.equal(c.poll(), ErrorCode.ERR_UNCONFIGURED);
  c.close();
  t.equal(c.getStatus(), Status.DISCONNECTED);
  t.equal(c.hasResponse(), false);
  t.equal(c.getResponseCode(), 0);
  t.equal(c.getResponseBodyLength(), -1);
  t.same([...c.readResponseBodyChunk()], []);
  t.end();
});

t.test('connectToHost: invalid parameters return ERR_INVALID_PARAMETER', (t) => {
  const c = new HTTPClient();
  t.equal(c.connectToHost('', 80), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(c.connectToHost('http://', 80), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(c.connectToHost('127.0.0.1', 70000), ErrorCode.ERR_INVALID_PARAMETER);
  const serverOptions = TLSOptions.server('-----BEGIN PRIVATE KEY-----\n', '-----BEGIN CERTIFICATE-----\n');
  t.equal(c.connectToHost('127.0.0.1', 443, serverOptions), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(c.getStatus(), Status.DISCONNECTED);
  t.end();
});

t.test('connectToHost: an IP goes CONNECTING then CONNECTED; a name goes through RESOLVING', async (t) => {
  const { port } = await startHttpServer(t, (_req, res) => res.end());
  const byIp = client(t);
  t.equal(byIp.connectToHost('127.0.0.1', port), ErrorCode.OK);
  t.equal(byIp.getStatus(), Status.CONNECTING);
  t.equal(await connect(byIp), Status.CONNECTED);
  const byName = client(t);
  t.equal(byName.connectToHost('http://localhost', port), ErrorCode.OK);
  t.equal(byName.getStatus(), Status.RESOLVING);
  t.equal(await connect(byName), Status.CONNECTED, 'localhost resolves; an unreachable ::1 falls through to 127.0.0.1');
});

t.test('connectToHost: a closed port ends in CANT_CONNECT and poll returns ERR_CANT_CONNECT', async (t) => {
  const { port } = await startRawServer(t, () => {});
  const c = client(t);
  // A port that was just released: nothing listens there.
  const free = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  t.not(free, port);
  t.equal(c.connectToHost('127.0.0.1', free), ErrorCode.OK);
  t.equal(await connect(c), Status.CANT_CONNECT);
  t.equal(c.poll(), ErrorCode.ERR_CANT_CONNECT);
});

t.test('connectToHost: an unresolvable name ends in CANT_RESOLVE', async (t) => {
  const c = client(t);
  t.equal(c.connectToHost('scenenet-test.invalid', 80), ErrorCode.OK);
  t.equal(c.getStatus(), Status.RESOLVING);
  t.equal(await connect(c), Status.CANT_RESOLVE);
  t.equal(c.poll(), ErrorCode.ERR_CANT_RESOLVE);
});

t.test('request: guards return ERR_INVALID_PARAMETER (not connected, bad URL, bad header, bad method)', async (t) => {
  const c = new HTTPClient();
  t.equal(c.request(Method.GET, '/'), ErrorCode.ERR_INVALID_PARAMETER, 'not connected');
  const { port } = await startHttpServer(t, (_req, res) => res.end());
  t.teardown(() => c.close());
  c.connectToHost('127.0.0.1', port);
  await connect(c);
  t.equal(c.request(Method.GET, 'no-slash'), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(c.request(Method.GET, '/', ['']), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(c.request(Method.GET, '/', ['NoColon']), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(c.request(Method.GET, '/', ['Bad Name\u0001: x']), ErrorCode.ERR_INVALID_PARAMETER, 'Node rejects the header');
  t.equal(c.request(99 as Method, '/'), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(c.request(Method.CONNECT, 'example.com:443'), ErrorCode.ERR_UNAVAILABLE, 'Divergence: no raw tunnels');
  t.equal(c.getStatus(), Status.CONNECTED, 'a refused request changes nothing');
});

t.test('request: content-length body, headers, default request headers', async (t) => {
  const { port } = await startHttpServer(t, (req, res) => {
    res.setHeader('X-Echo-Host', req.headers.host ?? '');
    res.setHeader('X-Echo-Agent', req.headers['user-agent'] ?? '');
    res.setHeader('X-Echo-Accept', req.headers.accept ?? '');
    res.end('hello');
  });
  const c = client(t);
  c.connectToHost('127.0.0.1', port);
  await connect(c);
  t.equal(c.request(Method.GET, '/x'), ErrorCode.OK);
  t.equal(c.getStatus(), Status.REQUESTING);
  t.equal(await fetchBody(c), 'hello');
  t.equal(c.getStatus(), Status.CONNECTED);
  t.ok(c.hasResponse());
  t.equal(c.getResponseCode(), 200);
  t.equal(c.getResponseBodyLength(), 5);
  t.equal(c.isResponseChunked(), false);
  const dict = c.getResponseHeadersAsDictionary();
  t.equal(dict['X-Echo-Host'], `127.0.0.1:${port}`);
  t.match(dict['X-Echo-Agent'], /scenenet/);
  t.equal(dict['X-Echo-Accept'], '*/*');
  t.ok(c.getResponseHeaders().includes('Content-Length: 5'));
});

t.test('request: chunked response is read whole; isResponseChunked, length -1', async (t) => {
  const { port } = await startHttpServer(t, (_req, res) => {
    res.write('a'.repeat(1000));
    setTimeout(() => res.end('b'.repeat(500)), 5);
  });
  const c = client(t);
  c.connectToHost('127.0.0.1', port);
  await connect(c);
  c.request(Method.GET, '/');
  await pollUntil(
    () => c.poll(),
    () => c.getStatus() !== Status.REQUESTING,
  );
  t.equal(c.getStatus(), Status.BODY);
  t.equal(c.isResponseChunked(), true);
  t.equal(c.getResponseBodyLength(), -1);
  const body = await fetchBody(c);
  t.equal(body, 'a'.repeat(1000) + 'b'.repeat(500));
  t.equal(c.getStatus(), Status.CONNECTED);
});

t.test('request: keep-alive serves several requests on one connection', async (t) => {
  const server = await startHttpServer(t, (req, res) => res.end(`got ${req.method} ${req.url}`));
  const c = client(t);
  c.connectToHost('127.0.0.1', server.port);
  await connect(c);
  for (const [method, name] of [
    [Method.GET, 'GET'],
    [Method.PUT, 'PUT'],
    [Method.DELETE, 'DELETE'],
  ] as const) {
    t.equal(c.request(method, `/${name}`), ErrorCode.OK);
    t.equal(await fetchBody(c), `got ${name} /${name}`);
    t.equal(c.getStatus(), Status.CONNECTED);
  }
  t.equal(server.connections(), 1, 'one TCP connection for three requests');
});

t.test('request: POST body with custom headers; Content-Length is added', async (t) => {
  const { port } = await startHttpServer(t, (req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () =>
      res.end(JSON.stringify({ body, type: req.headers['content-type'], len: req.headers['content-length'], x: req.headers['x-custom'] })),
    );
  });
  const c = client(t);
  c.connectToHost('127.0.0.1', port);
  await connect(c);
  const payload = JSON.stringify({ name: 'ünïcode' });
  t.equal(c.request(Method.POST, '/post', ['Content-Type: application/json', 'X-Custom: yes'], payload), ErrorCode.OK);
  const echo = JSON.parse(await fetchBody(c)) as Record<string, string>;
  t.same(echo, { body: payload, type: 'application/json', len: String(Buffer.byteLength(payload)), x: 'yes' });
});

t.test('request: HEAD has a zero-length body', async (t) => {
  const { port } = await startHttpServer(t, (_req, res) => {
    res.setHeader('Content-Length', '1234');
    res.end();
  });
  const c = client(t);
  c.connectToHost('127.0.0.1', port);
  await connect(c);
  c.request(Method.HEAD, '/');
  t.equal(await fetchBody(c), '');
  t.equal(c.getResponseBodyLength(), 0);
  t.equal(c.getStatus(), Status.CONNECTED);
});

t.test('readChunkSize: chunks never exceed it; the setter rejects values outside 256 … 16 MiB', async (t) => {
  const big = Buffer.alloc(100_000, 7);
  const { port } = await startHttpServer(t, (_req, res) => res.end(big));
  const c = client(t);
  c.readChunkSize = 1024;
  t.equal(c.readChunkSize, 1024);
  const err = t.throws(() => (c.readChunkSize = 10)) as unknown;
  t.ok(MultiplayerError.is(err) && err.code === ErrorCode.ERR_INVALID_PARAMETER);
  c.connectToHost('127.0.0.1', port);
  await connect(c);
  c.request(Method.GET, '/');
  await pollUntil(
    () => c.poll(),
    () => c.getStatus() !== Status.REQUESTING,
  );
  let total = 0;
  let largest = 0;
  await pollUntil(
    () => {
      c.poll();
      const chunk = c.readResponseBodyChunk();
      total += chunk.length;
      largest = Math.max(largest, chunk.length);
    },
    () => c.getStatus() !== Status.BODY,
  );
  t.equal(total, big.length);
  t.ok(largest <= 1024 && largest > 0, `largest chunk ${largest}`);
});

t.test('close: a response that announced Connection: close ends DISCONNECTED; an idle drop is CONNECTION_ERROR', async (t) => {
  const { port, sockets } = await startHttpServer(t, (req, res) => {
    if (req.url === '/close') res.setHeader('Connection', 'close');
    res.end('x');
  });
  const c = client(t);
  c.connectToHost('127.0.0.1', port);
  await connect(c);
  c.request(Method.GET, '/close');
  t.equal(await fetchBody(c), 'x');
  await pollUntil(
    () => c.poll(),
    () => c.getStatus() !== Status.CONNECTED,
  );
  t.equal(c.getStatus(), Status.DISCONNECTED, 'Divergence from Godot: an announced close is not an error');

  c.connectToHost('127.0.0.1', port);
  await connect(c);
  c.request(Method.GET, '/');
  t.equal(await fetchBody(c), 'x');
  await pollUntil(
    () => c.poll(),
    () => sockets.size > 0,
  );
  for (const s of sockets) s.destroy();
  await pollUntil(
    () => c.poll(),
    () => c.getStatus() !== Status.CONNECTED,
  );
  t.equal(c.getStatus(), Status.CONNECTION_ERROR);
  t.equal(c.poll(), ErrorCode.ERR_CONNECTION_ERROR);
});

t.test('readResponseBodyChunk: a body without length on a closing connection is read until EOF', async (t) => {
  const { port } = await startRawServer(t, (s) => {
    s.once('data', () => s.end('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end'));
  });
  const c = client(t);
  c.connectToHost('127.0.0.1', port);
  await connect(c);
  c.request(Method.GET, '/');
  t.equal(await fetchBody(c), 'until the end');
  t.equal(c.getResponseBodyLength(), -1);
  t.equal(c.getStatus(), Status.DISCONNECTED, 'Godot: STATUS_DISCONNECTED once the server closed');
});

t.test("request: against Python's http.server (HTTP/1.0, closes after each response)", async (t) => {
  const page = 'served by python\n'.repeat(200);
  const port = await startPythonServer(t, { 'page.txt': page });
  const c = client(t);
  c.connectToHost('127.0.0.1', port);
  t.equal(await connect(c), Status.CONNECTED);
  c.request(Method.GET, '/page.txt');
  t.equal(await fetchBody(c), page);
  t.equal(c.getResponseCode(), 200);
  t.equal(c.getResponseBodyLength(), page.length);
  c.connectToHost('127.0.0.1', port);
  await connect(c);
  c.request(Method.GET, '/missing.txt');
  await fetchBody(c);
  t.equal(c.getResponseCode(), 404);
});

t.test('queryStringFromDict: arrays repeat the key, null gives a bare key, values are uri-encoded', (t) => {
  t.equal(
    queryStringFromDict({ username: 'user', password: 'pass', remember: true, n: 3 }),
    'username=user&password=pass&remember=true&n=3',
  );
  t.equal(
    queryStringFromDict({ single: 123, not_valued: null, multiple: [22, 33, 44] }),
    'single=123&not_valued&multiple=22&multiple=33&multiple=44',
  );
  t.equal(queryStringFromDict({ 'a b': "x&y=z!'()*~" }), 'a%20b=x%26y%3Dz%21%27%28%29%2A~');
  t.equal(new HTTPClient().queryStringFromDict(new Map([['k', 'v']])), 'k=v');
  t.equal(queryStringFromDict({}), '');
  t.end();
});

t.test('queryStringFromDict: property: URLSearchParams reads back every key and value', (t) => {
  fc.assert(
    fc.property(
      fc.dictionary(fc.string({ minLength: 1 }), fc.oneof(fc.string(), fc.integer(), fc.array(fc.string(), { maxLength: 3 }))),
      (dict) => {
        const parsed = [...new URLSearchParams(queryStringFromDict(dict)).entries()];
        const expected = Object.entries(dict).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, String(v)]]));
        t.same(parsed, expected);
      },
    ),
    { numRuns: 200 },
  );
  t.end();
});

t.test('poll: socket events only queue; the status moves only inside poll()', async (t) => {
  let answered = false;
  const server = await startHttpServer(t, (_req, res) => res.end('queued', () => (answered = true)));
  const c = client(t);
  c.connectToHost('127.0.0.1', server.port);
  while (server.connections() === 0) await tick();
  await new Promise((r) => setTimeout(r, 20));
  t.equal(c.getStatus(), Status.CONNECTING, 'the server accepted, but nothing moves without poll()');
  t.equal(await connect(c), Status.CONNECTED);
  c.request(Method.GET, '/');
  while (!answered) await tick();
  await new Promise((r) => setTimeout(r, 20));
  t.equal(c.getStatus(), Status.REQUESTING, 'the answer was sent, but waits for poll()');
  t.equal(c.hasResponse(), false);
  await pollUntil(
    () => c.poll(),
    () => c.getStatus() !== Status.REQUESTING,
  );
  t.equal(c.getStatus(), Status.BODY);
  t.equal(c.getResponseCode(), 200);
});
