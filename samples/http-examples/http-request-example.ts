/**
 * Godot's HTTPRequest examples ("Making HTTP requests" in the docs): GET a JSON document with a
 * custom User-Agent and print a field of it, then POST JSON with a Content-Type header.
 */
import { Signal } from '../../core/index.js';
import { HTTPRequest, Method, Result } from '../../plugins/http/index.js';
import { Node } from '../../scenetree/index.js';
import type { Print } from './http-client-example.js';

/** A scene like the docs': a Node with an HTTPRequest child named "HTTPRequest". */
export class ReleaseChecker extends Node {
  /** Both requests finished: the release name read by GET, and what the server echoed of the POST. */
  readonly finished = new Signal<[releaseName: string | null, echoed: unknown]>();
  readonly #baseUrl: string;
  readonly #print: Print;
  #releaseName: string | null = null;

  constructor(baseUrl: string, print: Print) {
    super('ReleaseChecker');
    this.#baseUrl = baseUrl;
    this.#print = print;
    this.addChild(new HTTPRequest('HTTPRequest'));
  }

  get #http(): HTTPRequest {
    return this.getNodeOrNull('HTTPRequest') as HTTPRequest;
  }

  override _ready(): void {
    this.#http.requestCompleted.connect(this.#onRequestCompleted, { once: true });
    this.#http.request(`${this.#baseUrl}/repos/godotengine/godot/releases/latest`, ['User-Agent: YourCustomUserAgent']);
  }

  readonly #onRequestCompleted = (result: number, responseCode: number, _headers: string[], body: Uint8Array): void => {
    if (result !== Result.SUCCESS || responseCode !== 200) this.#print(`GET failed: result ${result}, code ${responseCode}`);
    else {
      const json = JSON.parse(new TextDecoder().decode(body)) as { name: string };
      this.#releaseName = json.name;
      this.#print(json.name);
    }
    this.#makePostRequest(`${this.#baseUrl}/post`, { name: 'Godette', score: 42 });
  };

  #makePostRequest(url: string, dataToSend: unknown): void {
    const query = JSON.stringify(dataToSend); // Convert data to json string.
    const headers = ['Content-Type: application/json']; // Add 'Content-Type' header.
    this.#http.requestCompleted.connect(
      (result, code, _h, body) => {
        const echoed = result === Result.SUCCESS ? (JSON.parse(new TextDecoder().decode(body)) as unknown) : null;
        this.#print(`POST answered ${code}: ${JSON.stringify(echoed)}`);
        this.finished.emit(this.#releaseName, echoed);
      },
      { once: true },
    );
    this.#http.request(url, headers, Method.POST, query);
  }
}
