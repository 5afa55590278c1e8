import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, deflateSync } from 'node:zlib';
import t, { type Test } from 'tap';
import { ErrorCode, MultiplayerError, TLSOptions } from '../../../core/index.js';
import { HTTPRequest, Method, Result, Status } from '../../../plugins/http/index.js';
import { completion, header, treeWith } from './request-helpers.js';
import { selfSignedCert, startHttpServer, startHttpsServer, startPythonServer, startRawServer, tick } from './servers.js';

/** One Node http server with every route the tests use. */
async function routes(t: Test) {
  return startHttpServer(t, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    switch (url.pathname) {
      case '/text':
        return void res.end('plain text');
      case '/chunked':
        res.write('part one, ');
        return void setTimeout(() => res.end('part two'), 5);
      case '/gzip':
        res.setHeader('Content-Encoding', 'gzip');
        return void res.end(gzipSync(`gzip for ${req.headers['accept-encoding']}`));
      case '/deflate':
        res.setHeader('Content-Encoding', 'deflate');
        return void res.end(deflateSync('deflated'));
      case '/bomb':
        res.setHeader('Content-Encoding', 'gzip');
        return void res.end(gzipSync(Buffer.alloc(1 << 20)));
      case '/corrupt':
        res.setHeader('Content-Encoding', 'gzip');
        return void res.end('not gzip at all');
      case '/redirect':
        res.writeHead(302, { Location: '/text' });
        return void res.end();
      case '/redirect-absolute':
        res.writeHead(301, { Location: `http://127.0.0.1:${url.searchParams.get('port')}/text` });
        return void res.end();
      case '/loop':
        res.writeHead(302, { Location: '/loop' });
        return void res.end();
      case '/missing':
        res.writeHead(404);
        return void res.end('no such thing');
      case '/slow':
        return void setTimeout(() => res.end('finally'), 200);
      case '/never':
        return;
      case '/big':
        return void res.end(Buffer.alloc(200_000, 1));
      case '/echo': {
        let body = '';
        req.on('data', (d: Buffer) => (body += d.toString()));
        return void req.on('end', () =>
          res.end(JSON.stringify({ method: req.method, body, type: req.headers['content-type'], token: req.headers['x-token'] })),
        );
      }
      default:
        res.writeHead(500);
        res.end();
    }
  });
}

