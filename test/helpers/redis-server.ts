/**
 * A real `redis-server` for tests (not a test file): started on a free loopback port in a temp dir
 * with no persistence, stopped at the test's teardown. `restart()` kills it and starts a fresh,
 * empty one on the same port (what a crashed Redis without persistence looks like to its clients).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';

export const REDIS_SERVER = '/usr/bin/redis-server';

/** A running redis-server. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** Kills the server (SIGKILL) and starts an empty one on the same port. */
  restart(): Promise<void>;
  /** Kills the server (SIGKILL); `start()` brings it back, empty. */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (bound to 0, read, released). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts a redis-server for `t` (on `port`, or a free one), stopped at `t`'s teardown. */
export async function startRedis(t: Test, options: { port?: number } = {}): Promise<RedisServer> {
  const redis = await launchRedis(options);
  t.teardown(() => redis.stop());
  return redis;
}

/** Starts a redis-server (on `port`, or a free one); the caller stops it. */
export async function launchRedis(options: { port?: number } = {}): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'scenenet-redis-'));
  let child: ChildProcess | null = null;
  let port = options.port ?? 0;
  const start = async (): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      if (port === 0 || attempt > 3) port = await freePort();
      const proc = spawn(
        REDIS_SERVER,
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      const ready = await waitForPort(port, proc);
      if (ready) {
        child = proc;
        return;
      }
      proc.kill('SIGKILL');
      if (attempt >= 6) throw new Error(`redis-server did not start on port ${port}: ${out.slice(0, 500)}`);
    }
  };
  const kill = async (): Promise<void> => {
    const proc = child;
    child = null;
    if (proc === null || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    kill,
    async restart() {
      await kill();
      await start();
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves true once `port` answers PING with PONG, false if `proc` exits first or 10 s pass. */
async function waitForPort(port: number, proc: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) return false;
    const pong = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.setTimeout(500);
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (d) => {
        socket.destroy();
        resolve(d.toString().startsWith('+PONG'));
      });
      socket.once('error', () => resolve(false));
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (pong) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
