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
  #run: Array<T | undefined> = [];
  #head = 0;

  get size(): number {
    return this.#heap.length + this.#run.length - this.#head;
  }

  /** The earliest item, or undefined. */
  peek(): T | undefined {
    const r = this.#run[this.#head];
    const h = this.#heap[0];
    if (r === undefined) return h;
    return h !== undefined && earlier(h, r) ? h : r;
  }

  push(item: T): void {
    const run = this.#run;
    if (this.#head === run.length) {
      if (run.length > 0) this.#clearRun();
      this.#run.push(item);
      return;
    }
    if (!earlier(item, run[run.length - 1]!)) {
      run.push(item);
      return;
    }
    this.#heapPush(item);
  }

  /** Removes and returns the earliest item. */
  pop(): T | undefined {
    const run = this.#run;
    const r = run[this.#head];
    const h = this.#heap[0];
    if (r === undefined || (h !== undefined && earlier(h, r))) return this.#heapPop();
    run[this.#head++] = undefined;
    if (this.#head === run.length) this.#clearRun();
    else if (this.#head >= 1024 && this.#head * 2 >= run.length) {
      run.splice(0, this.#head);
      this.#head = 0;
    }
    return r;
  }

  /** Drops every item for which `keep` is false. */
  retain(keep: (item: T) => boolean): void {
    const kept = [...(this.#run.slice(this.#head) as T[]), ...this.#heap].filter(keep);
    this.#heap = [];
    this.#clearRun();
    kept.sort((a, b) => (earlier(a, b) ? -1 : earlier(b, a) ? 1 : 0));
    for (const item of kept) this.push(item);
  }

  #clearRun(): void {
    this.#run = [];
    this.#head = 0;
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
