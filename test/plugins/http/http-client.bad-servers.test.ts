import type net from 'node:net';
import t, { type Test } from 'tap';
import { ErrorCode, ManualClock, MemoryLogger } from '../../../core/index.js';
import { FetchHTTPClient, HTTPClient, Method, Status } from '../../../plugins/http/index.js';
import { connect, pollUntil, startRawServer, tick } from './servers.js';

/** A client on a manual clock, already CONNECTED to a raw server running `behave`. */
async function against(t: Test, behave: (s: net.Socket) => void, readTimeoutMs = 1000) {
  const clock = new ManualClock();
  const logger = new MemoryLogger();
  const server = await startRawServer(t, (s) => s.once('data', () => behave(s)));
  const c = new HTTPClient({ clock, logger, readTimeoutMs });
  t.teardown(() => c.close());
  c.connectToHost('127.0.0.1', server.port);
  t.equal(await connect(c), Status.CONNECTED);
  return { c, clock, logger, server };
}

/** Reads (and drops) body bytes until the status leaves REQUESTING/BODY. */
async function drainToEnd(c: HTTPClient): Promise<number> {
  let bytes = 0;
  await pollUntil(
    () => {
      c.poll();
      if (c.getStatus() === Status.BODY) bytes += c.readResponseBodyChunk().length;
    },
    () => c.getStatus() !== Status.REQUESTING && c.getStatus() !== Status.BODY,
  );
  return bytes;
}

