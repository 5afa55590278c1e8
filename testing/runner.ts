/**
 * How the conformance suite talks to a test runner: it registers cases with `test(name, fn)` and
 * checks with a handful of assertions (tap's names). Adapters are shipped for tap, `node:test` and
 * Vitest; `customRunner` fits any runner that fails a test whose function throws (Jest, Mocha, …).
 */

/** The assertions a case uses. Failures are recorded, never thrown, so one case reports all it found. */
export interface Assertions {
  /** `actual === expected`. */
  equal(actual: unknown, expected: unknown, message?: string): void;
  /** `actual !== expected`. */
  not(actual: unknown, expected: unknown, message?: string): void;
  ok(value: unknown, message?: string): void;
  notOk(value: unknown, message?: string): void;
  /** Deep equality: arrays, plain objects, Maps, Sets and typed arrays by content, the rest by `===`. */
  same(actual: unknown, expected: unknown, message?: string): void;
  pass(message?: string): void;
  fail(message?: string): void;
  /** Runs after the case, failed or not. */
  teardown(fn: () => void | Promise<void>): void;
}

/** Per-case options. */
export interface CaseOptions {
  /** A reason to skip the case (shown by the runner), or false. */
  readonly skip?: string | false;
}

/** What the suite registers its cases with. */
export interface TestRunner {
  test(name: string, fn: (t: Assertions) => Promise<void>, options?: CaseOptions): void;
}

/** The assertions of a tap subtest that the tap adapter calls (tap reports each one itself). */
export interface TapSubtest {
  equal(found: unknown, wanted: unknown, message: string): unknown;
  not(found: unknown, notWanted: unknown, message: string): unknown;
  ok(value: unknown, message: string): unknown;
  notOk(value: unknown, message: string): unknown;
  same(found: unknown, wanted: unknown, message: string): unknown;
  pass(message: string): unknown;
  fail(message: string): unknown;
  teardown(fn: () => unknown): unknown;
}

/** The part of tap's `t` the tap adapter uses (typed structurally: this module never imports tap). */
export interface TapTest {
  test(name: string, options: { skip?: string | boolean }, fn: (t: TapSubtest) => Promise<void>): unknown;
}

/** Runs the suite under tap: one `t.test` per case, each assertion reported by tap as it happens. */
export function tapRunner(t: TapTest): TestRunner {
  return {
    test(name, fn, options = {}) {
      void t.test(name, { skip: options.skip ?? false }, (sub) =>
        fn({
          equal: (a, b, message = 'should be equal') => void sub.equal(a, b, message),
          not: (a, b, message = 'should not be equal') => void sub.not(a, b, message),
          ok: (value, message = 'expect truthy value') => void sub.ok(value, message),
          notOk: (value, message = 'expect falsy value') => void sub.notOk(value, message),
          same: (a, b, message = 'should be equivalent') => void sub.same(a, b, message),
          pass: (message = 'pass') => void sub.pass(message),
          fail: (message = 'fail') => void sub.fail(message),
          teardown: (fn) => void sub.teardown(fn),
        }),
      );
    },
  };
}

/** What `customRunner` hands to the runner for each case. */
export interface RegisteredCase {
  /** Skip reason, or false. */
  readonly skip: string | false;
  /** A generous bound for the whole case; each wait inside has the fixture's own, shorter bound. */
  readonly timeoutMs: number;
}

/**
 * An adapter for any runner that fails a test whose function throws. `register` registers `fn` under
 * `name`; `fn` runs the case with recording assertions, runs its teardowns, then throws one Error
 * listing every failed assertion.
 *
 * ```ts
 * // Jest
 * const runner = customRunner((name, fn, c) => (c.skip ? test.skip : test)(name, fn, c.timeoutMs));
 * ```
 */
export function customRunner(
  register: (name: string, fn: () => Promise<void>, options: RegisteredCase) => void,
  timeoutMs = 120_000,
): TestRunner {
  return {
    test(name, fn, options = {}) {
      register(name, () => runRecorded(name, fn), { skip: options.skip ?? false, timeoutMs });
    },
  };
}

/** The `test` function of `node:test` (passed in, so this module loads in any runner). */
export type NodeTestFunction = (name: string, options: { skip?: string | boolean; timeout?: number }, fn: () => Promise<void>) => unknown;

