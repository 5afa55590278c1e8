import { closeSync, openSync, writeSync } from 'node:fs';
import { inflateRawSync, unzipSync } from 'node:zlib';
import { HTTPClient } from './http-client.js';
import type { DownloadFile, HTTPRequestPlatform } from './http-request-platform.js';

/** HTTPRequest's Node platform: the TCP HTTPClient, `node:zlib` and `node:fs`. */
export const nodePlatform: HTTPRequestPlatform = {
  createClient: (options) => new HTTPClient(options),
  decompress: inflate,
  openFile,
};

/** Inflates gzip or zlib-wrapped deflate (raw deflate as a fallback), never past `maxBytes`. */
function inflate(data: Uint8Array, encoding: 'gzip' | 'deflate', maxBytes: number): Uint8Array | 'corrupt' | 'limit' {
  // maxOutputLength stops a "zip bomb" inside zlib, before the memory is spent.
  const options = maxBytes >= 0 ? { maxOutputLength: Math.max(1, maxBytes) } : {};
  const attempts = encoding === 'gzip' ? [unzipSync] : [unzipSync, inflateRawSync];
  for (const attempt of attempts) {
    try {
      const out = attempt(data, options);
      if (maxBytes >= 0 && out.length > maxBytes) return 'limit';
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return 'limit';
    }
  }
  return 'corrupt';
}

/** Opens `path` for writing (truncating it), or null. Writes are synchronous, as Godot's FileAccess. */
function openFile(path: string): DownloadFile | null {
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch {
    return null;
  }
  return {
    write(bytes) {
      try {
        let at = 0;
        while (at < bytes.length) at += writeSync(fd, bytes, at);
        return true;
      } catch {
        return false;
      }
    },
    close() {
      try {
        closeSync(fd);
      } catch {
        // Already closed: nothing left to release.
      }
    },
  };
}
