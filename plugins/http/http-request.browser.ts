import { fetchPlatform } from './fetch-platform.js';
import { HTTPRequestBase } from './http-request-base.js';
import type { HTTPRequestOptions } from './http-request-platform.js';

/**
 * Godot's HTTPRequest node (browser build), on `fetch`. Differences from the Node build, all forced
 * by the browser: redirects are followed by the browser (`maxRedirects` is not applied), TLS is
 * verified against the browser's trust store (`setTlsOptions` is not applied), proxies are the
 * browser's, the body arrives already inflated, `downloadFile` gives DOWNLOAD_FILE_CANT_OPEN, and
 * cross-origin servers must allow CORS.
 * Godot: HTTPRequest (scene/main/http_request.cpp) over HTTPClientWeb
 */
export class HTTPRequest extends HTTPRequestBase {
  constructor(name?: string, options: HTTPRequestOptions = {}) {
    super(fetchPlatform, name, options);
  }
}
