/**
 * Godot: PacketBuffer (modules/websocket/packet_buffer.h): a FIFO of received packets that also
 * counts their payload bytes, so a peer can enforce its inbound limits. O(1) push and shift.
 */
export class PacketBuffer<T extends { readonly data: Uint8Array }> {
  #items: Array<T | undefined> = [];
  #head = 0;
  #bytes = 0;

  /** Packets waiting. */
  get count(): number {
    return this.#items.length - this.#head;
  }

  /** Payload bytes waiting. */
  get bytes(): number {
    return this.#bytes;
  }

  push(item: T): void {
    this.#items.push(item);
    this.#bytes += item.data.byteLength;
  }

  /** The next packet, without removing it. */
  peek(): T | undefined {
    return this.#items[this.#head];
  }

  /** Removes and returns the next packet. */
  shift(): T | undefined {
    const item = this.#items[this.#head];
    if (item === undefined) return undefined;
    this.#items[this.#head++] = undefined;
    this.#bytes -= item.data.byteLength;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  clear(): void {
    this.#items = [];
    this.#head = 0;
    this.#bytes = 0;
  }
}
