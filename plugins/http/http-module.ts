import { HTTPClient } from './http-client.js';
import { httpModuleFor } from './http-client-pool.js';

/**
 * Registers `HTTPClient` (transient, on the container's Clock and Logger; every client is closed by
 * `container.unbindAll()`). HTTPRequest is a Node, so it is `new`-ed, never resolved. Load after coreModule.
 */
export const httpModule = httpModuleFor(HTTPClient, (deps) => new HTTPClient(deps));
