/**
 * One HTTPClient core, two transports: every case here runs on the Node socket client and on the
 * fetch client against the same real server, so options, guards, timeouts and the end of a body
 * cannot drift apart between them.
 */
import type net from 'node:net';
import t, { type Test } from 'tap';
import { ErrorCode, ManualClock, MemoryLogger, MultiplayerError } from '../../../core/index.js';
import { FetchHTTPClient, HTTPClient, type HTTPClientBackend, Method, Status } from '../../../plugins/http/index.js';
import { connect, endlessBody, fetchBody, pollUntil, startHttpServer, startRawServer, tick } from './servers.js';

interface Options {
  clock?: ManualClock;
  logger?: MemoryLogger;
  readTimeoutMs?: number;
}

const transports: Array<[name: string, make: (options: Options) => HTTPClientBackend]> = [
  ['sockets', (options) => new HTTPClient(options)],
  ['fetch', (options) => new FetchHTTPClient(options)],
];

/** A client of each kind, CONNECTED to `port`, closed at teardown. */
async function connected(t: Test, make: (options: Options) => HTTPClientBackend, port: number, options: Options = {}) {
  const c = make(options);
  t.teardown(() => c.close());
  t.equal(c.connectToHost('127.0.0.1', port), ErrorCode.OK);
  t.equal(await connect(c), Status.CONNECTED);
  return c;
}

/** A raw server that answers the first request with `head` and hands the socket to the test. */
async function drivenServer(t: Test, head: string) {
  let socket: net.Socket | null = null;
  const server = await startRawServer(t, (s) =>
    s.once('data', () => {
      socket = s;
      s.write(head);
    }),
  );
  return { port: server.port, answered: () => socket !== null, send: (text: string) => socket!.write(text), end: () => socket!.end() };
}

