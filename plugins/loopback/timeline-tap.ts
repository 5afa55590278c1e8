import { describeFailure, type ExploreResult } from './explore.js';
import type { Simulation } from './simulation.js';
import { renderTimeline, simulationTimeline, type TimelineInput } from './timeline.js';

/**
 * The part of a test object the timeline helpers use (tap's `t`; any runner with the same methods).
 * Duck-typed: nothing here imports a test runner.
 */
export interface TapLike {
  teardown(fn: () => void | Promise<void>): void;
  /** False once the test has a failure. */
  passing(): boolean;
  comment(...message: string[]): unknown;
  pass(message: string): unknown;
  fail(message: string): unknown;
  readonly name?: string;
  readonly fullname?: string;
}

/** Options of the timeline helpers. */
export interface TimelineFileOptions {
  /** Where pages go. Default `$SCENENET_TIMELINE_DIR`, else `.tap/timelines` (next to tap's test output). */
  readonly dir?: string;
  /** File name without extension. Default: the test file and test name. */
  readonly name?: string;
  /** A line that reproduces the run, printed with the path and shown on the page. */
  readonly repro?: string;
}

interface FsLike {
  mkdirSync(path: string, options: { recursive: true }): unknown;
  writeFileSync(path: string, data: string): void;
}
interface PathLike {
  resolve(...parts: string[]): string;
  basename(path: string): string;
}

/** node:fs and node:path without a static import, so this module also loads where they do not exist. */
function nodeModules(): { fs: FsLike; path: PathLike } {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const get = proc?.getBuiltinModule;
  if (get === undefined) throw new Error('Writing a timeline file needs Node.js 20.16 or later.');
  return { fs: get('node:fs') as FsLike, path: get('node:path') as PathLike };
}

/** Writes the timeline page of `input` as `<dir>/<name>.html`; returns its absolute path. */
export function writeTimeline(input: TimelineInput, options: TimelineFileOptions & { name: string }): string {
  const { fs, path } = nodeModules();
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const dir = path.resolve(options.dir ?? env?.SCENENET_TIMELINE_DIR ?? '.tap/timelines');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.resolve(dir, `${slug(options.name)}.html`);
  fs.writeFileSync(file, renderTimeline({ ...input, ...(options.repro === undefined ? {} : { repro: options.repro }) }));
  return file;
}

/**
 * When the test fails, writes the Simulation's timeline page (at teardown) and prints its path with
 * the repro line as a test comment. Keep the trace (`keepTrace`, the default) for a full picture.
 */
export function timelineOnFailure(t: TapLike, sim: Simulation | (() => TimelineInput), options: TimelineFileOptions = {}): void {
  t.teardown(() => {
    if (t.passing()) return;
    const input = typeof sim === 'function' ? sim() : simulationTimeline(sim, { title: testTitle(t) });
    const file = writeTimeline(input, { ...options, name: options.name ?? defaultName(t) });
    t.comment(`timeline: ${file}${options.repro === undefined ? '' : `\nrepro: ${options.repro}`}`);
  });
}

/**
 * Asserts that `Simulation.explore` found no failing world. On a failure: writes the failing (shrunk)
 * world's timeline and fails the test with what broke, the repro line and the page's path.
 */
export function assertExplore(t: TapLike, result: ExploreResult, options: TimelineFileOptions = {}): boolean {
  const f = result.failure;
  if (f === null) {
    t.pass(`explore: ${result.worlds} worlds, no invariant broken`);
    return true;
  }
  const file = writeTimeline(
    { trace: f.trace, names: f.names, events: f.events, title: `${testTitle(t)}: ${f.invariant}` },
    { ...options, name: options.name ?? defaultName(t), repro: f.repro },
  );
  t.fail(`${describeFailure(f)}\n  timeline: ${file}`);
  return false;
}

function testTitle(t: TapLike): string {
  return t.fullname ?? t.name ?? 'scenenet test';
}

function defaultName(t: TapLike): string {
  const proc = (globalThis as { process?: { argv?: string[] } }).process;
  const script = proc?.argv?.[1];
  const file = script === undefined ? '' : script.replace(/^.*[\\/]/, '').replace(/\.[cm]?[jt]s$/, '');
  return `${file}-${t.name ?? 'test'}`;
}

function slug(text: string): string {
  return (
    text
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 120) || 'timeline'
  );
}
