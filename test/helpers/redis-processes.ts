/** Spawning the multi-process helpers and reading their lines (not a test file). */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** A child process whose stdout is kept line by line. */
export interface Child {
  readonly proc: ChildProcess;
  readonly lines: string[];
  /** Resolves with the first line (already printed or to come) matching `re`; rejects after `timeoutMs`. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

/** Runs `script` (a path from the repo root) with tsx; killed (SIGKILL) at `t`'s teardown if still running. */
export function spawnTs(t: Test, script: string, args: string[]): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, script), ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let partial = '';
  let stderr = '';
  proc.stdout!.on('data', (d: Buffer) => {
    partial += d.toString();
    const parts = partial.split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    for (const w of [...waiters]) w();
  });
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  t.teardown(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  });
  return {
    proc,
    lines,
    exited,
    waitFor(re, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          for (const line of lines) {
            const m = re.exec(line);
            if (m !== null) {
              waiters.delete(check);
              clearTimeout(timer);
              resolve(m);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `${script}: no line matching ${re} in ${timeoutMs} ms; stdout: ${lines.slice(-10).join(' | ')}; stderr: ${stderr.slice(-800)}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}
