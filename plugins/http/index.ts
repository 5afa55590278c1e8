/**
 * scenenet's HTTP plugin (Node build): Godot's polled `HTTPClient` and the `HTTPRequest` node.
 *
 * @packageDocumentation
 */
export { HTTPClient } from './http-client.js';
export type { HTTPClientOptions } from './http-client.js';
export { Status, Method, ResponseCode, queryStringFromDict } from './http-client-base.js';
export type { QueryValue } from './http-client-base.js';
