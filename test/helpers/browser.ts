/**
 * Headless Debian Chromium for interop tests, driven by playwright-core (no downloaded browsers).
 *
 * Usage:
 * ```ts
 * const server = await serveFiles({ '/index.html': html, '/test.js': bundle });
 * const session = await openPage(`${server.url}/index.html`);
 * t.teardown(async () => { await session.close(); await server.close(); });
 * await session.waitForConsole((line) => line.startsWith('done'));
 * ```
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Path of the Debian chromium binary. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags that keep chromium headless, offline and quiet in a container. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A local static HTTP server on 127.0.0.1, port 0. */
export interface StaticServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
};

function contentType(path: string): string {
  const dot = path.lastIndexOf('.');
  return (dot >= 0 ? TYPES[path.slice(dot)] : undefined) ?? 'application/octet-stream';
}

/** Serves `files` (URL path → content) from memory on an ephemeral port. Unknown paths get 404. */
export async function serveFiles(files: Record<string, string | Uint8Array>): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const body = files[path];
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': contentType(path), 'cache-control': 'no-store' }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An open page in a fresh headless chromium, with its console output collected. */
export interface BrowserSession {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Every console message (`type: text`) and uncaught page error (`pageerror: …`), in order. */
  readonly console: string[];
  /** Resolves with the first console line (already seen or future) matching `pred`; rejects on timeout. */
  waitForConsole(pred: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Closes the page and the browser and removes the temporary profile. */
  close(): Promise<void>;
}

/** Launches chromium with an empty temporary profile and opens `url`. */
export async function openPage(url: string): Promise<BrowserSession> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'scenenet-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  const push = (line: string): void => {
    lines.push(line);
    for (const w of [...waiters]) w();
  };
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (msg) => push(msg.type() === 'log' ? msg.text() : `${msg.type()}: ${msg.text()}`));
  page.on('pageerror', (err) => push(`pageerror: ${err.message}`));
  let closed = false;
  const session: BrowserSession = {
    page,
    context,
    console: lines,
    waitForConsole(pred, timeoutMs = 15_000) {
      const found = lines.find(pred);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise<string>((resolve, reject) => {
        const check = (): void => {
          const line = lines.find(pred);
          if (line === undefined) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(line);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`waitForConsole: no match within ${timeoutMs} ms; console so far:\n${lines.join('\n')}`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await context.close().catch(() => undefined);
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
  try {
    await page.goto(url);
  } catch (err) {
    await session.close();
    throw err;
  }
  return session;
}
