import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Container } from 'inversify';
import t from 'tap';
import { ErrorCode, MemoryLogger, TOKENS, coreModule } from '../../../core/index.js';
import * as browser from '../../../plugins/http/index.browser.js';
import { HTTPClient as NodeHTTPClient, httpModule } from '../../../plugins/http/index.js';
import { completion, treeWith } from './request-helpers.js';
import { connect, selfSignedCert, startHttpServer, startHttpsServer, startPythonServer } from './servers.js';

const { HTTPRequest, HTTPClient, FetchHTTPClient, Method, Result, Status } = browser;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Every module reachable from `entry` through relative imports, with its bare imports. */
function importGraph(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    const source = readFileSync(file, 'utf8');
    const specs = [...source.matchAll(/^\s*(?:import|export)[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);
    seen.set(
      file,
      specs.filter((s) => !s.startsWith('.')),
    );
    for (const s of specs.filter((x) => x.startsWith('.'))) visit(join(dirname(file), s.replace(/\.js$/, '.ts')));
  };
  visit(entry);
  return seen;
}

t.test('browser build: no node:* module is reachable from index.browser.ts', (t) => {
  const graph = importGraph(join(root, 'plugins/http/index.browser.ts'));
  const offenders = [...graph].filter(([, bare]) => bare.some((b) => b.startsWith('node:'))).map(([f]) => f);
  t.same(offenders, []);
  t.ok(graph.size > 5, `${graph.size} modules checked`);
  t.end();
});

t.test('browser HTTPClient: connectToHost returns ERR_UNAVAILABLE and says why', (t) => {
  const logger = new MemoryLogger();
  const c = new HTTPClient({ logger });
  t.equal(c.connectToHost('example.com', 80), ErrorCode.ERR_UNAVAILABLE);
  t.match(logger.at(3)[0]?.message, /raw TCP sockets.*HTTPRequest/);
  t.equal(c.getStatus(), Status.DISCONNECTED);
  t.equal(c.poll(), ErrorCode.ERR_UNCONFIGURED);
  t.equal(c.request(Method.GET, '/'), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(c.queryStringFromDict({ a: 1 }), 'a=1');
  t.end();
});

t.test('browser HTTPRequest (fetch): JSON GET, POST with headers, gzip inflated by fetch, 404', async (t) => {
  const server = await startHttpServer(t, (req, res) => {
    if (req.url === '/json') return void res.end('{"ok":true}');
    if (req.url === '/gzip') {
      res.setHeader('Content-Encoding', 'gzip');
      return void res.end(gzipSync('inflated by fetch'));
    }
    if (req.url === '/redirect') {
      res.writeHead(302, { Location: '/json' });
      return void res.end();
    }
    if (req.url === '/echo') {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      return void req.on('end', () => res.end(`${req.method} ${req.headers['x-token']} ${body}`));
    }
    res.writeHead(404);
    res.end('missing');
  });
  const { tree, node } = treeWith(t, new HTTPRequest());
  const base = `http://127.0.0.1:${server.port}`;
  node.request(`${base}/json`);
  let done = await completion(tree, node);
  t.same([done.result, done.code, JSON.parse(done.text)], [Result.SUCCESS, 200, { ok: true }]);
  node.request(`${base}/echo`, ['X-Token: t1', 'Content-Type: text/plain'], Method.POST, 'payload');
  done = await completion(tree, node);
  t.equal(done.text, 'POST t1 payload');
  node.request(`${base}/gzip`);
  done = await completion(tree, node);
  t.same([done.result, done.text], [Result.SUCCESS, 'inflated by fetch']);
  node.request(`${base}/redirect`);
  done = await completion(tree, node);
  t.same([done.result, done.code, done.text], [Result.SUCCESS, 200, '{"ok":true}'], 'fetch follows redirects itself');
  node.request(`${base}/nope`);
  done = await completion(tree, node);
  t.same([done.result, done.code, done.text], [Result.SUCCESS, 404, 'missing']);
  node.downloadFile = '/tmp/never-written';
  node.request(`${base}/json`);
  t.equal((await completion(tree, node)).result, Result.DOWNLOAD_FILE_CANT_OPEN);
});

t.test("browser HTTPRequest (fetch): Python's http.server; failures map to Result codes", async (t) => {
  const port = await startPythonServer(t, { 'list.json': '[1,2,3]' });
  const { key, cert } = await selfSignedCert();
  const tlsServer = await startHttpsServer(t, key, cert, (_req, res) => res.end('x'));
  const { tree, node } = treeWith(t, new HTTPRequest());
  node.request(`http://127.0.0.1:${port}/list.json`);
  const done = await completion(tree, node);
  t.same([done.result, JSON.parse(done.text)], [Result.SUCCESS, [1, 2, 3]]);
  node.request('http://scenenet-test.invalid/');
  t.equal((await completion(tree, node)).result, Result.CANT_RESOLVE, "Node's fetch names the cause; a browser says CONNECTION_ERROR");
  node.request(`https://localhost:${tlsServer.port}/`);
  t.equal((await completion(tree, node)).result, Result.TLS_HANDSHAKE_ERROR, 'the runtime trust store rejects a self-signed certificate');
});

t.test('FetchHTTPClient: polled use reads a body in readChunkSize pieces', async (t) => {
  const server = await startHttpServer(t, (_req, res) => res.end(Buffer.alloc(10_000, 3)));
  const c = new FetchHTTPClient();
  t.teardown(() => c.close());
  c.readChunkSize = 1000;
  t.equal(c.connectToHost('127.0.0.1', server.port), ErrorCode.OK);
  t.equal(c.getStatus(), Status.CONNECTED);
  t.equal(c.request(Method.GET, '/'), ErrorCode.OK);
  let total = 0;
  const deadline = Date.now() + 5000;
  while (c.getStatus() === Status.REQUESTING || c.getStatus() === Status.BODY) {
    c.poll();
    const chunk = c.readResponseBodyChunk();
    t.ok(chunk.length <= 1000);
    total += chunk.length;
    if (Date.now() > deadline) break;
    await new Promise((r) => setImmediate(r));
  }
  t.equal(total, 10_000);
  t.equal(c.getStatus(), Status.CONNECTED, 'known length: ready for another request');
});

t.test('httpModule: resolves HTTPClient on the container clock; unbindAll closes every client', async (t) => {
  const server = await startHttpServer(t, (_req, res) => res.end());
  const container = new Container();
  container.load(coreModule, httpModule);
  const a = container.get(NodeHTTPClient);
  const b = container.get(NodeHTTPClient);
  t.not(a, b, 'transient');
  a.connectToHost('127.0.0.1', server.port);
  t.equal(await connect(a), Status.CONNECTED);
  t.ok(container.isBound(TOKENS.Clock));
  await container.unbindAll();
  t.equal(a.getStatus(), Status.DISCONNECTED, 'closed on deactivation');
  const c2 = new Container();
  c2.load(coreModule, browser.httpModule);
  t.equal(c2.get(HTTPClient).connectToHost('x', 1), ErrorCode.ERR_UNAVAILABLE);
});
