import type { ErrorCode } from './error-code.js';

/** Log levels, most verbose first. */
export const LogLevel = { DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3, SILENT: 4 } as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

/** The injectable logger. Messages reuse Godot's text where Godot has one. */
export interface Logger {
  debug(message: string, ...context: unknown[]): void;
  info(message: string, ...context: unknown[]): void;
  warn(message: string, ...context: unknown[]): void;
  error(message: string, ...context: unknown[]): void;
}

function noop(): void {}

/**
 * The failure helper every class uses when a call fails with a returned code (Godot's
 * `ERR_FAIL_*_V_MSG`): logs `source: message` once, at `debug` by default (the caller has the code; a
 * server must not flood its log because one peer misbehaves), and returns `code`, so a method ends
 * with `return logFailure(this.#log, 'WebSocketPeer', ErrorCode.ERR_UNAVAILABLE, 'No packet.')`.
 * The high-level API, where a failure is a bug in the game's own calls, logs at `error`.
 */
export function logFailure(log: Logger, source: string, code: ErrorCode, message: string, level: 'debug' | 'error' = 'debug'): ErrorCode {
  log[level](source === '' ? message : `${source}: ${message}`);
  return code;
}

/** The default: says nothing. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** Writes at or above `level` to `console`, each line prefixed with `[prefix]`. */
export function consoleLogger(level: LogLevel = LogLevel.INFO, prefix = 'scenenet'): Logger {
  const at = (min: LogLevel, write: (...a: unknown[]) => void) =>
    level <= min ? (message: string, ...context: unknown[]) => write(`[${prefix}] ${message}`, ...context) : noop;
  return {
    debug: at(LogLevel.DEBUG, console.debug),
    info: at(LogLevel.INFO, console.info),
    warn: at(LogLevel.WARN, console.warn),
    error: at(LogLevel.ERROR, console.error),
  };
}

/** A logger that writes every line to both `a` and `b` (e.g. keep lines in memory and print them). */
export function teeLogger(a: Logger, b: Logger): Logger {
  return {
    debug: (m, ...c) => (a.debug(m, ...c), b.debug(m, ...c)),
    info: (m, ...c) => (a.info(m, ...c), b.info(m, ...c)),
    warn: (m, ...c) => (a.warn(m, ...c), b.warn(m, ...c)),
    error: (m, ...c) => (a.error(m, ...c), b.error(m, ...c)),
  };
}

/** One recorded log line. */
export interface LogRecord {
  readonly level: Exclude<LogLevel, typeof LogLevel.SILENT>;
  readonly message: string;
  readonly context: readonly unknown[];
}

/** A logger that keeps every line: for tests that assert an error was logged exactly once. */
export class MemoryLogger implements Logger {
  readonly records: LogRecord[] = [];

  debug(message: string, ...context: unknown[]): void {
    this.records.push({ level: LogLevel.DEBUG, message, context });
  }
  info(message: string, ...context: unknown[]): void {
    this.records.push({ level: LogLevel.INFO, message, context });
  }
  warn(message: string, ...context: unknown[]): void {
    this.records.push({ level: LogLevel.WARN, message, context });
  }
  error(message: string, ...context: unknown[]): void {
    this.records.push({ level: LogLevel.ERROR, message, context });
  }

  /** Records at exactly `level`. */
  at(level: LogRecord['level']): LogRecord[] {
    return this.records.filter((r) => r.level === level);
  }

  clear(): void {
    this.records.length = 0;
  }
}
