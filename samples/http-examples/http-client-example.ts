/**
 * Godot's HTTPClient example ("HTTP client class" in the docs), line for line: connect, poll until
 * connected, request a chunked page, poll until answered, read the body chunk by chunk.
 */
import { ErrorCode } from '../../core/index.js';
import { HTTPClient, Method, Status } from '../../plugins/http/index.js';
import type { FrameWaiter } from './frames.js';

/** Prints one line of output. */
export type Print = (line: string) => void;

/** Fetches `path` from `host:port` the way the Godot example does; resolves with the body text. */
export async function httpClientExample(host: string, port: number, path: string, frames: FrameWaiter, print: Print): Promise<string> {
  const http = new HTTPClient(); // Create the Client.
  try {
    let err = http.connectToHost(host, port); // Connect to host/port.
    assert(err === ErrorCode.OK, `connectToHost failed: ${err}`); // Make sure connection is OK.
    // Wait until resolved and connected.
    while (http.getStatus() === Status.CONNECTING || http.getStatus() === Status.RESOLVING) {
      http.poll();
      print('Connecting...');
      await frames.next();
    }
    assert(http.getStatus() === Status.CONNECTED, `could not connect (status ${http.getStatus()})`); // Check if the connection was made successfully.

    // Some headers
    const headers = ['User-Agent: Pirulo/1.0 (Godot)', 'Accept: */*'];
    err = http.request(Method.GET, path, headers); // Request a page from the site (this one was chunked..)
    assert(err === ErrorCode.OK, `request failed: ${err}`); // Make sure all is OK.
    while (http.getStatus() === Status.REQUESTING) {
      // Keep polling for as long as the request is being processed.
      http.poll();
      print('Requesting...');
      await frames.next();
    }
    assert(
      http.getStatus() === Status.BODY || http.getStatus() === Status.CONNECTED,
      `request did not finish well (status ${http.getStatus()})`,
    );
    print(`response? ${http.hasResponse()}`); // Site might not have a response.
    if (!http.hasResponse()) return '';

    print(`code: ${http.getResponseCode()}`); // Show response code.
    print(`**headers:\n${JSON.stringify(http.getResponseHeadersAsDictionary(), null, 1)}`); // Show headers.
    // Getting the HTTP Body
    if (http.isResponseChunked())
      print('Response is Chunked!'); // Does it use chunks?
    else print(`Response Length: ${http.getResponseBodyLength()}`); // Or just plain Content-Length
    // This method works for both anyway
    const rb: Uint8Array[] = []; // Array that will hold the data.
    while (http.getStatus() === Status.BODY) {
      // While there is body left to be read
      http.poll();
      const chunk = http.readResponseBodyChunk(); // Get a chunk.
      if (chunk.length === 0) await frames.next();
      else rb.push(chunk); // Append to read buffer.
    }
    // Done!
    const text = new TextDecoder('ascii').decode(Buffer.concat(rb));
    print(`bytes got: ${text.length}`);
    print(`Text: ${text}`);
    return text;
  } finally {
    http.close();
  }
}

function assert(ok: boolean, message: string): asserts ok {
  if (!ok) throw new Error(message);
}
