/** What the queue orders by: time first, then a global sequence number (deterministic ties). */
export interface Timed {
  readonly atMs: number;
  readonly order: number;
}

/**
 * A priority queue on (atMs, order) for in-flight packets and retries. Items usually arrive already in
 * order (a link without jitter delivers in send order): those go to a FIFO run at O(1) per push and pop;
 * an item earlier than the run's newest goes to a binary min-heap (O(log n)). `pop` takes the earlier
 * of the two heads. (atMs, order) is unique per item, so the pop order is the same as a plain heap's.
 */
export class FlightQueue<T extends Timed> {
  #heap: T[] = [];
  /** The FIFO run is `#run[#head, #tail)`; its storage is kept when it empties (it refills every frame). */
  #run: Array<T | undefined> = [];
  #head = 0;
  #tail = 0;

  get size(): number {
    return this.#heap.length + this.#tail - this.#head;
  }

  /** The earliest item, or undefined. */
  peek(): T | undefined {
    const h = this.#heap[0];
    if (this.#head === this.#tail) return h;
    const r = this.#run[this.#head]!;
    return h !== undefined && earlier(h, r) ? h : r;
  }

  push(item: T): void {
    const run = this.#run;
    const tail = this.#tail;
    if (this.#head === tail || !earlier(item, run[tail - 1]!)) {
      // Written by index, not pushed: an array emptied with `length = 0` would lose its storage.
      run[tail] = item;
      this.#tail = tail + 1;
      return;
    }
    this.#heapPush(item);
  }

  /** Removes and returns the earliest item. */
  pop(): T | undefined {
    const h = this.#heap[0];
    const head = this.#head;
    if (head === this.#tail || (h !== undefined && earlier(h, this.#run[head]!))) return this.#heapPop();
    const run = this.#run;
    const r = run[head];
    run[head] = undefined;
    if (head + 1 === this.#tail) {
      this.#head = this.#tail = 0;
    } else if (head >= 1024 && head * 2 >= this.#tail) {
      run.copyWithin(0, head + 1, this.#tail);
      this.#tail -= head + 1;
      run.fill(undefined, this.#tail, this.#tail + head + 1);
      this.#head = 0;
    } else {
      this.#head = head + 1;
    }
    return r;
  }

  /** Drops every item for which `keep` is false. */
  retain(keep: (item: T) => boolean): void {
    const kept = [...(this.#run.slice(this.#head, this.#tail) as T[]), ...this.#heap].filter(keep);
    this.#heap = [];
    this.#run = [];
    this.#head = this.#tail = 0;
    kept.sort((a, b) => (earlier(a, b) ? -1 : earlier(b, a) ? 1 : 0));
    for (const item of kept) this.push(item);
  }

  #heapPush(item: T): void {
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

  #heapPop(): T | undefined {
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
}

function earlier(a: Timed, b: Timed): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.order < b.order);
}
