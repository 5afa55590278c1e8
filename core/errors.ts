import { type ErrorCode, errorName } from './error-code.js';

const BRAND = Symbol.for('scenenet:MultiplayerError');

/**
 * The one error class scenenet throws: misuse of a void method, or an impossible state (`ERR_BUG`).
 * Methods whose Godot signature returns `Error` return an `ErrorCode` instead of throwing.
 * Match on `code` or with `MultiplayerError.is()`, not `instanceof` (copies of the package may coexist).
 */
export class MultiplayerError extends Error {
  readonly code: ErrorCode;
  readonly [BRAND] = true;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MultiplayerError';
    this.code = code;
  }

  /** Brand check that works across duplicated module copies. */
  static is(value: unknown): value is MultiplayerError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  override toString(): string {
    return `MultiplayerError [${errorName(this.code)}]: ${this.message}`;
  }
}
