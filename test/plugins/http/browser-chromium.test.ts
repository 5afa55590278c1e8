import { existsSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import t from 'tap';
import { ErrorCode } from '../../../core/index.js';
import { Result } from '../../../plugins/http/index.browser.js';
import { CHROMIUM_PATH, openPage } from '../../helpers/browser.js';

const here = dirname(fileURLToPath(import.meta.url));

t.test(
  'browser build in headless Chromium: HTTPRequest on fetch (GET, POST, gzip, redirect, 404, errors)',
  { skip: !existsSync(CHROMIUM_PATH) && 'no chromium' },
  async (t) => {
    // esbuild fails on any node:* import reachable from the browser entry, so this also checks the build.
    const bundle = (
      await build({
        entryPoints: [join(here, 'browser-page.ts')],
        bundle: true,
        platform: 'browser',
        format: 'esm',
        target: 'es2022',
        write: false,
        logLevel: 'error',
      })
    ).outputFiles[0]!.text;
    const server = http.createServer((req, res) => {
      switch (req.url) {
        case '/index.html':
          return void res
            .writeHead(200, { 'Content-Type': 'text/html' })
            .end('<!doctype html><script type="module" src="/page.js"></script>');
        case '/page.js':
          return void res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(bundle);
        case '/api/json':
          return void res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"name":"4.3-stable"}');
        case '/api/gzip':
          return void res.writeHead(200, { 'Content-Encoding': 'gzip' }).end(gzipSync('inflated by the browser'));
        case '/api/redirect':
          return void res.writeHead(302, { Location: '/api/json' }).end();
        case '/api/echo': {
          let body = '';
          req.on('data', (d: Buffer) => (body += d.toString()));
          return void req.on('end', () => res.end(`${req.method} ${req.headers['x-token']} ${req.headers['content-type']} ${body}`));
        }
        default:
          return void res.writeHead(404).end('missing');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.teardown(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    const session = await openPage(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}/index.html`);
    t.teardown(() => session.close());
    const line = await session.waitForConsole((l) => l.startsWith('result ') || l.startsWith('pageerror'), 30_000);
    t.notOk(line.startsWith('pageerror'), line);
    const out = JSON.parse(line.slice('result '.length)) as Record<string, { err: number; result: number; code: number; text: string }> & {
      client: number;
    };
    t.match(out.json, { err: ErrorCode.OK, result: Result.SUCCESS, code: 200, text: '{"name":"4.3-stable"}' });
    t.match(out.post, { result: Result.SUCCESS, text: 'POST abc application/json {"a":1}' });
    t.match(out.gzip, { result: Result.SUCCESS, text: 'inflated by the browser' });
    t.match(out.redirect, { result: Result.SUCCESS, code: 200, text: '{"name":"4.3-stable"}' });
    t.match(out.missing, { result: Result.SUCCESS, code: 404, text: 'missing' });
    t.match(out.download, { result: Result.DOWNLOAD_FILE_CANT_OPEN });
    t.match(out.refused, { result: Result.CONNECTION_ERROR }, 'a browser does not say why fetch failed');
    t.equal(out.client, ErrorCode.ERR_UNAVAILABLE);
  },
);
