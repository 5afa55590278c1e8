/**
 * Test helper: the reference C ENet library as a peer. Installs Debian's libenet-dev (and zlib1g-dev
 * for the zlib variant) when missing, compiles test/fixtures/enet/echo-peer.c into the ignored build
 * dir, and runs it as a child process with a line reader.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', 'fixtures', 'enet');
const source = join(fixtures, 'echo-peer.c');
const zlibSource = join(fixtures, 'godot-zlib.c');

/** Installs a Debian package when `header` is missing (root, or passwordless sudo). */
function ensurePackage(header: string, pkg: string): void {
  if (existsSync(header)) return;
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const cmd = [...sudo, 'apt-get', 'install', '-y', pkg];
  const r = spawnSync(cmd[0]!, cmd.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) throw new Error(`${pkg} is missing and apt-get install failed`);
}

/**
 * Makes sure libenet is installed and the echo peer is built; returns the binary path. The `zlib`
 * variant also compiles godot-zlib.c (Godot's COMPRESS_ZLIB, `--zlib`) and needs zlib1g-dev.
 */
export function buildEchoPeer(variant: 'plain' | 'zlib' = 'plain'): string {
  ensurePackage('/usr/include/enet/enet.h', 'libenet-dev');
  if (variant === 'zlib') ensurePackage('/usr/include/zlib.h', 'zlib1g-dev');
  const binary = join(fixtures, 'build', variant === 'zlib' ? 'echo-peer-zlib' : 'echo-peer');
  const inputs = variant === 'zlib' ? [source, zlibSource] : [source];
  if (!existsSync(binary) || inputs.some((f) => statSync(binary).mtimeMs < statSync(f).mtimeMs)) {
    mkdirSync(dirname(binary), { recursive: true });
    const tmp = `${binary}.${process.pid}`;
    const args = variant === 'zlib' ? ['-O2', '-DGODOT_ZLIB', '-o', tmp, source, '-lenet', '-lz'] : ['-O2', '-o', tmp, source, '-lenet'];
    const r = spawnSync('cc', args, { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`compiling ${variant} echo-peer.c failed`);
    spawnSync('mv', ['-f', tmp, binary]);
  }
  return binary;
}

/** A running echo-peer with a line reader. */
export class CPeer {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: string[] = [];
  #buffer = '';
  #waiters: Array<() => void> = [];
  exited = false;

  constructor(args: string[], variant: 'plain' | 'zlib' = 'plain') {
    this.child = spawn(buildEchoPeer(variant), args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      this.#buffer += chunk;
      let nl: number;
      while ((nl = this.#buffer.indexOf('\n')) >= 0) {
        this.lines.push(this.#buffer.slice(0, nl));
        this.#buffer = this.#buffer.slice(nl + 1);
      }
      this.#wake();
    });
    this.child.stderr.resume();
    this.child.on('exit', () => {
      this.exited = true;
      this.#wake();
    });
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Resolves with the first line matching `re` (past or future); rejects after `timeoutMs`. */
  async waitFor(re: RegExp, timeoutMs = 10000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const line of this.lines) {
        const m = line.match(re);
        if (m) return m;
      }
      if (this.exited && !this.lines.some((l) => re.test(l)))
        throw new Error(`echo-peer exited before ${re}; saw: ${this.lines.join(' | ')}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`echo-peer: no line ${re} within ${timeoutMs} ms; saw: ${this.lines.join(' | ')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 50));
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Sends a command line on stdin. */
  command(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /** Kills the process (SIGKILL: it vanishes without a word). */
  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  /** Ends stdin and waits for the exit. */
  async stop(): Promise<void> {
    if (this.exited) return;
    this.child.stdin.end();
    const timer = setTimeout(() => this.kill(), 2000);
    await new Promise<void>((resolve) => (this.exited ? resolve() : this.child.once('exit', () => resolve())));
    clearTimeout(timer);
  }
}

/** The pattern bytes echo-peer.c fills packet `k` with. */
export function pattern(length: number, k: number): Uint8Array {
  const p = new Uint8Array(length);
  for (let i = 0; i < length; i++) p[i] = (i * 31 + k * 7 + 3) & 0xff;
  return p;
}
