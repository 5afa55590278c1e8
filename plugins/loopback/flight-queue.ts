/** What the queue orders by: time first, then a global sequence number (deterministic ties). */
export interface Timed {
  readonly atMs: number;
  readonly order: number;
}

/** A binary min-heap on (atMs, order): O(log n) push and pop, for in-flight packets and retries. */
export class FlightQueue<T extends Timed> {
  #heap: T[] = [];

  get size(): number {
    return this.#heap.length;
  }

  /** The earliest item, or undefined. */
  peek(): T | undefined {
    return this.#heap[0];
  }

  push(item: T): void {
    const heap = this.#heap;
    let i = heap.length;
    heap.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(item, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = item;
  }

  /** Removes and returns the earliest item. */
  pop(): T | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && earlier(heap[right]!, heap[left]!) ? right : left;
      if (!earlier(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return top;
  }

  /** Drops every item for which `keep` is false. */
  retain(keep: (item: T) => boolean): void {
    const kept = this.#heap.filter(keep);
    this.#heap = [];
    for (const item of kept) this.push(item);
  }
}

function earlier(a: Timed, b: Timed): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.order < b.order);
}
