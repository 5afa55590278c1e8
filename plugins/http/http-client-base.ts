import { ErrorCode, type Logger, type TLSOptions } from '../../core/index.js';

/** Godot: HTTPClient::Status (core/io/http_client.h). */
export const Status = {
  DISCONNECTED: 0,
  RESOLVING: 1,
  CANT_RESOLVE: 2,
  CONNECTING: 3,
  CANT_CONNECT: 4,
  CONNECTED: 5,
  REQUESTING: 6,
  BODY: 7,
  CONNECTION_ERROR: 8,
  TLS_HANDSHAKE_ERROR: 9,
} as const;
export type Status = (typeof Status)[keyof typeof Status];

/** Godot: HTTPClient::Method (core/io/http_client.h). */
export const Method = {
  GET: 0,
  HEAD: 1,
  POST: 2,
  PUT: 3,
  DELETE: 4,
  OPTIONS: 5,
  TRACE: 6,
  CONNECT: 7,
  PATCH: 8,
  MAX: 9,
} as const;
export type Method = (typeof Method)[keyof typeof Method];

/** The request-line verb of each `Method`, in Godot's order (Godot: HTTPClient::_methods). */
export const METHOD_NAMES: readonly string[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'PATCH'];

/** Godot: HTTPClient::ResponseCode (core/io/http_client.h). */
export const ResponseCode = {
  CONTINUE: 100,
  SWITCHING_PROTOCOLS: 101,
  PROCESSING: 102,
  OK: 200,
  CREATED: 201,
  ACCEPTED: 202,
  NON_AUTHORITATIVE_INFORMATION: 203,
  NO_CONTENT: 204,
  RESET_CONTENT: 205,
  PARTIAL_CONTENT: 206,
  MULTI_STATUS: 207,
  ALREADY_REPORTED: 208,
  IM_USED: 226,
  MULTIPLE_CHOICES: 300,
  MOVED_PERMANENTLY: 301,
  FOUND: 302,
  SEE_OTHER: 303,
  NOT_MODIFIED: 304,
  USE_PROXY: 305,
  SWITCH_PROXY: 306,
  TEMPORARY_REDIRECT: 307,
  PERMANENT_REDIRECT: 308,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  PAYMENT_REQUIRED: 402,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  NOT_ACCEPTABLE: 406,
  PROXY_AUTHENTICATION_REQUIRED: 407,
  REQUEST_TIMEOUT: 408,
  CONFLICT: 409,
  GONE: 410,
  LENGTH_REQUIRED: 411,
  PRECONDITION_FAILED: 412,
  REQUEST_ENTITY_TOO_LARGE: 413,
  REQUEST_URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  REQUESTED_RANGE_NOT_SATISFIABLE: 416,
  EXPECTATION_FAILED: 417,
  IM_A_TEAPOT: 418,
  MISDIRECTED_REQUEST: 421,
  UNPROCESSABLE_ENTITY: 422,
  LOCKED: 423,
  FAILED_DEPENDENCY: 424,
  UPGRADE_REQUIRED: 426,
  PRECONDITION_REQUIRED: 428,
  TOO_MANY_REQUESTS: 429,
  REQUEST_HEADER_FIELDS_TOO_LARGE: 431,
  UNAVAILABLE_FOR_LEGAL_REASONS: 451,
  INTERNAL_SERVER_ERROR: 500,
  NOT_IMPLEMENTED: 501,
  BAD_GATEWAY: 502,
  SERVICE_UNAVAILABLE: 503,
  GATEWAY_TIMEOUT: 504,
  HTTP_VERSION_NOT_SUPPORTED: 505,
  VARIANT_ALSO_NEGOTIATES: 506,
  INSUFFICIENT_STORAGE: 507,
  LOOP_DETECTED: 508,
  NOT_EXTENDED: 510,
  NETWORK_AUTH_REQUIRED: 511,
} as const;
export type ResponseCode = (typeof ResponseCode)[keyof typeof ResponseCode];

/** Godot: HTTPClient::PORT_HTTP / PORT_HTTPS. */
export const PORT_HTTP = 80;
export const PORT_HTTPS = 443;

/** Value types `queryStringFromDict` accepts: arrays repeat the key, `null` gives a bare key. */
export type QueryValue = string | number | boolean | null | readonly (string | number | boolean)[];

/**
 * The client surface HTTPRequest drives: Godot's abstract HTTPClient, implemented by the Node
 * `HTTPClient` (TCP, Godot's HTTPClientTCP) and by the fetch client of the browser build
 * (Godot's HTTPClientWeb).
 */
export interface HTTPClientBackend {
  connectToHost(host: string, port?: number, tlsOptions?: TLSOptions | null): ErrorCode;
  poll(): ErrorCode;
  getStatus(): Status;
  requestRaw(method: Method, url: string, headers: readonly string[], body: Uint8Array): ErrorCode;
  hasResponse(): boolean;
  getResponseCode(): number;
  getResponseHeaders(): string[];
  isResponseChunked(): boolean;
  getResponseBodyLength(): number;
  readResponseBodyChunk(): Uint8Array;
  readChunkSize: number;
  setHttpProxy(host: string, port: number): void;
  setHttpsProxy(host: string, port: number): void;
  close(): void;
  /** True when the backend already undid `Content-Encoding` (fetch does). */
  readonly decodesContent: boolean;
  /** True when the backend follows redirects itself (a browser's fetch does). */
  readonly followsRedirects: boolean;
}

