/**
 * scenenet's HTTP plugin (Node build): Godot's polled `HTTPClient` (HTTP/1.1 with keep-alive, HTTPS
 * through core's `TLSOptions`, proxies; responses parsed by Node's own HTTP parser) and the
 * `HTTPRequest` node (redirects, gzip/deflate, size limits, downloads, timeouts on the tree's clock).
 * The browser build (`browser` export condition) has `HTTPRequest` on `fetch` and no raw client.
 *
 * @example
 * ```ts
 * import { TLSOptions } from 'scenenet';
 * import { SceneTree } from 'scenenet/scenetree';
 * import { HTTPClient, HTTPRequest, Method, Result, Status } from 'scenenet/plugins/http';
 *
 * // The node: add it to a tree, connect the signal, request; the tree's frames drive it.
 * const tree = new SceneTree();
 * const http = new HTTPRequest('HTTPRequest');
 * tree.root.addChild(http);
 * http.requestCompleted.connect((result, code, headers, body) => {
 *   if (result === Result.SUCCESS) console.log(code, JSON.parse(new TextDecoder().decode(body)));
 *   tree.quit();
 * });
 * http.request('http://127.0.0.1:8080/servers.json', ['Accept: application/json']);
 * // http.setTlsOptions(TLSOptions.client(myCaPem));  // for https:// with your own CA
 * await tree.run({ fps: 60, frames: 600 });
 *
 * // The polled client: connect, poll, request, read, several requests on one connection.
 * const client = new HTTPClient();
 * client.connectToHost('127.0.0.1', 8080);
 * while (client.getStatus() === Status.CONNECTING || client.getStatus() === Status.RESOLVING) {
 *   client.poll();
 *   await new Promise((r) => setTimeout(r, 16));
 * }
 * client.request(Method.GET, '/servers.json', ['Accept: application/json']);
 * // … poll while REQUESTING, then readResponseBodyChunk() while BODY; CONNECTED again after.
 * client.close();
 * ```
 *
 * @packageDocumentation
 */
export { HTTPClient } from './http-client.js';
export type { HTTPClientOptions } from './http-client.js';
export { HTTPRequest } from './http-request.js';
export { HTTPRequestBase } from './http-request-base.js';
export { Result } from './http-request-platform.js';
export type { DownloadFile, HTTPRequestOptions, HTTPRequestPlatform } from './http-request-platform.js';
export { FetchHTTPClient } from './http-client-fetch.js';
export type { FetchClientOptions } from './http-client-fetch.js';
export { Status, Method, ResponseCode, queryStringFromDict } from './http-client-base.js';
export type { HTTPClientBackend, QueryValue } from './http-client-base.js';
export { httpModule } from './http-module.js';
