/**
 * The received-packet FIFO every transport keeps (Godot's `incoming_packets` lists and its WebSocket
 * PacketBuffer): each packet with its sender, its transfer mode and its channel, plus a running count
 * of queued payload bytes so a peer can enforce inbound limits.
 *
 * The packets and their three numbers live in parallel arrays read from a moving head, so queuing a
 * packet allocates no object of its own and taking one is O(1) (`Array#shift` is O(n) on a long
 * array, which made draining a large batch quadratic). The arrays are compacted once the consumed
 * head is both long and the larger part.
 */
export class PacketQueue {
  #data: Array<Uint8Array | undefined> = [];
  #from: number[] = [];
  #mode: number[] = [];
  #channel: number[] = [];
  #head = 0;
  #bytes = 0;

  /** Packets queued. */
  get size(): number {
    return this.#data.length - this.#head;
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
    this.#data.push(data);
    this.#from.push(from);
    this.#mode.push(mode);
    this.#channel.push(channel);
    this.#bytes += data.byteLength;
  }

  /** The next packet's sender, or `fallback` when none is queued. */
  peekFrom(fallback: number): number {
    return this.#head < this.#data.length ? this.#from[this.#head]! : fallback;
  }

  /** The next packet's mode, or `fallback` when none is queued. */
  peekMode<M extends number>(fallback: M): M {
    return (this.#head < this.#data.length ? this.#mode[this.#head]! : fallback) as M;
  }

  /** The next packet's channel, or `fallback` when none is queued. */
  peekChannel(fallback: number): number {
    return this.#head < this.#data.length ? this.#channel[this.#head]! : fallback;
  }

  /** Removes the next packet and returns its bytes, or undefined when none is queued. */
  shift(): Uint8Array | undefined {
    const head = this.#head;
    if (head >= this.#data.length) return undefined;
    const packet = this.#data[head]!;
    this.#data[head] = undefined;
    this.#head = head + 1;
    this.#bytes -= packet.byteLength;
    if (this.#head === this.#data.length) this.#reset();
    else if (this.#head >= 1024 && this.#head * 2 >= this.#data.length) this.#compact();
    return packet;
  }

  /** Drops every packet. */
  clear(): void {
    this.#data = [];
    this.#from = [];
    this.#mode = [];
    this.#channel = [];
    this.#head = 0;
    this.#bytes = 0;
  }

  /** Empty again: keeps the arrays' storage for the next batch. */
  #reset(): void {
    this.#data.length = 0;
    this.#from.length = 0;
    this.#mode.length = 0;
    this.#channel.length = 0;
    this.#head = 0;
  }

  #compact(): void {
    const head = this.#head;
    this.#data.splice(0, head);
    this.#from.splice(0, head);
    this.#mode.splice(0, head);
    this.#channel.splice(0, head);
    this.#head = 0;
  }
}
