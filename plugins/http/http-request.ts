import { HTTPRequestBase } from './http-request-base.js';
import type { HTTPRequestOptions } from './http-request-platform.js';
import { nodePlatform } from './node-platform.js';

/**
 * Godot's HTTPRequest node (Node build): HTTP and HTTPS over `HTTPClient`, gzip/deflate through
 * `node:zlib`, `downloadFile` through `node:fs`. Add it to a SceneTree, connect `requestCompleted`,
 * call `request(url)`; the tree's frames drive it.
 * Godot: HTTPRequest (scene/main/http_request.cpp)
 */
export class HTTPRequest extends HTTPRequestBase {
  constructor(name?: string, options: HTTPRequestOptions = {}) {
    super(nodePlatform, name, options);
  }
}
