/**
 * Godot: PacketBuffer (modules/websocket/packet_buffer.h): a FIFO of received packets, each with one
 * number of metadata (the source peer, or whether it was text), that also counts their payload bytes
 * so a peer can enforce its inbound limits. O(1) push and shift; the packets and their tags live in
 * two parallel arrays, so queuing a packet allocates nothing per packet.
 */
export class PacketBuffer {
  #data: Array<Uint8Array | undefined> = [];
  #tags: number[] = [];
  #head = 0;
  #bytes = 0;

  /** Packets waiting. */
  get count(): number {
    return this.#data.length - this.#head;
  }

  /** Payload bytes waiting. */
  get bytes(): number {
    return this.#bytes;
  }

  push(data: Uint8Array, tag: number): void {
    this.#data.push(data);
    this.#tags.push(tag);
    this.#bytes += data.byteLength;
  }

  /** The tag of the next packet, or `fallback` when none waits. */
  peekTag(fallback: number): number {
    return this.#head < this.#data.length ? this.#tags[this.#head]! : fallback;
  }

  /** Removes and returns the next packet. */
  shift(): Uint8Array | undefined {
    const head = this.#head;
    const data = this.#data[head];
    if (data === undefined) return undefined;
    this.#data[head] = undefined;
    this.#head = head + 1;
    this.#bytes -= data.byteLength;
    if (this.#head === this.#data.length) {
      this.#data.length = 0;
      this.#tags.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#data.length) {
      this.#data.splice(0, this.#head);
      this.#tags.splice(0, this.#head);
      this.#head = 0;
    }
    return data;
  }

  clear(): void {
    this.#data = [];
    this.#tags = [];
    this.#head = 0;
    this.#bytes = 0;
  }
}