t.test('lying Content-Length (fewer bytes, then close): CONNECTION_ERROR, logged once', async (t) => {
  const { c, logger } = await against(t, (s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789'));
  c.request(Method.GET, '/');
  t.equal(await drainToEnd(c), 10);
  t.equal(c.getStatus(), Status.CONNECTION_ERROR);
  t.equal(c.poll(), ErrorCode.ERR_CONNECTION_ERROR);
  t.equal(logger.at(2).length, 1, 'one warning');
});

t.test('lying Content-Length (fewer bytes, then silence): read timeout on the injected clock → CONNECTION_ERROR', async (t) => {
  const { c, clock } = await against(t, (s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789'));
  c.request(Method.GET, '/');
  let got = 0;
  await pollUntil(
    () => {
      c.poll();
      if (c.getStatus() === Status.BODY) got += c.readResponseBodyChunk().length;
    },
    () => got === 10,
  );
  for (let i = 0; i < 20; i++) {
    c.poll();
    await tick();
  }
  t.equal(c.getStatus(), Status.BODY, 'no real time passes on a manual clock: still waiting');
  clock.advance(1001);
  c.poll();
  t.equal(c.getStatus(), Status.CONNECTION_ERROR);
});

t.test('more bytes than Content-Length on a keep-alive connection: CONNECTION_ERROR', async (t) => {
  const { c } = await against(t, (s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcGARBAGE GARBAGE\r\n\r\n'));
  c.request(Method.GET, '/');
  await drainToEnd(c);
  await pollUntil(
    () => c.poll(),
    () => c.getStatus() !== Status.CONNECTED,
  );
  t.equal(c.getStatus(), Status.CONNECTION_ERROR);
});

t.test('broken chunk (size not hex): CONNECTION_ERROR', async (t) => {
  const { c } = await against(t, (s) => s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZ\r\nbroken\r\n'));
  c.request(Method.GET, '/');
  await drainToEnd(c);
  t.equal(c.getStatus(), Status.CONNECTION_ERROR);
});

t.test('broken chunk (truncated, then close): CONNECTION_ERROR, not a short success', async (t) => {
  const { c } = await against(t, (s) => s.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nshort'));
  c.request(Method.GET, '/');
  await drainToEnd(c);
  // Divergence from Godot: Godot reports STATUS_DISCONNECTED here, which HTTPRequest takes for success.
  t.equal(c.getStatus(), Status.CONNECTION_ERROR);
});

t.test('header flood: Node stops parsing past maxHeaderSize → CONNECTION_ERROR', async (t) => {
  let sent = 0;
  const { c } = await against(t, (s) => {
    s.write('HTTP/1.1 200 OK\r\n');
    const flood = (): void => {
      while (!s.destroyed && sent < 64 << 20) {
        sent += 1024;
        if (!s.write(`X-Flood: ${'f'.repeat(1012)}\r\n`)) return void s.once('drain', flood);
      }
    };
    flood();
  });
  c.request(Method.GET, '/');
  await drainToEnd(c);
  t.equal(c.getStatus(), Status.CONNECTION_ERROR);
  t.ok(sent < 64 << 20, `the flood was cut off (server queued ${sent} bytes)`);
});

t.test('header flood: a small maxHeaderSize option applies', async (t) => {
  const server = await startRawServer(t, (s) =>
    s.once('data', () => s.write(`HTTP/1.1 200 OK\r\nX-Big: ${'b'.repeat(3000)}\r\nContent-Length: 0\r\n\r\n`)),
  );
  const c = new HTTPClient({ maxHeaderSize: 1024 });
  t.teardown(() => c.close());
  c.connectToHost('127.0.0.1', server.port);
  await connect(c);
  c.request(Method.GET, '/');
  await drainToEnd(c);
  t.equal(c.getStatus(), Status.CONNECTION_ERROR);
});

t.test('a body that never ends: memory stays bounded while unread (the socket is paused), reading continues', async (t) => {
  let flushed = 0;
  const { c } = await against(t, (s) => {
    s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
    const piece = `10000\r\n${'x'.repeat(0x10000)}\r\n`;
    const pump = (): void => {
      while (!s.destroyed) {
        if (!s.write(piece)) return void s.once('drain', pump);
        flushed = s.bytesWritten;
      }
    };
    pump();
  });
  c.readChunkSize = 4096;
  c.request(Method.GET, '/');
  await pollUntil(
    () => c.poll(),
    () => c.getStatus() === Status.BODY,
  );
  const until = Date.now() + 300;
  while (Date.now() < until) {
    c.poll();
    await tick();
  }
  t.ok(flushed < 32 << 20, `unread, the server could only flush ${flushed} bytes (kernel buffers), not unbounded`);
  let got = 0;
  await pollUntil(
    () => {
      c.poll();
      got += c.readResponseBodyChunk().length;
    },
    () => got > 1 << 20,
  );
  t.equal(c.getStatus(), Status.BODY, 'still streaming after reading 1 MiB');
  c.close();
  t.equal(c.getStatus(), Status.DISCONNECTED);
});

t.test('a stalled connection (request sent, no answer): read timeout → CONNECTION_ERROR', async (t) => {
  const { c, clock } = await against(t, () => {}, 5000);
  c.request(Method.GET, '/');
  for (let i = 0; i < 10; i++) {
    c.poll();
    await tick();
  }
  t.equal(c.getStatus(), Status.REQUESTING);
  clock.advance(4999);
  c.poll();
  t.equal(c.getStatus(), Status.REQUESTING, 'not before the timeout');
  clock.advance(2);
  t.equal(c.poll(), ErrorCode.ERR_CONNECTION_ERROR);
  t.equal(c.getStatus(), Status.CONNECTION_ERROR);
});

t.test('a stalled TLS handshake: read timeout → TLS_HANDSHAKE_ERROR', async (t) => {
  const { TLSOptions } = await import('../../../core/index.js');
  const clock = new ManualClock();
  const server = await startRawServer(t, () => {});
  const c = new HTTPClient({ clock, readTimeoutMs: 1000 });
  t.teardown(() => c.close());
  c.connectToHost('127.0.0.1', server.port, TLSOptions.clientUnsafe());
  for (let i = 0; i < 20; i++) {
    c.poll();
    await tick();
  }
  t.equal(c.getStatus(), Status.CONNECTING, 'TCP is up, the handshake waits');
  clock.advance(1001);
  c.poll();
  t.equal(c.getStatus(), Status.TLS_HANDSHAKE_ERROR);
});

t.test('a server that closes without answering: CONNECTION_ERROR', async (t) => {
  const { c } = await against(t, (s) => s.destroy());
  c.request(Method.GET, '/');
  await drainToEnd(c);
  t.equal(c.getStatus(), Status.CONNECTION_ERROR);
});

t.test('garbage instead of a status line: CONNECTION_ERROR', async (t) => {
  const { c } = await against(t, (s) => s.write('SSH-2.0-OpenSSH\r\n\r\n'));
  c.request(Method.GET, '/');
  await drainToEnd(c);
  t.equal(c.getStatus(), Status.CONNECTION_ERROR);
});

t.test(
  'Content-Length response, then the server closes: CONNECTED with code 200 after the last chunk, as Godot; the next poll sees the close',
  async (t) => {
    // What Python's http.server does: an HTTP/1.0 response with a length, then FIN.
    const { c } = await against(t, (s) => s.end('HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello'));
    c.request(Method.GET, '/');
    await pollUntil(
      () => c.poll(),
      () => c.getStatus() !== Status.REQUESTING,
    );
    t.equal(c.getStatus(), Status.BODY);
    // Let the FIN arrive and be queued before the last chunk is read.
    for (let i = 0; i < 20; i++) await tick();
    c.poll();
    t.equal(c.getStatus(), Status.BODY, 'the close waits until the body has been read');
    let body = '';
    while (c.getStatus() === Status.BODY) body += Buffer.from(c.readResponseBodyChunk()).toString();
    t.equal(body, 'hello');
    t.equal(c.getStatus(), Status.CONNECTED, 'Godot: STATUS_CONNECTED right after the last chunk');
    t.equal(c.getResponseCode(), 200, 'the response code is kept');
    t.equal(c.hasResponse(), true);
    c.poll();
    t.equal(c.getStatus(), Status.DISCONNECTED, 'the next poll sees the announced close');
    t.equal(c.getResponseCode(), 0);
  },
);

/** A raw server the test drives by hand: it answers the request with `head`, then sends what `send` is given. */
async function drivenServer(t: Test, options: ConstructorParameters<typeof HTTPClient>[0], head: string) {
  let socket: net.Socket | null = null;
  const server = await startRawServer(t, (s) =>
    s.once('data', () => {
      socket = s;
      s.write(head);
    }),
  );
  const c = new HTTPClient(options);
  t.teardown(() => c.close());
  c.connectToHost('127.0.0.1', server.port);
  t.equal(await connect(c), Status.CONNECTED);
  c.request(Method.GET, '/');
  await pollUntil(
    () => c.poll(),
    () => socket !== null,
  );
  return { c, send: (text: string) => socket!.write(text) };
}

t.test('readTimeoutMs is an idle timeout: a byte every 0.9 s keeps a 1 s timeout alive for 9 s, head and body', async (t) => {
  const clock = new ManualClock();
  const { c, send } = await drivenServer(t, { clock, readTimeoutMs: 1000 }, 'HTTP/1.1 200 OK\r\n');
  // The head, a line at a time (REQUESTING): each arrival counts as progress.
  // A partial head is not observable, so each line gets 200 ms of real time to arrive before the clock moves.
  for (const line of ['Content-Length: 10\r\n', 'X-Slow: yes\r\n']) {
    clock.advance(900);
    send(line);
    const until = Date.now() + 200;
    while (Date.now() < until) {
      c.poll();
      await tick();
    }
    t.equal(c.getStatus(), Status.REQUESTING, `still waiting for the head after '${line.trim()}'`);
  }
  clock.advance(900);
  send('\r\n');
  await pollUntil(
    () => c.poll(),
    () => c.getStatus() !== Status.REQUESTING,
  );
  t.equal(c.getStatus(), Status.BODY);
  let body = '';
  for (let i = 0; i < 10; i++) {
    clock.advance(900);
    send(String(i));
    await pollUntil(
      () => {
        c.poll();
        if (c.getStatus() === Status.BODY) body += Buffer.from(c.readResponseBodyChunk()).toString();
      },
      () => body.length === i + 1 || c.getStatus() !== Status.BODY,
    );
  }
  t.equal(body, '0123456789', '9 s on the clock, never 1 s of silence');
  t.equal(c.getStatus(), Status.CONNECTED);
  t.equal(c.getResponseCode(), 200);
});

t.test('readTimeoutMs: a response head that stops half-way still times out', async (t) => {
  const clock = new ManualClock();
  const logger = new MemoryLogger();
  const { c, send } = await drivenServer(t, { clock, logger, readTimeoutMs: 1000 }, 'HTTP/1.1 200 OK\r\n');
  send('Content-Length: 10\r\n');
  for (let i = 0; i < 10; i++) {
    c.poll();
    await tick();
  }
  clock.advance(1001);
  c.poll();
  t.equal(c.getStatus(), Status.CONNECTION_ERROR);
  t.match(
    logger
      .at(2)
      .map((e) => e.message)
      .join('\n'),
    /read timeout/,
  );
});

/** A server whose chunked body never ends. */
function endlessBody(s: net.Socket): void {
  s.once('data', () => {
    s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
    const piece = `10000\r\n${'x'.repeat(0x10000)}\r\n`;
    const pump = (): void => {
      while (!s.destroyed) if (!s.write(piece)) return void s.once('drain', pump);
    };
    pump();
  });
}

t.test('maxBodyBytes: an endless body ends with CONNECTION_ERROR and one clear warning', async (t) => {
  const logger = new MemoryLogger();
  const server = await startRawServer(t, endlessBody);
  const c = new HTTPClient({ logger, maxBodyBytes: 1 << 20 });
  t.teardown(() => c.close());
  c.connectToHost('127.0.0.1', server.port);
  await connect(c);
  c.request(Method.GET, '/');
  t.equal((await drainToEnd(c)) <= 1 << 20, true, 'never more than the limit handed out');
  t.equal(c.getStatus(), Status.CONNECTION_ERROR);
  t.equal(c.poll(), ErrorCode.ERR_CONNECTION_ERROR);
  const warnings = logger.at(2).map((e) => e.message);
  t.equal(warnings.length, 1, 'logged once');
  t.match(warnings[0], /maxBodyBytes \(1048576 bytes\)/);
});

t.test('maxBodyMs: a body that trickles forever ends after the limit, though it never idles past readTimeoutMs', async (t) => {
  const clock = new ManualClock();
  const logger = new MemoryLogger();
  const { c, send } = await drivenServer(
    t,
    { clock, logger, readTimeoutMs: 1000, maxBodyMs: 5000 },
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
  );
  await pollUntil(
    () => c.poll(),
    () => c.getStatus() === Status.BODY,
  );
  let got = 0;
  for (let i = 0; i < 20 && c.getStatus() === Status.BODY; i++) {
    clock.advance(900);
    send('1\r\nx\r\n');
    await pollUntil(
      () => {
        c.poll();
        if (c.getStatus() === Status.BODY) got += c.readResponseBodyChunk().length;
      },
      () => got === i + 1 || c.getStatus() !== Status.BODY,
    );
  }
  t.equal(got, 5, 'bytes until 5 s of body time');
  t.equal(c.getStatus(), Status.CONNECTION_ERROR);
  const warnings = logger.at(2).map((e) => e.message);
  t.equal(warnings.length, 1, 'logged once');
  t.match(warnings[0], /maxBodyMs \(5000 ms\)/);
});

t.test('FetchHTTPClient maxBodyBytes: an endless body ends with CONNECTION_ERROR and one clear warning', async (t) => {
  const logger = new MemoryLogger();
  const server = await startRawServer(t, endlessBody);
  const c = new FetchHTTPClient({ logger, maxBodyBytes: 1 << 20 });
  t.teardown(() => c.close());
  c.connectToHost('127.0.0.1', server.port);
  c.request(Method.GET, '/');
  let bytes = 0;
  await pollUntil(
    () => {
      c.poll();
      if (c.getStatus() === Status.BODY) bytes += c.readResponseBodyChunk().length;
    },
    () => c.getStatus() !== Status.REQUESTING && c.getStatus() !== Status.BODY,
  );
  t.ok(bytes <= 1 << 20, `never more than the limit handed out (${bytes})`);
  t.equal(c.getStatus(), Status.CONNECTION_ERROR);
  const warnings = logger.at(2).map((e) => e.message);
  t.equal(warnings.length, 1, 'logged once');
  t.match(warnings[0], /maxBodyBytes \(1048576 bytes\)/);
});

t.test('FetchHTTPClient maxBodyMs: a body still streaming after the limit ends with CONNECTION_ERROR', async (t) => {
  const clock = new ManualClock();
  const logger = new MemoryLogger();
  const server = await startRawServer(t, endlessBody);
  const c = new FetchHTTPClient({ clock, logger, maxBodyMs: 5000 });
  t.teardown(() => c.close());
  c.connectToHost('127.0.0.1', server.port);
  c.request(Method.GET, '/');
  let bytes = 0;
  await pollUntil(
    () => {
      c.poll();
      if (c.getStatus() === Status.BODY) bytes += c.readResponseBodyChunk().length;
    },
    () => bytes > 1 << 20,
  );
  clock.advance(4999);
  c.poll();
  t.equal(c.getStatus(), Status.BODY, 'not before the limit');
  clock.advance(2);
  c.poll();
  t.equal(c.getStatus(), Status.CONNECTION_ERROR);
  t.match(
    logger.at(2).map((e) => e.message),
    [/maxBodyMs \(5000 ms\)/],
  );
});
