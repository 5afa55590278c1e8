import type { Clock, Logger } from '../../core/index.js';
import type { HTTPClientBackend } from './http-client-base.js';

/** Godot: HTTPRequest::Result (scene/main/http_request.h). */
export const Result = {
  SUCCESS: 0,
  CHUNKED_BODY_SIZE_MISMATCH: 1,
  CANT_CONNECT: 2,
  CANT_RESOLVE: 3,
  CONNECTION_ERROR: 4,
  TLS_HANDSHAKE_ERROR: 5,
  NO_RESPONSE: 6,
  BODY_SIZE_LIMIT_EXCEEDED: 7,
  BODY_DECOMPRESS_FAILED: 8,
  REQUEST_FAILED: 9,
  DOWNLOAD_FILE_CANT_OPEN: 10,
  DOWNLOAD_FILE_WRITE_ERROR: 11,
  REDIRECT_LIMIT_REACHED: 12,
  TIMEOUT: 13,
} as const;
export type Result = (typeof Result)[keyof typeof Result];

/** A file being downloaded to (`downloadFile`). */
export interface DownloadFile {
  /** False on a write error. */
  write(bytes: Uint8Array): boolean;
  close(): void;
}

/** What differs between the Node and browser builds of HTTPRequest. */
export interface HTTPRequestPlatform {
  /** The node's client, on the node's clock and logger, with its limits. */
  createClient(options: HTTPRequestOptions & { clock: Clock; logger: Logger }): HTTPClientBackend;
  /** Inflates a whole gzip or deflate body; `'limit'` past `maxBytes` (-1: none), `'corrupt'` on bad data. */
  decompress(data: Uint8Array, encoding: 'gzip' | 'deflate', maxBytes: number): Uint8Array | 'corrupt' | 'limit';
  /** Opens `path` for writing, or null when that is impossible. */
  openFile(path: string): DownloadFile | null;
}

/** Options of `new HTTPRequest(name, options)`; all optional. */
export interface HTTPRequestOptions {
  /** Defaults to the SceneTree's clock (then `systemClock` outside a tree). */
  readonly clock?: Clock;
  /** Defaults to the SceneTree's logger. */
  readonly logger?: Logger;
  /** The HTTPClient read timeout (see `HTTPClientOptions.readTimeoutMs`). */
  readonly readTimeoutMs?: number;
  /**
   * The HTTPClient's own cap on one response body (see `HTTPClientOptions.maxBodyBytes`; default 1 GiB,
   * -1 disables it: raise it for larger downloads). `bodySizeLimit` is Godot's limit and ends in
   * BODY_SIZE_LIMIT_EXCEEDED; past this one the result is CONNECTION_ERROR.
   */
  readonly maxBodyBytes?: number;
  /** The HTTPClient's cap on a body's time (see `HTTPClientOptions.maxBodyMs`; default 10 min, 0 disables it). */
  readonly maxBodyMs?: number;
}

/** A Logger that forwards to whatever `current()` returns at call time (the node's tree's logger). */
export function deferredLogger(current: () => Logger): Logger {
  return {
    debug: (m, ...c) => current().debug(m, ...c),
    info: (m, ...c) => current().info(m, ...c),
    warn: (m, ...c) => current().warn(m, ...c),
    error: (m, ...c) => current().error(m, ...c),
  };
}

/** Joins byte arrays (returns the only one as is). */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
