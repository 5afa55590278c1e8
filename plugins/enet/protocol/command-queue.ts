/**
 * A FIFO with cheap removal at the front and indexed access: the outgoing command queue, which a
 * sender drains from the front while long queues wait behind the reliable window, and the
 * dispatched-packet queue the application drains one event at a time (Array#shift is O(n) once an
 * array is large, which made draining a big receive batch quadratic).
 */
export class CommandQueue<T> {
  #items: Array<T | undefined> = [];
  #head = 0;

  /** Number of queued items. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** The item at position `i` (0 = front). */
  at(i: number): T {
    return this.#items[this.#head + i]!;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  /** Removes and returns the front item, or undefined when empty. */
  shift(): T | undefined {
    const items = this.#items;
    const head = this.#head;
    if (head >= items.length) return undefined;
    const item = items[head];
    items[head] = undefined;
    if (head + 1 === items.length) {
      // Empty again: the array keeps no items but stays the queue's storage.
      items.length = 0;
      this.#head = 0;
    } else if (head >= 1024 && head * 2 > items.length) {
      this.#items = items.slice(head + 1);
      this.#head = 0;
    } else {
      this.#head = head + 1;
    }
    return item;
  }

  /** The front item (the queue must not be empty). */
  first(): T {
    return this.#items[this.#head]!;
  }

  /** Inserts `item` at position `i`. */
  insert(i: number, item: T): void {
    if (i === 0 && this.#head > 0) this.#items[--this.#head] = item;
    else this.#items.splice(this.#head + i, 0, item);
  }

  /** Removes the item at position `i`. */
  removeAt(i: number): void {
    if (i === 0) this.shift();
    else this.#items.splice(this.#head + i, 1);
  }

  /** Drops the first `n` items and puts `front` (at most `n` items) in their place. */
  replaceFront(n: number, front: readonly T[]): void {
    for (let k = 0; k < n; k++) this.#items[this.#head + k] = undefined;
    this.#head += n;
    for (let k = front.length - 1; k >= 0; k--) this.#items[--this.#head] = front[k];
    if (this.#head === this.#items.length) {
      this.#items.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }

  clear(): void {
    this.#items = [];
    this.#head = 0;
  }
}
