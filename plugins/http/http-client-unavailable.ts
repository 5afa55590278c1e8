import { ErrorCode } from '../../core/index.js';
import { HTTPClientCore, type HTTPClientCoreOptions } from './http-client-core.js';
import type { HTTPTransport } from './http-transport.js';

/** Options of the browser `HTTPClient` stand-in. */
export type HTTPClientOptions = HTTPClientCoreOptions;

const MESSAGE =
  'HTTPClient needs raw TCP sockets, which browsers do not give to scripts. ' +
  'Use the HTTPRequest node (built on fetch) in the browser build.';

/** A platform with neither sockets nor a polled client on `fetch`: every connection is refused, and says why. */
const unavailable: HTTPTransport = {
  decodesContent: false,
  followsRedirects: false,
  connect: (_target, _events, log) => {
    log.error(MESSAGE);
    return ErrorCode.ERR_UNAVAILABLE;
  },
};

/**
 * The browser build's HTTPClient: browsers give scripts no raw sockets, so there is no polled
 * low-level client here. `connectToHost` returns ERR_UNAVAILABLE (and logs why); use the
 * `HTTPRequest` node, which runs on `fetch`. The other methods behave as on a disconnected client.
 */
export class HTTPClient extends HTTPClientCore {
  constructor(options: HTTPClientOptions = {}) {
    super(unavailable, options);
  }
}
