const EMPTY = new Uint8Array(0);

/**
 * Received bytes as the chunks the socket delivered them in, read from the front. Nothing is
 * preallocated: memory grows with what is queued and is released as it is read.
 */
export class ChunkQueue {
  #chunks: Uint8Array[] = [];
  /** Bytes of `#chunks[0]` already read. */
  #offset = 0;
  #bytes = 0;

  get bytes(): number {
    return this.#bytes;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
  }

  /** Moves everything from `other` to the back of this queue. */
  takeAll(other: ChunkQueue): void {
    const first = other.#chunks[0];
    if (first !== undefined && other.#offset > 0) other.#chunks[0] = first.subarray(other.#offset);
    for (const chunk of other.#chunks) this.push(chunk);
    other.clear();
  }

  /** The first `n` bytes without consuming them, or null when fewer are queued. */
  peek(n: number): Uint8Array | null {
    if (n > this.#bytes) return null;
    return this.#copy(n, false);
  }

  /** Consumes and returns up to `n` bytes. */
  read(n: number): Uint8Array {
    return this.#copy(Math.min(n, this.#bytes), true);
  }

  clear(): void {
    this.#chunks = [];
    this.#offset = 0;
    this.#bytes = 0;
  }

  #copy(n: number, consume: boolean): Uint8Array {
    if (n === 0) return EMPTY;
    const first = this.#chunks[0]!;
    if (first.length - this.#offset >= n) {
      const out = first.slice(this.#offset, this.#offset + n);
      if (consume) this.#advance(n);
      return out;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    let offset = this.#offset;
    for (let i = 0; filled < n; i++) {
      const chunk = this.#chunks[i]!;
      const take = Math.min(chunk.length - offset, n - filled);
      out.set(chunk.subarray(offset, offset + take), filled);
      filled += take;
      offset = 0;
    }
    if (consume) this.#advance(n);
    return out;
  }

  #advance(n: number): void {
    this.#bytes -= n;
    let left = n;
    while (left > 0) {
      const rest = this.#chunks[0]!.length - this.#offset;
      if (rest > left) {
        this.#offset += left;
        return;
      }
      left -= rest;
      this.#chunks.shift();
      this.#offset = 0;
    }
  }
}