/** Godot's `String::uri_encode`: percent-encodes every byte except `A-Z a-z 0-9 - _ . ~`. */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * `{ a: 1, b: [2, 3], c: null }` → `'a=1&b=2&b=3&c'`.
 * Godot: HTTPClient::query_string_from_dict (core/io/http_client.cpp)
 */
export function queryStringFromDict(fields: Readonly<Record<string, QueryValue>> | ReadonlyMap<string, QueryValue>): string {
  const parts: string[] = [];
  const entries = fields instanceof Map ? [...fields.entries()] : Object.entries(fields);
  for (const [key, value] of entries) {
    const k = uriEncode(String(key));
    if (value === null || value === undefined) parts.push(k);
    else if (Array.isArray(value)) for (const v of value) parts.push(`${k}=${uriEncode(String(v))}`);
    else parts.push(`${k}=${uriEncode(String(value))}`);
  }
  return parts.join('&');
}

/**
 * Every header must be a non-empty `Name: value` line. Returns ERR_INVALID_PARAMETER otherwise.
 * Godot: HTTPClient::verify_headers (core/io/http_client.cpp)
 */
export function verifyHeaders(headers: readonly string[], log: Logger): ErrorCode {
  for (let i = 0; i < headers.length; i++) {
    const sanitized = String(headers[i]).trim();
    if (sanitized.length === 0) {
      log.debug(`Invalid HTTP header at index ${i}: empty.`);
      return ErrorCode.ERR_INVALID_PARAMETER;
    }
    if (sanitized.indexOf(':') < 1) {
      log.debug(`Invalid HTTP header at index ${i}: String must contain header-value pair, delimited by ':', but was: '${headers[i]}'.`);
      return ErrorCode.ERR_INVALID_PARAMETER;
    }
  }
  return ErrorCode.OK;
}

/**
 * Whether `url` fits `method`: an authority for CONNECT, `*` for OPTIONS, else an absolute path or URL.
 * Godot: _check_request_url (core/io/http_client_tcp.cpp)
 */
export function checkRequestUrl(method: Method, url: string): boolean {
  if (method === Method.CONNECT) {
    const pos = url.indexOf(':');
    return pos > 0 && pos < url.length - 1;
  }
  if (method === Method.OPTIONS && url === '*') return true;
  return url.startsWith('/') || url.startsWith('http://') || url.startsWith('https://');
}

/** `['Content-Type: a', 'X: b']` → `{ 'Content-Type': 'a', X: 'b' }` (later duplicates win, as in Godot). */
export function headersToDictionary(headers: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of headers) {
    const sp = line.indexOf(':');
    if (sp === -1) continue;
    out[line.slice(0, sp).trim()] = line.slice(sp + 1).trim();
  }
  return out;
}

/** Splits `host[:port]` prefixes off: `'https://a.b'` → `{ host: 'a.b', tls: true }`. */
export function stripScheme(host: string): { host: string; scheme: 'http' | 'https' | null } {
  const lower = host.toLowerCase();
  if (lower.startsWith('http://')) return { host: host.slice(7), scheme: 'http' };
  if (lower.startsWith('https://')) return { host: host.slice(8), scheme: 'https' };
  return { host, scheme: null };
}

/** Godot's HTTPClient::read_chunk_size bounds (256 B … 16 MiB). */
export const READ_CHUNK_SIZE_MIN = 256;
export const READ_CHUNK_SIZE_MAX = 1 << 24;
/** Godot's default read_chunk_size (64 KiB). */
export const READ_CHUNK_SIZE_DEFAULT = 65536;

/** Godot: HTTPRequest::has_header (prefix match, case-insensitive). */
export function hasHeader(headers: readonly string[], name: string): boolean {
  const lower = name.toLowerCase();
  return headers.some((h) => h.trim().toLowerCase().startsWith(lower));
}

/** Godot: HTTPRequest::get_header_value (first match, case-insensitive name). */
export function headerValue(headers: readonly string[], name: string): string {
  const lower = name.toLowerCase();
  for (const line of headers) {
    const sp = line.indexOf(':');
    if (sp > 0 && line.slice(0, sp).trim().toLowerCase() === lower) return line.slice(sp + 1).trim();
  }
  return '';
}

/** The body's Content-Encoding when it is one HTTPRequest inflates. */
export function contentEncoding(headers: readonly string[]): 'gzip' | 'deflate' | null {
  const value = headerValue(headers, 'Content-Encoding').toLowerCase();
  return value === 'gzip' || value === 'deflate' ? value : null;
}

const USER_AGENT = 'scenenet/0.1 (Godot HTTPClient port)';

/**
 * Header lines → Node's raw `[name, value, …]` list, plus Godot's defaults when missing: Host,
 * Content-Length (for a body), User-Agent and Accept. Godot: HTTPClientTCP::request
 */
export function requestHeaderPairs(headers: readonly string[], bodyLength: number, host: string): string[] {
  const raw: string[] = [];
  const has = (name: string): boolean => headers.some((h) => h.toLowerCase().startsWith(name));
  for (const h of headers) {
    const i = h.indexOf(':');
    raw.push(h.slice(0, i).trim(), h.slice(i + 1).trim());
  }
  if (!has('host:')) raw.push('Host', host);
  if (bodyLength > 0 && !has('content-length:')) raw.push('Content-Length', String(bodyLength));
  if (!has('user-agent:')) raw.push('User-Agent', USER_AGENT);
  if (!has('accept:')) raw.push('Accept', '*/*');
  return raw;
}
