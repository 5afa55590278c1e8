import type { BodyFlow } from './http-transport.js';

/**
 * One response body between its transport and `readResponseBodyChunk()`. A chunk is counted when it
 * arrives (in a transport callback), shown by `poll()`, then taken by reads. At most about two read
 * chunks are held: past that the transport is paused, and resumed once reads bring it under one, so
 * a server can never grow our memory.
 */
export class BodyBuffer {
  readonly #flow: BodyFlow;
  #chunks: Uint8Array[] = [];
  #held = 0;
  #paused = false;
  /** Bytes shown and not read yet. */
  buffered = 0;
  /** Bytes shown so far, read or not. */
  received = 0;
  /** The whole body has been shown (some of it may be unread). */
  ended = false;

  constructor(flow: BodyFlow) {
    this.#flow = flow;
  }

  /** Counts `size` arriving bytes; pauses the transport past two read chunks held. */
  arrive(size: number, chunkSize: number): void {
    this.#held += size;
    if (this.#held > 2 * chunkSize && !this.#paused) {
      this.#paused = true;
      this.#flow.pause();
    }
  }

  /** Makes an arrived chunk readable. */
  show(chunk: Uint8Array): void {
    this.#chunks.push(chunk);
    this.buffered += chunk.length;
    this.received += chunk.length;
  }

  /** Takes up to `max` shown bytes (without copying when one chunk covers them). */
  take(max: number): Uint8Array {
    const n = Math.min(max, this.buffered);
    if (n === 0) return new Uint8Array(0);
    this.buffered -= n;
    this.#held -= n;
    if (this.#paused && this.#held <= max) {
      this.#paused = false;
      this.#flow.resume();
    }
    const chunks = this.#chunks;
    const first = chunks[0]!;
    if (first.length === n) return chunks.shift()!;
    if (first.length > n) {
      chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = new Uint8Array(n);
    for (let at = 0; at < n; ) {
      const head = chunks[0]!;
      const part = Math.min(head.length, n - at);
      out.set(head.subarray(0, part), at);
      at += part;
      if (part === head.length) chunks.shift();
      else chunks[0] = head.subarray(part);
    }
    return out;
  }
}