/** Runs the suite under `node --test`: `nodeTestRunner(test)` with `import { test } from 'node:test'`. */
export function nodeTestRunner(test: NodeTestFunction): TestRunner {
  return customRunner((name, fn, c) => void test(name, { skip: c.skip === false ? false : c.skip, timeout: c.timeoutMs }, fn));
}

/** The `test` function of Vitest. */
export type VitestFunction = (name: string, options: { skip?: boolean; timeout?: number }, fn: () => Promise<void>) => unknown;

/** Runs the suite under Vitest: `vitestRunner(test)` with `import { test } from 'vitest'`. */
export function vitestRunner(test: VitestFunction): TestRunner {
  return customRunner((name, fn, c) => void test(name, { skip: c.skip !== false, timeout: c.timeoutMs }, fn));
}

async function runRecorded(name: string, fn: (t: Assertions) => Promise<void>): Promise<void> {
  const t = new RecordingAssertions(name);
  try {
    await fn(t);
  } catch (err) {
    t.fail(`threw: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  } finally {
    await t.finish();
  }
  if (t.failures.length > 0) {
    throw new Error(`${name}: ${t.failures.length} of ${t.count} assertions failed:\n${t.failures.map((f) => `  - ${f}`).join('\n')}`);
  }
}

/** Assertions that record failures; a failure after the case ended is printed, since no runner can take it. */
class RecordingAssertions implements Assertions {
  readonly failures: string[] = [];
  count = 0;
  readonly #name: string;
  readonly #teardowns: Array<() => void | Promise<void>> = [];
  #done = false;

  constructor(name: string) {
    this.#name = name;
  }

  equal(actual: unknown, expected: unknown, message = 'should be equal'): void {
    this.#check(actual === expected, message, () => `expected ${show(expected)}, got ${show(actual)}`);
  }
  not(actual: unknown, expected: unknown, message = 'should not be equal'): void {
    this.#check(actual !== expected, message, () => `got ${show(actual)}`);
  }
  ok(value: unknown, message = 'expected a truthy value'): void {
    this.#check(Boolean(value), message, () => `got ${show(value)}`);
  }
  notOk(value: unknown, message = 'expected a falsy value'): void {
    this.#check(!value, message, () => `got ${show(value)}`);
  }
  same(actual: unknown, expected: unknown, message = 'should be equivalent'): void {
    this.#check(deepEqual(actual, expected), message, () => `expected ${show(expected)}, got ${show(actual)}`);
  }
  pass(_message?: string): void {
    this.#check(true, '', () => '');
  }
  fail(message = 'failed'): void {
    this.#check(false, message, () => '');
  }
  teardown(fn: () => void | Promise<void>): void {
    this.#teardowns.push(fn);
  }

  async finish(): Promise<void> {
    for (const fn of this.#teardowns.splice(0)) {
      try {
        await fn();
      } catch (err) {
        this.fail(`teardown threw: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    this.#done = true;
  }

  #check(passed: boolean, message: string, detail: () => string): void {
    this.count++;
    if (passed) return;
    const text = detail() === '' ? message : `${message} (${detail()})`;
    if (this.#done) console.error(`${this.#name}: assertion failed after the case ended: ${text}`);
    else this.failures.push(text);
  }
}

/** Structural equality for the values the suite compares. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Number.isNaN(a) && Number.isNaN(b);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (ArrayBuffer.isView(a)) {
    const x = a as unknown as ArrayLike<unknown>;
    const y = b as unknown as ArrayLike<unknown>;
    return x.length === y.length && Array.from(x).every((v, i) => v === y[i]);
  }
  if (a instanceof Map) {
    const m = b as Map<unknown, unknown>;
    return a.size === m.size && [...a].every(([k, v]) => m.has(k) && deepEqual(v, m.get(k)));
  }
  if (a instanceof Set) {
    const s = b as Set<unknown>;
    return a.size === s.size && [...a].every((v) => s.has(v));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every((k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

function show(value: unknown): string {
  try {
    const text = JSON.stringify(value, (_k, v: unknown) =>
      typeof v === 'bigint' ? `${v}n` : ArrayBuffer.isView(v) ? `<${v.byteLength} bytes>` : v,
    );
    return text === undefined ? String(value) : text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    return String(value);
  }
}
