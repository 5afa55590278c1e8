import { HTTPClient } from './http-client-unavailable.js';
import { httpModuleFor } from './http-client-pool.js';

/** The browser build's httpModule: binds the stand-in `HTTPClient` (see its doc), as the Node build does. */
export const httpModule = httpModuleFor(HTTPClient, (deps) => new HTTPClient(deps));
