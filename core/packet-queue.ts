/**
 * The received-packet FIFO every transport keeps (Godot's `incoming_packets` lists and its WebSocket
 * PacketBuffer): each packet with its sender, its transfer mode and its channel, plus a running count
 * of queued payload bytes so a peer can enforce inbound limits.
 *
 * Each packet and its three numbers take four consecutive slots of one array read from a moving head,
 * so queuing a packet allocates no object of its own, taking one is O(1) (`Array#shift` is O(n) on a
 * long array, which made draining a large batch quadratic), and an idle connection's queue is one
 * object and one empty array. The array is compacted once the consumed head is both long and the
 * larger part.
 */
export class PacketQueue {
  /** `[data, from, mode, channel]` per packet; consumed slots before `#head` are cleared. */
  #slots: Array<Uint8Array | number | undefined> = [];
  #head = 0;
  #bytes = 0;

  /** Packets queued. */
  get size(): number {
    return (this.#slots.length - this.#head) >> 2;
  }

  /** Payload bytes queued. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Queues `data` with its sender (or any per-packet number a transport needs, such as WebSocket's
   * text flag), its transfer mode (a `TransferMode`, or a transport's own flags) and its channel.
   */
  push(data: Uint8Array, from = 0, mode = 0, channel = 0): void {
    this.#slots.push(data, from, mode, channel);
    this.#bytes += data.byteLength;
  }

  /** The next packet's sender, or `fallback` when none is queued. */
  peekFrom(fallback: number): number {
    return this.#head < this.#slots.length ? (this.#slots[this.#head + 1] as number) : fallback;
  }

  /** The next packet's mode, or `fallback` when none is queued. */
  peekMode<M extends number>(fallback: M): M {
    return (this.#head < this.#slots.length ? this.#slots[this.#head + 2] : fallback) as M;
  }

  /** The next packet's channel, or `fallback` when none is queued. */
  peekChannel(fallback: number): number {
    return this.#head < this.#slots.length ? (this.#slots[this.#head + 3] as number) : fallback;
  }

  /** Removes the next packet and returns its bytes, or undefined when none is queued. */
  shift(): Uint8Array | undefined {
    const head = this.#head;
    const slots = this.#slots;
    if (head >= slots.length) return undefined;
    const packet = slots[head] as Uint8Array;
    slots[head] = undefined;
    this.#head = head + 4;
    this.#bytes -= packet.byteLength;
    if (this.#head === slots.length) {
      // Empty again: keep the array's storage for the next batch.
      slots.length = 0;
      this.#head = 0;
    } else if (this.#head >= 4096 && this.#head * 2 >= slots.length) {
      slots.splice(0, this.#head);
      this.#head = 0;
    }
    return packet;
  }

  /** Drops every packet. */
  clear(): void {
    this.#slots = [];
    this.#head = 0;
    this.#bytes = 0;
  }
}
