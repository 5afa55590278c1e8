/**
 * scenenet's HTTP plugin (Node build): Godot's polled `HTTPClient` and the `HTTPRequest` node.
 *
 * @packageDocumentation
 */
export { HTTPClient } from './http-client.js';
export type { HTTPClientOptions } from './http-client.js';
export { HTTPRequest } from './http-request.js';
export { HTTPRequestBase, Result } from './http-request-base.js';
export type { DownloadFile, HTTPRequestOptions, HTTPRequestPlatform } from './http-request-base.js';
export { Status, Method, ResponseCode, queryStringFromDict } from './http-client-base.js';
export type { HTTPClientBackend, QueryValue } from './http-client-base.js';
export { httpModule } from './http-module.js';
