import { FetchHTTPClient } from './http-client-fetch.js';
import type { HTTPRequestPlatform } from './http-request-platform.js';

/**
 * HTTPRequest's browser platform: `fetch` (which also inflates gzip), and no files: `downloadFile`
 * ends in DOWNLOAD_FILE_CANT_OPEN.
 */
export const fetchPlatform: HTTPRequestPlatform = {
  createClient: (options) => new FetchHTTPClient(options),
  // Never called: fetch hands over bodies already inflated (FetchHTTPClient.decodesContent).
  decompress: () => 'corrupt',
  openFile: () => null,
};