for (const [name, make] of transports) {
  t.test(`${name}: request guards are the core's (not connected, URL, header, method, CONNECT)`, async (t) => {
    const { port } = await startHttpServer(t, (_req, res) => res.end('x'));
    const idle = make({});
    t.equal(idle.requestRaw(Method.GET, '/', [], new Uint8Array(0)), ErrorCode.ERR_INVALID_PARAMETER, 'not connected');
    const c = await connected(t, make, port);
    const raw = (method: Method, url: string, headers: string[] = []) => c.requestRaw(method, url, headers, new Uint8Array(0));
    t.equal(raw(Method.GET, 'no-slash'), ErrorCode.ERR_INVALID_PARAMETER);
    t.equal(raw(Method.GET, '/', ['']), ErrorCode.ERR_INVALID_PARAMETER);
    t.equal(raw(Method.GET, '/', ['NoColon']), ErrorCode.ERR_INVALID_PARAMETER);
    t.equal(raw(99 as Method, '/'), ErrorCode.ERR_INVALID_PARAMETER);
    t.equal(raw(Method.CONNECT, 'example.com:443'), ErrorCode.ERR_UNAVAILABLE);
    t.equal(c.getStatus(), Status.CONNECTED, 'a refused request changes nothing');
    t.equal(raw(Method.GET, '/'), ErrorCode.OK);
    t.equal(await fetchBody(c), 'x');
  });

  t.test(`${name}: readChunkSize bounds every chunk; the setter refuses values outside 256 … 16 MiB`, async (t) => {
    const { port } = await startHttpServer(t, (_req, res) => res.end(Buffer.alloc(50_000, 7)));
    const c = await connected(t, make, port);
    const err = t.throws(() => (c.readChunkSize = 255)) as unknown;
    t.ok(MultiplayerError.is(err) && err.code === ErrorCode.ERR_INVALID_PARAMETER);
    c.readChunkSize = 1000;
    c.requestRaw(Method.GET, '/', [], new Uint8Array(0));
    let total = 0;
    let largest = 0;
    await pollUntil(
      () => {
        c.poll();
        if (c.getStatus() !== Status.BODY) return;
        const n = c.readResponseBodyChunk().length;
        total += n;
        largest = Math.max(largest, n);
      },
      () => c.getStatus() !== Status.REQUESTING && c.getStatus() !== Status.BODY,
    );
    t.same([total, largest, c.getStatus(), c.getResponseCode()], [50_000, 1000, Status.CONNECTED, 200]);
  });

  t.test(`${name}: readTimeoutMs is an idle timeout: a byte every 0.9 s lives, 1 s of silence ends it`, async (t) => {
    const clock = new ManualClock();
    const logger = new MemoryLogger();
    const server = await drivenServer(t, 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n');
    const c = await connected(t, make, server.port, { clock, logger, readTimeoutMs: 1000 });
    c.requestRaw(Method.GET, '/', [], new Uint8Array(0));
    await pollUntil(
      () => c.poll(),
      () => c.getStatus() === Status.BODY,
    );
    let body = '';
    for (let i = 0; i < 5; i++) {
      clock.advance(900);
      server.send(String(i));
      await pollUntil(
        () => {
          c.poll();
          if (c.getStatus() === Status.BODY) body += Buffer.from(c.readResponseBodyChunk()).toString();
        },
        () => body.length === i + 1 || c.getStatus() !== Status.BODY,
      );
    }
    t.same([body, c.getStatus()], ['01234', Status.BODY], '4.5 s on the clock, never 1 s of silence');
    clock.advance(1000);
    c.poll();
    t.equal(c.getStatus(), Status.BODY, 'not before the timeout');
    clock.advance(1);
    t.equal(c.poll(), ErrorCode.ERR_CONNECTION_ERROR);
    t.match(
      logger.at(2).map((e) => e.message),
      [/no progress for 1000 ms \(read timeout\)/],
    );
  });

  t.test(`${name}: a Content-Length body, then the server closes: CONNECTED with the code after the last chunk`, async (t) => {
    const server = await startRawServer(t, (s) => s.once('data', () => s.end('HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello')));
    const c = await connected(t, make, server.port);
    c.requestRaw(Method.GET, '/', [], new Uint8Array(0));
    t.equal(await fetchBody(c), 'hello');
    t.same([c.getStatus(), c.getResponseCode(), c.getResponseBodyLength()], [Status.CONNECTED, 200, 5]);
  });

  t.test(`${name}: a body without a length on a closing connection is read to its end, then DISCONNECTED`, async (t) => {
    const server = await startRawServer(t, (s) => s.once('data', () => s.end('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end')));
    const c = await connected(t, make, server.port);
    c.requestRaw(Method.GET, '/', [], new Uint8Array(0));
    t.equal(await fetchBody(c), 'until the end');
    t.equal(c.getStatus(), Status.DISCONNECTED);
  });

  t.test(`${name}: an unread endless body is paused (the server cannot flush without bound); reading resumes it`, async (t) => {
    let flushed = 0;
    const server = await startRawServer(t, (s) => endlessBody(s, (bytes) => (flushed = bytes)));
    const c = await connected(t, make, server.port);
    c.readChunkSize = 4096;
    c.requestRaw(Method.GET, '/', [], new Uint8Array(0));
    await pollUntil(
      () => c.poll(),
      () => c.getStatus() === Status.BODY,
    );
    for (let i = 0; i < 200; i++) {
      c.poll();
      await tick();
    }
    t.ok(flushed < 32 << 20, `unread, the server could only flush ${flushed} bytes`);
    let got = 0;
    await pollUntil(
      () => {
        c.poll();
        got += c.readResponseBodyChunk().length;
      },
      () => got > 1 << 20,
    );
    t.equal(c.getStatus(), Status.BODY, 'still streaming after reading 1 MiB');
  });

  t.test(`${name}: close() mid-response silences it; the client connects and requests again`, async (t) => {
    const server = await drivenServer(t, 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst');
    const c = await connected(t, make, server.port);
    c.requestRaw(Method.GET, '/', [], new Uint8Array(0));
    await pollUntil(
      () => c.poll(),
      () => server.answered(),
    );
    c.close();
    server.send('more bytes after the close');
    server.end();
    for (let i = 0; i < 20; i++) {
      t.equal(c.poll(), ErrorCode.ERR_UNCONFIGURED);
      await tick();
    }
    t.same([c.getStatus(), c.hasResponse(), c.getResponseCode()], [Status.DISCONNECTED, false, 0]);
    const again = await startHttpServer(t, (_req, res) => res.end('second'));
    t.equal(c.connectToHost('127.0.0.1', again.port), ErrorCode.OK);
    t.equal(await connect(c), Status.CONNECTED);
    c.requestRaw(Method.GET, '/', [], new Uint8Array(0));
    t.equal(await fetchBody(c), 'second');
  });
}