t.test('request: ERR_UNCONFIGURED outside a tree; ERR_BUSY while busy; ERR_INVALID_PARAMETER for bad URLs', async (t) => {
  const loose = new HTTPRequest();
  t.equal(loose.request('http://127.0.0.1/'), ErrorCode.ERR_UNCONFIGURED);
  const server = await routes(t);
  const { tree, node } = treeWith(t, new HTTPRequest());
  t.equal(node.request('ftp://127.0.0.1/'), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(node.request('not a url'), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(node.request(`http://127.0.0.1:${server.port}/text`), ErrorCode.OK);
  t.equal(node.request(`http://127.0.0.1:${server.port}/text`), ErrorCode.ERR_BUSY);
  const done = await completion(tree, node);
  t.equal(done.result, Result.SUCCESS);
  t.equal(node.request(`http://127.0.0.1:${server.port}/text`), ErrorCode.OK, 'free again after completion');
  await completion(tree, node);
});

t.test('request: content-length body; headers; getBodySize and getDownloadedBytes', async (t) => {
  const server = await routes(t);
  const { tree, node } = treeWith(t, new HTTPRequest());
  node.request(`http://127.0.0.1:${server.port}/text`);
  const seen: Status[] = [];
  node.requestCompleted.connect(() => seen.push(node.getHttpClientStatus()));
  const done = await completion(tree, node);
  t.same([done.result, done.code, done.text], [Result.SUCCESS, 200, 'plain text']);
  t.equal(header(done.headers, 'content-length'), '10');
  t.equal(node.getBodySize(), 10);
  t.equal(node.getDownloadedBytes(), 10);
  t.same(seen, [Status.DISCONNECTED], 'the client is closed when the signal fires');
});

t.test('request: chunked body', async (t) => {
  const server = await routes(t);
  const { tree, node } = treeWith(t, new HTTPRequest());
  node.request(`http://127.0.0.1:${server.port}/chunked`);
  const done = await completion(tree, node);
  t.same([done.result, done.text], [Result.SUCCESS, 'part one, part two']);
  t.equal(node.getBodySize(), -1);
});

t.test('acceptGzip: gzip and deflate bodies are inflated; off, the raw bytes arrive', async (t) => {
  const server = await routes(t);
  const { tree, node } = treeWith(t, new HTTPRequest());
  node.request(`http://127.0.0.1:${server.port}/gzip`);
  let done = await completion(tree, node);
  t.same([done.result, done.text], [Result.SUCCESS, 'gzip for gzip, deflate']);
  node.request(`http://127.0.0.1:${server.port}/deflate`);
  done = await completion(tree, node);
  t.same([done.result, done.text], [Result.SUCCESS, 'deflated']);
  node.acceptGzip = false;
  node.request(`http://127.0.0.1:${server.port}/gzip`);
  done = await completion(tree, node);
  t.equal(done.result, Result.SUCCESS);
  t.same([...done.body.subarray(0, 2)], [0x1f, 0x8b], 'gzip magic: not inflated');
});

t.test('acceptGzip: a corrupt body gives BODY_DECOMPRESS_FAILED; a bomb past bodySizeLimit gives BODY_SIZE_LIMIT_EXCEEDED', async (t) => {
  const server = await routes(t);
  const { tree, node } = treeWith(t, new HTTPRequest());
  node.request(`http://127.0.0.1:${server.port}/corrupt`);
  t.equal((await completion(tree, node)).result, Result.BODY_DECOMPRESS_FAILED);
  node.bodySizeLimit = 64 * 1024;
  node.request(`http://127.0.0.1:${server.port}/bomb`);
  const done = await completion(tree, node);
  t.equal(done.result, Result.BODY_SIZE_LIMIT_EXCEEDED);
  t.ok(node.getDownloadedBytes() < 64 * 1024, '1 MiB of zeros arrives as about 1 KiB');
});

t.test('bodySizeLimit: a larger Content-Length is refused up front', async (t) => {
  const server = await routes(t);
  const { tree, node } = treeWith(t, new HTTPRequest());
  node.bodySizeLimit = 1000;
  t.equal(node.bodySizeLimit, 1000);
  node.request(`http://127.0.0.1:${server.port}/big`);
  const done = await completion(tree, node);
  t.equal(done.result, Result.BODY_SIZE_LIMIT_EXCEEDED);
  t.equal(done.body.length, 0);
});

t.test('maxRedirects: relative and absolute redirects are followed; a loop ends in REDIRECT_LIMIT_REACHED', async (t) => {
  const server = await routes(t);
  const { tree, node } = treeWith(t, new HTTPRequest());
  node.request(`http://127.0.0.1:${server.port}/redirect`);
  let done = await completion(tree, node);
  t.same([done.result, done.code, done.text], [Result.SUCCESS, 200, 'plain text']);
  node.request(`http://127.0.0.1:${server.port}/redirect-absolute?port=${server.port}`);
  done = await completion(tree, node);
  t.same([done.result, done.text], [Result.SUCCESS, 'plain text']);
  node.maxRedirects = 3;
  node.request(`http://127.0.0.1:${server.port}/loop`);
  done = await completion(tree, node);
  t.same([done.result, done.code], [Result.REDIRECT_LIMIT_REACHED, 302]);
  node.maxRedirects = 0;
  node.request(`http://127.0.0.1:${server.port}/redirect`);
  t.equal((await completion(tree, node)).result, Result.REDIRECT_LIMIT_REACHED);
});

t.test('request: a 404 is a SUCCESS with response code 404 (as in Godot)', async (t) => {
  const server = await routes(t);
  const { tree, node } = treeWith(t, new HTTPRequest());
  node.request(`http://127.0.0.1:${server.port}/missing`);
  const done = await completion(tree, node);
  t.same([done.result, done.code, done.text], [Result.SUCCESS, 404, 'no such thing']);
});

t.test('timeout: a slow server ends in TIMEOUT on the injected clock; no timeout waits it out', async (t) => {
  const server = await routes(t);
  const { tree, clock, node } = treeWith(t, new HTTPRequest());
  node.timeout = 2;
  node.request(`http://127.0.0.1:${server.port}/never`);
  for (let i = 0; i < 10; i++) {
    tree.processFrame(1 / 60);
    await tick();
  }
  t.equal(node.getHttpClientStatus(), Status.REQUESTING);
  clock.advance(2000);
  const done = await completion(tree, node);
  t.same([done.result, done.code], [Result.TIMEOUT, 0]);
  node.timeout = 0;
  node.request(`http://127.0.0.1:${server.port}/slow`);
  t.same((await completion(tree, node)).text, 'finally');
  const err = t.throws(() => (node.timeout = -1)) as unknown;
  t.ok(MultiplayerError.is(err) && err.code === ErrorCode.ERR_INVALID_PARAMETER);
});

t.test('request: POST with JSON and custom headers', async (t) => {
  const server = await routes(t);
  const { tree, node } = treeWith(t, new HTTPRequest());
  const json = JSON.stringify({ name: 'Godette', level: 3 });
  node.request(`http://127.0.0.1:${server.port}/echo`, ['Content-Type: application/json', 'X-Token: abc'], Method.POST, json);
  const done = await completion(tree, node);
  t.same(JSON.parse(done.text), { method: 'POST', body: json, type: 'application/json', token: 'abc' });
  node.requestRaw(`http://127.0.0.1:${server.port}/echo`, [], Method.PUT, new Uint8Array([104, 105]));
  t.same(JSON.parse((await completion(tree, node)).text).body, 'hi');
});

t.test('cancelRequest: stops the request without a signal; the node can request again', async (t) => {
  const server = await routes(t);
  const { tree, node } = treeWith(t, new HTTPRequest());
  let fired = 0;
  node.requestCompleted.connect(() => fired++);
  node.request(`http://127.0.0.1:${server.port}/never`);
  tree.processFrame(1 / 60);
  node.cancelRequest();
  t.equal(node.getHttpClientStatus(), Status.DISCONNECTED);
  for (let i = 0; i < 5; i++) tree.processFrame(1 / 60);
  t.equal(fired, 0);
  node.request(`http://127.0.0.1:${server.port}/text`);
  t.equal((await completion(tree, node)).text, 'plain text');
});

t.test('request: connection failures map to Result codes', async (t) => {
  const raw = await startRawServer(t, (s) => s.destroy());
  const { tree, node } = treeWith(t, new HTTPRequest());
  node.request('http://scenenet-test.invalid/');
  t.equal((await completion(tree, node)).result, Result.CANT_RESOLVE);
  node.request(`http://127.0.0.1:${raw.port}/`);
  t.equal((await completion(tree, node)).result, Result.CONNECTION_ERROR);
  const { port } = raw;
  tree.root.removeChild(node);
  t.equal(node.request(`http://127.0.0.1:${port}/`), ErrorCode.ERR_UNCONFIGURED);
});

t.test('downloadFile: the body goes to the file (gzip inflated), the signal body is empty', async (t) => {
  const server = await routes(t);
  const dir = mkdtempSync(join(tmpdir(), 'scenenet-dl-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const { tree, node } = treeWith(t, new HTTPRequest());
  node.downloadFile = join(dir, 'big.bin');
  node.downloadChunkSize = 4096;
  t.equal(node.downloadChunkSize, 4096);
  node.request(`http://127.0.0.1:${server.port}/big`);
  let done = await completion(tree, node);
  t.same([done.result, done.body.length], [Result.SUCCESS, 0]);
  t.same(readFileSync(join(dir, 'big.bin')), Buffer.alloc(200_000, 1));
  node.downloadFile = join(dir, 'g.txt');
  node.request(`http://127.0.0.1:${server.port}/gzip`);
  done = await completion(tree, node);
  t.equal(done.result, Result.SUCCESS);
  t.equal(readFileSync(join(dir, 'g.txt'), 'utf8'), 'gzip for gzip, deflate');
  node.downloadFile = join(dir, 'no-such-dir', 'x');
  node.request(`http://127.0.0.1:${server.port}/text`);
  t.equal((await completion(tree, node)).result, Result.DOWNLOAD_FILE_CANT_OPEN);
});

t.test('properties: setters guarded while a request runs; setTlsOptions refuses server options', async (t) => {
  const server = await routes(t);
  const { tree, node } = treeWith(t, new HTTPRequest());
  t.equal(node.maxRedirects, 8);
  t.equal(node.bodySizeLimit, -1);
  t.equal(node.timeout, 0);
  t.equal(node.acceptGzip, true);
  t.equal(node.downloadChunkSize, 65536);
  node.request(`http://127.0.0.1:${server.port}/never`);
  tree.processFrame(1 / 60);
  const err = t.throws(() => (node.bodySizeLimit = 5)) as unknown;
  t.ok(MultiplayerError.is(err) && err.code === ErrorCode.ERR_BUSY);
  node.cancelRequest();
  const bad = t.throws(() =>
    node.setTlsOptions(TLSOptions.server('-----BEGIN PRIVATE KEY-----', '-----BEGIN CERTIFICATE-----')),
  ) as unknown;
  t.ok(MultiplayerError.is(bad) && bad.code === ErrorCode.ERR_INVALID_PARAMETER);
});

t.test('_exitTree: leaving the tree cancels the request', async (t) => {
  const server = await routes(t);
  const { tree, node } = treeWith(t, new HTTPRequest());
  node.request(`http://127.0.0.1:${server.port}/never`);
  tree.processFrame(1 / 60);
  tree.root.removeChild(node);
  t.equal(node.getHttpClientStatus(), Status.DISCONNECTED);
});

t.test("request: Python's http.server (a file and a 404)", async (t) => {
  const port = await startPythonServer(t, { 'servers.json': '{"servers":[]}' });
  const { tree, node } = treeWith(t, new HTTPRequest());
  node.request(`http://127.0.0.1:${port}/servers.json`);
  let done = await completion(tree, node);
  t.same([done.result, done.code, JSON.parse(done.text)], [Result.SUCCESS, 200, { servers: [] }]);
  node.request(`http://127.0.0.1:${port}/nope.json`);
  done = await completion(tree, node);
  t.same([done.result, done.code], [Result.SUCCESS, 404]);
});

t.test('setTlsOptions: HTTPS with a trusted self-signed certificate works; untrusted is TLS_HANDSHAKE_ERROR', async (t) => {
  const { key, cert } = await selfSignedCert();
  const server = await startHttpsServer(t, key, cert, (_req, res) => res.end('over tls'));
  const { tree, node } = treeWith(t, new HTTPRequest());
  node.request(`https://localhost:${server.port}/`);
  t.equal((await completion(tree, node)).result, Result.TLS_HANDSHAKE_ERROR, 'default TLSOptions.client(): system CAs');
  node.setTlsOptions(TLSOptions.client(cert));
  node.request(`https://localhost:${server.port}/`);
  const done = await completion(tree, node);
  t.same([done.result, done.text], [Result.SUCCESS, 'over tls']);
});

t.test('requestCompleted: fires only inside a process frame', async (t) => {
  const server = await routes(t);
  const { tree, node } = treeWith(t, new HTTPRequest());
  let fired = 0;
  let inFrame = false;
  let firedInFrame = false;
  node.requestCompleted.connect(() => {
    fired++;
    firedInFrame = inFrame;
  });
  node.request(`http://127.0.0.1:${server.port}/text`);
  for (let i = 0; i < 200 && fired === 0; i++) {
    inFrame = true;
    tree.processFrame(1 / 60);
    inFrame = false;
    for (let k = 0; k < 3; k++) await tick();
  }
  t.equal(fired, 1);
  t.ok(firedInFrame);
});

t.test('maxBodyBytes / maxBodyMs reach the HTTPClient: an endless body ends in CONNECTION_ERROR', async (t) => {
  const server = await startRawServer(t, (s) =>
    s.once('data', () => {
      s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
      const piece = `4000\r\n${'x'.repeat(0x4000)}\r\n`;
      const pump = (): void => {
        while (!s.destroyed) if (!s.write(piece)) return void s.once('drain', pump);
      };
      pump();
    }),
  );
  const bySize = treeWith(t, new HTTPRequest('bySize', { maxBodyBytes: 256 << 10 }));
  bySize.node.request(`http://127.0.0.1:${server.port}/`);
  t.same((await completion(bySize.tree, bySize.node)).result, Result.CONNECTION_ERROR);
  const got = bySize.node.getDownloadedBytes();
  t.ok(got > 0 && got <= 256 << 10, `read up to the limit, not past it (${got} bytes)`);

  const byTime = treeWith(t, new HTTPRequest('byTime', { maxBodyMs: 5000 }));
  byTime.node.request(`http://127.0.0.1:${server.port}/`);
  while (byTime.node.getDownloadedBytes() < 64 << 10) {
    byTime.tree.processFrame(1 / 60);
    await tick();
  }
  byTime.clock.advance(5001);
  t.same((await completion(byTime.tree, byTime.node)).result, Result.CONNECTION_ERROR);
});
