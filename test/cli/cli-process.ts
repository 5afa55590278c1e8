/** `scenenet …` as a child process (through tsx, from the sources): its output lines, its exit, signals. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const WAIT_MS = 180_000;

/** A running `scenenet` process. */
export interface CliProcess {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves with the first stdout line matching `pattern` (rejects if the process exits first). */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  /** Resolves with the exit code (or the signal's name if a signal killed it). */
  readonly exit: Promise<number | string>;
}

/** Starts `scenenet ...args`. */
export function startCli(args: readonly string[]): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/scenenet.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (m: RegExpExecArray) => void; reject: (e: Error) => void }> = [];
  const lines = (into: string[], check: boolean) => {
    let partial = '';
    return (data: Buffer) => {
      const parts = (partial + data.toString()).split('\n');
      partial = parts.pop()!;
      for (const line of parts) {
        into.push(line);
        if (!check) continue;
        for (const w of [...waiters]) {
          const m = w.pattern.exec(line);
          if (m === null) continue;
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    };
  };
  child.stdout!.on('data', lines(stdout, true));
  child.stderr!.on('data', lines(stderr, false));
  const exit = new Promise<number | string>((resolve) => {
    child.on('close', (code, signal) => {
      for (const w of waiters.splice(0))
        w.reject(new Error(`exited (${code ?? signal}) before printing ${w.pattern}:\n${stdout.join('\n')}\n${stderr.join('\n')}`));
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const waitFor = (pattern: RegExp): Promise<RegExpExecArray> => {
    const seen = stdout.map((l) => pattern.exec(l)).find((m) => m !== null);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      // Generous: a loaded 2-core machine can take many seconds just to start tsx.
      const timer = setTimeout(() => {
        waiters.splice(
          waiters.findIndex((w) => w.pattern === pattern),
          1,
        );
        reject(new Error(`no line matching ${pattern} within ${WAIT_MS / 1000} s:\n${stdout.join('\n')}\n${stderr.join('\n')}`));
      }, WAIT_MS);
      waiters.push({ pattern, resolve: (m) => (clearTimeout(timer), resolve(m)), reject: (e) => (clearTimeout(timer), reject(e)) });
    });
  };
  // A test that fails part-way must not leave processes behind.
  process.once('exit', () => child.exitCode === null && child.kill('SIGKILL'));
  return { child, stdout, stderr, waitFor, exit };
}

/** Runs `scenenet ...args` to its end. */
export async function runCli(args: readonly string[]): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const p = startCli(args);
  const code = await p.exit;
  return { code, stdout: p.stdout.join('\n'), stderr: p.stderr.join('\n') };
}

/** Runs `tasks` at most `limit` at a time (a loaded 2-core machine), in order. */
export async function limited<T>(limit: number, tasks: ReadonlyArray<() => Promise<T>>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
