/**
 * scenenet's HTTP plugin (browser build): the `HTTPRequest` node on `fetch`. There is no polled
 * `HTTPClient` in a browser (scripts get no raw sockets): the exported `HTTPClient` returns
 * ERR_UNAVAILABLE from `connectToHost`.
 *
 * @packageDocumentation
 */
export { HTTPClient } from './http-client-unavailable.js';
export type { HTTPClientOptions } from './http-client-unavailable.js';
export { HTTPRequest } from './http-request.browser.js';
export { FetchHTTPClient } from './http-client-fetch.js';
export type { FetchClientOptions } from './http-client-fetch.js';
export { HTTPRequestBase } from './http-request-base.js';
export { Result } from './http-request-platform.js';
export type { DownloadFile, HTTPRequestOptions, HTTPRequestPlatform } from './http-request-platform.js';
export { Status, Method, ResponseCode, queryStringFromDict } from './http-client-base.js';
export type { HTTPClientBackend, QueryValue } from './http-client-base.js';
export { httpModule } from './http-module.browser.js';
