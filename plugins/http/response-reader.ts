import type http from 'node:http';
import { Status } from './http-client-base.js';
import type { BodyFlow, ResponseEvents, ResponseHead } from './http-transport.js';

/** A response being read by Node's HTTP parser: its body's backpressure, and how to tear it down. */
export interface ResponseReader extends BodyFlow {
  abort(): void;
}

/**
 * Reports one request's response, as Node's HTTP parser reads it, to `on` (which only queues).
 * `head` is true for a HEAD request (its body length is 0 whatever Content-Length says).
 */
export function readResponse(req: http.ClientRequest, head: boolean, on: ResponseEvents): ResponseReader {
  let response: http.IncomingMessage | null = null;
  req.once('response', (res: http.IncomingMessage) => {
    response = res;
    on.head(describe(res, head));
    res.on('data', (chunk: Buffer) => on.data(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
    res.once('end', () => on.end());
    res.once('error', (err) => on.failed(Status.CONNECTION_ERROR, `response broken: ${err.message}`));
    res.once('close', () => {
      if (!res.complete) on.failed(Status.CONNECTION_ERROR, 'response ended before its body was complete');
    });
  });
  req.on('error', (err) => on.failed(Status.CONNECTION_ERROR, `${err.message}${errorCode(err)}`));
  return {
    pause: () => response?.pause(),
    resume: () => response?.resume(),
    abort: () => {
      req.destroy();
      response?.destroy();
    },
  };
}

function describe(res: http.IncomingMessage, head: boolean): ResponseHead {
  const lines: string[] = [];
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
  const encoding = (res.headers['transfer-encoding'] ?? '').toLowerCase();
  const chunked =
    encoding
      .split(',')
      .map((s) => s.trim())
      .at(-1) === 'chunked';
  const connection = (res.headers.connection ?? '').toLowerCase();
  const keepAlive = res.httpVersion === '1.0' ? connection.includes('keep-alive') : !connection.includes('close');
  const declared = res.headers['content-length'];
  let bodyLength = declared !== undefined && !chunked ? Number(declared) : -1;
  if (head) bodyLength = 0;
  return {
    code: res.statusCode ?? 0,
    headers: lines,
    chunked,
    bodyLength,
    keepAlive,
    readUntilEof: bodyLength === -1 && !chunked && !keepAlive,
  };
}

function errorCode(err: Error): string {
  const code = (err as Error & { code?: unknown }).code;
  return typeof code === 'string' ? ` (${code})` : '';
}
