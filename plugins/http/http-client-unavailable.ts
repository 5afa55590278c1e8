import { ErrorCode, MultiplayerError, silentLogger, type Logger, type TLSOptions } from '../../core/index.js';
import {
  READ_CHUNK_SIZE_DEFAULT,
  READ_CHUNK_SIZE_MAX,
  READ_CHUNK_SIZE_MIN,
  Status,
  headersToDictionary,
  queryStringFromDict,
  type Method,
  type QueryValue,
} from './http-client-base.js';

/** Options of the browser `HTTPClient` stand-in. */
export interface HTTPClientOptions {
  readonly logger?: Logger;
}

const MESSAGE =
  'HTTPClient needs raw TCP sockets, which browsers do not give to scripts. ' +
  'Use the HTTPRequest node (built on fetch) in the browser build.';

/**
 * The browser build's HTTPClient: browsers give scripts no raw sockets, so there is no polled
 * low-level client here. `connectToHost` always returns ERR_UNAVAILABLE (and logs why); use the
 * `HTTPRequest` node, which runs on `fetch`. The other methods behave as on a disconnected client.
 */
export class HTTPClient {
  readonly #log: Logger;
  #readChunkSize = READ_CHUNK_SIZE_DEFAULT;

  constructor(options: HTTPClientOptions = {}) {
    this.#log = options.logger ?? silentLogger;
  }

  /** Always ERR_UNAVAILABLE in the browser build. */
  connectToHost(_host: string, _port = -1, _tlsOptions: TLSOptions | null = null): ErrorCode {
    this.#log.error(MESSAGE);
    return ErrorCode.ERR_UNAVAILABLE;
  }

  /** ERR_UNCONFIGURED: never connected. */
  poll(): ErrorCode {
    return ErrorCode.ERR_UNCONFIGURED;
  }

  getStatus(): Status {
    return Status.DISCONNECTED;
  }

  /** ERR_INVALID_PARAMETER: never connected (as Godot's request on a disconnected client). */
  request(_method: Method, _url: string, _headers: readonly string[] = [], _body = ''): ErrorCode {
    return ErrorCode.ERR_INVALID_PARAMETER;
  }

  /** ERR_INVALID_PARAMETER: never connected. */
  requestRaw(_method: Method, _url: string, _headers: readonly string[] = [], _body?: Uint8Array): ErrorCode {
    return ErrorCode.ERR_INVALID_PARAMETER;
  }

  hasResponse(): boolean {
    return false;
  }

  getResponseCode(): number {
    return 0;
  }

  getResponseHeaders(): string[] {
    return [];
  }

  getResponseHeadersAsDictionary(): Record<string, string> {
    return headersToDictionary([]);
  }

  isResponseChunked(): boolean {
    return false;
  }

  getResponseBodyLength(): number {
    return -1;
  }

  readResponseBodyChunk(): Uint8Array {
    return new Uint8Array(0);
  }

  get readChunkSize(): number {
    return this.#readChunkSize;
  }
  set readChunkSize(size: number) {
    if (!Number.isInteger(size) || size < READ_CHUNK_SIZE_MIN || size > READ_CHUNK_SIZE_MAX) {
      throw new MultiplayerError(
        ErrorCode.ERR_INVALID_PARAMETER,
        `read_chunk_size must be between ${READ_CHUNK_SIZE_MIN} and ${READ_CHUNK_SIZE_MAX}.`,
      );
    }
    this.#readChunkSize = size;
  }

  setHttpProxy(_host: string, _port: number): void {}

  setHttpsProxy(_host: string, _port: number): void {}

  close(): void {}

  /** Godot: HTTPClient::query_string_from_dict. */
  queryStringFromDict(fields: Readonly<Record<string, QueryValue>> | ReadonlyMap<string, QueryValue>): string {
    return queryStringFromDict(fields);
  }
}
