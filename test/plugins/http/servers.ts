/** Loopback servers and polling helpers for the http plugin's tests (not a test file). */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import selfsigned from 'selfsigned';
import { Status } from '../../../plugins/http/http-client-base.js';
import type { HTTPClientBackend } from '../../../plugins/http/index.js';

/** The part of a tap Test these helpers use. */
export interface Teardown {
  teardown(fn: () => unknown): void;
}

/** A started server: its port, and the sockets it accepted so far. */
export interface Started {
  readonly port: number;
  readonly sockets: Set<net.Socket>;
}

async function listen(t: Teardown, server: net.Server): Promise<Started> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s: net.Socket) => sockets.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return { port: (server.address() as net.AddressInfo).port, sockets };
}

/** Node's `http` server on 127.0.0.1, port 0. Accepted connections are counted in `connections`. */
export async function startHttpServer(t: Teardown, handler: http.RequestListener): Promise<Started & { connections: () => number }> {
  const server = http.createServer(handler);
  let count = 0;
  server.on('connection', () => count++);
  const started = await listen(t, server);
  return { ...started, connections: () => count };
}

/** Node's `https` server with the given key and certificate (PEM). */
export async function startHttpsServer(t: Teardown, key: string, cert: string, handler: http.RequestListener): Promise<Started> {
  return listen(t, https.createServer({ key, cert }, handler));
}

/** A raw TCP server for misbehaving peers: `onSocket` writes whatever it likes. */
export async function startRawServer(t: Teardown, onSocket: (socket: net.Socket) => void): Promise<Started> {
  const server = net.createServer((s) => {
    s.on('error', () => {});
    onSocket(s);
  });
  return listen(t, server);
}

/**
 * A raw server's behaviour: answers the first request with a chunked body that never ends, written as
 * fast as the socket takes it; `flushed` hears how many bytes the kernel has taken so far.
 */
export function endlessBody(s: net.Socket, flushed: (bytes: number) => void = () => {}): void {
  s.once('data', () => {
    s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
    const piece = `10000\r\n${'x'.repeat(0x10000)}\r\n`;
    const pump = (): void => {
      while (!s.destroyed) {
        if (!s.write(piece)) return void s.once('drain', pump);
        flushed(s.bytesWritten);
      }
    };
    pump();
  });
}

/** A self-signed certificate for `localhost` and 127.0.0.1 (EC P-256). */
export async function selfSignedCert(): Promise<{ key: string; cert: string }> {
  const r = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { key: r.private, cert: r.cert };
}

/** Python's `http.server` serving `files` from a temp dir; the port is read from its stdout. */
export async function startPythonServer(t: Teardown, files: Record<string, string | Uint8Array>): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'scenenet-http-'));
  const { writeFileSync } = await import('node:fs');
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
  const child = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill();
        rmSync(dir, { recursive: true, force: true });
      }),
  );
  return new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /port (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`python3 http.server exited with ${code}`)));
  });
}

/** One turn of the event loop, so sockets can work between polls. */
export function tick(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/** Polls until `done()`; fails after `timeoutMs` of real time (a safety net, not a timing assertion). */
export async function pollUntil(poll: () => void, done: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    poll();
    if (done()) return;
    if (Date.now() > deadline) throw new Error(`pollUntil: not satisfied within ${timeoutMs} ms`);
    await tick();
  }
}

/** Polls `client` until it leaves RESOLVING/CONNECTING; returns the status reached. */
export async function connect(client: HTTPClientBackend): Promise<Status> {
  await pollUntil(
    () => client.poll(),
    () => client.getStatus() !== Status.RESOLVING && client.getStatus() !== Status.CONNECTING,
  );
  return client.getStatus();
}

/** Polls until the request is answered; then reads the whole body; returns it as text. */
export async function fetchBody(client: HTTPClientBackend): Promise<string> {
  await pollUntil(
    () => client.poll(),
    () => client.getStatus() !== Status.REQUESTING,
  );
  const parts: Uint8Array[] = [];
  await pollUntil(
    () => {
      client.poll();
      if (client.getStatus() === Status.BODY) parts.push(client.readResponseBodyChunk());
    },
    () => client.getStatus() !== Status.BODY,
  );
  return Buffer.concat(parts).toString('utf8');
}
