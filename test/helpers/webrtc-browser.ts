/**
 * Headless chromium for the WebRTC interop tests: `test/helpers/browser.ts`'s launcher settings plus
 * the flags WebRTC needs on a machine with no network, and an esbuild bundle of a browser entry.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, serveFiles, type StaticServer } from './browser.js';

/**
 * Host candidates on loopback, under their real address: chromium otherwise leaves out loopback and
 * hides host addresses behind mDNS names, which libdatachannel bound to 127.0.0.1 cannot reach.
 */
export const WEBRTC_ARGS: readonly string[] = ['--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns'];

/** Bundles `entry` (TypeScript, browser platform) into one ESM script. */
export async function bundleForBrowser(entry: string): Promise<string> {
  const result = await build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'error' });
  return result.outputFiles[0]!.text;
}

/** A page open in its own headless chromium, with its console lines. */
export interface WebRTCBrowserPage {
  readonly console: string[];
  /** Resolves with the first console line matching `pred` (already seen or future). */
  waitForConsole(pred: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

/** Serves `script` in a page on 127.0.0.1 and opens `?query` in a fresh chromium. */
export async function openScriptPage(script: string, query: string): Promise<WebRTCBrowserPage> {
  const server: StaticServer = await serveFiles({
    '/index.html': '<!doctype html><meta charset="utf-8"><title>scenenet webrtc</title><script type="module" src="/page.js"></script>',
    '/page.js': script,
    '/favicon.ico': new Uint8Array(0),
  });
  const userDataDir = await mkdtemp(join(tmpdir(), 'scenenet-webrtc-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...WEBRTC_ARGS],
  });
  const lines: string[] = [];
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (msg) => lines.push(msg.type() === 'log' ? msg.text() : `${msg.type()}: ${msg.text()}`));
  page.on('pageerror', (err) => lines.push(`pageerror: ${err.message}`));
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await context.close().catch(() => undefined);
    await rm(userDataDir, { recursive: true, force: true });
    await server.close();
  };
  try {
    await page.goto(`${server.url}/index.html?${query}`);
  } catch (err) {
    await close();
    throw err;
  }
  return {
    console: lines,
    async waitForConsole(pred, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = lines.find(pred);
        if (found !== undefined) return found;
        if (Date.now() > deadline) throw new Error(`no matching console line within ${timeoutMs} ms:\n${lines.join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close,
  };
}
