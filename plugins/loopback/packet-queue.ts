import type { TransferMode } from '../../core/index.js';

/**
 * A FIFO of received packets with their sender, mode and channel (Godot's `incoming_packets`):
 * parallel arrays and a moving head, so a packet costs no object of its own and no `shift()`.
 */
export class PacketQueue {
  #from: number[] = [];
  #mode: TransferMode[] = [];
  #channel: number[] = [];
  #data: Array<Uint8Array | undefined> = [];
  #head = 0;

  /** Packets queued. */
  get size(): number {
    return this.#data.length - this.#head;
  }

  /** Sender of the next packet, or 0. */
  get nextFrom(): number {
    return this.#head < this.#data.length ? this.#from[this.#head]! : 0;
  }

  /** Transfer mode of the next packet, or `fallback`. */
  nextMode(fallback: TransferMode): TransferMode {
    return this.#head < this.#data.length ? this.#mode[this.#head]! : fallback;
  }

  /** Channel of the next packet, or 0. */
  get nextChannel(): number {
    return this.#head < this.#data.length ? this.#channel[this.#head]! : 0;
  }

  push(from: number, mode: TransferMode, channel: number, data: Uint8Array): void {
    this.#from.push(from);
    this.#mode.push(mode);
    this.#channel.push(channel);
    this.#data.push(data);
  }

  /** Removes the next packet and returns its bytes, or undefined when empty. */
  shift(): Uint8Array | undefined {
    const data = this.#data;
    const head = this.#head;
    if (head >= data.length) return undefined;
    const packet = data[head];
    data[head] = undefined;
    this.#head = head + 1;
    if (this.#head === data.length) this.clear();
    else if (this.#head >= 1024 && this.#head * 2 >= data.length) this.#compact();
    return packet;
  }

  /** Drops every packet. */
  clear(): void {
    this.#from = [];
    this.#mode = [];
    this.#channel = [];
    this.#data = [];
    this.#head = 0;
  }

  #compact(): void {
    const head = this.#head;
    this.#from.splice(0, head);
    this.#mode.splice(0, head);
    this.#channel.splice(0, head);
    this.#data.splice(0, head);
    this.#head = 0;
  }
}
