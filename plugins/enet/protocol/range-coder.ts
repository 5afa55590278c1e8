/**
 * ENet's range-coder compressor: an adaptive order-2 PPM model driving a 32-bit carry-less range
 * coder, bit-exact with `enet_host_compress_with_range_coder` (docs/wire/enet.md §21). Stateless across
 * datagrams: every call starts from a fresh model.
 */

const NODE_LIMIT = 4096;
const RESET_AT = NODE_LIMIT - 2;
const TOP = 1 << 24;
const BOTTOM = 1 << 16;
const SUB_INCREMENT = 2;
const SUB_ESCAPE_INCREMENT = 5;
const ROOT_INCREMENT = 3;
const ROOT_MINIMUM = 1;
const TOTAL_LIMIT = 0xff00;

/** The model: a pool of nodes that are at once tree symbols and contexts (docs/wire/enet.md §21.1). */
class Model {
  readonly value = new Uint8Array(NODE_LIMIT);
  readonly count = new Uint8Array(NODE_LIMIT);
  readonly under = new Uint16Array(NODE_LIMIT);
  readonly left = new Uint16Array(NODE_LIMIT);
  readonly right = new Uint16Array(NODE_LIMIT);
  readonly symbols = new Uint16Array(NODE_LIMIT);
  readonly escapes = new Uint16Array(NODE_LIMIT);
  readonly total = new Uint16Array(NODE_LIMIT);
  readonly parent = new Uint16Array(NODE_LIMIT);
  next = 0;
  // Results of the last lookup.
  foundUnder = 0;
  foundCount = 0;

  reset(): void {
    this.next = 0;
    this.create(0, 0);
    this.escapes[0] = 1;
    this.total[0] = 1 + 256 * ROOT_MINIMUM;
  }

  create(v: number, c: number): number {
    const n = this.next++;
    this.value[n] = v;
    this.count[n] = c;
    this.under[n] = c;
    this.left[n] = 0;
    this.right[n] = 0;
    this.symbols[n] = 0;
    this.escapes[n] = 0;
    this.total[n] = 0;
    this.parent[n] = 0;
    return n;
  }

  /** Finds or inserts `v` in `ctx`; sets foundUnder/foundCount (docs/wire/enet.md §21.2 `lookup`). */
  lookup(ctx: number, v: number, inc: number, min: number): number {
    let under = v * min;
    let count = min;
    let n = this.symbols[ctx]!;
    let result: number;
    if (n === 0) {
      result = this.create(v, inc);
      this.symbols[ctx] = result;
    } else {
      for (;;) {
        const nv = this.value[n]!;
        if (v < nv) {
          this.under[n] += inc;
          if (this.left[n]) {
            n = this.left[n]!;
            continue;
          }
          result = this.create(v, inc);
          this.left[n] = result;
        } else if (v > nv) {
          under += this.under[n]!;
          if (this.right[n]) {
            n = this.right[n]!;
            continue;
          }
          result = this.create(v, inc);
          this.right[n] = result;
        } else {
          count += this.count[n]!;
          under += this.under[n]! - this.count[n]!;
          this.under[n] += inc;
          this.count[n] += inc;
          result = n;
        }
        break;
      }
    }
    this.foundUnder = under & 0xffff;
    this.foundCount = count & 0xffff;
    return result;
  }

  rescale(ctx: number, min: number): void {
    const root = this.symbols[ctx]!;
    let total = root ? this.rescaleTree(root) : 0;
    this.escapes[ctx] -= this.escapes[ctx]! >> 1;
    total += this.escapes[ctx]! + 256 * min;
    this.total[ctx] = total;
  }

  rescaleTree(start: number): number {
    let total = 0;
    let n = start;
    for (;;) {
      this.count[n] -= this.count[n]! >> 1;
      this.under[n] = this.count[n]!;
      if (this.left[n]) this.under[n] += this.rescaleTree(this.left[n]!);
      total += this.under[n]!;
      if (!this.right[n]) break;
      n = this.right[n]!;
    }
    return total;
  }
}

const model = new Model();

/** Range-encodes `input`; returns null when the output would exceed `limit` bytes or input is empty. */
export function rangeCoderCompress(input: Uint8Array, limit: number): Uint8Array | null {
  if (input.length === 0) return null;
  const out = new Uint8Array(limit);
  let outPos = 0;
  let low = 0;
  let range = 0xffffffff;
  let overflow = false;
  const encode = (under: number, count: number, total: number): void => {
    range = Math.floor(range / total);
    low = (low + under * range) >>> 0;
    range = (range * count) >>> 0;
    for (;;) {
      if ((low ^ ((low + range) >>> 0)) >>> 0 >= TOP) {
        if (range >= BOTTOM) break;
        range = (0x100000000 - low) & (BOTTOM - 1);
      }
      if (outPos >= limit) {
        overflow = true;
        return;
      }
      out[outPos++] = low >>> 24;
      range = (range << 8) >>> 0;
      low = (low << 8) >>> 0;
    }
  };
  const m = model;
  m.reset();
  let predicted = 0;
  let order = 0;
  for (let i = 0; i < input.length; i++) {
    const v = input[i]!;
    let link = -1;
    let ctx = predicted;
    let coded = false;
    while (ctx !== 0) {
      const s = m.lookup(ctx, v, SUB_INCREMENT, 0);
      const under = m.foundUnder;
      const count = m.foundCount;
      if (link < 0) predicted = s;
      else m.parent[link] = s;
      link = s;
      const total = m.total[ctx]!;
      if (count > 0) {
        encode(m.escapes[ctx]! + under, count, total);
      } else {
        if (m.escapes[ctx]! > 0 && m.escapes[ctx]! < total) encode(0, m.escapes[ctx]!, total);
        m.escapes[ctx] += SUB_ESCAPE_INCREMENT;
        m.total[ctx] += SUB_ESCAPE_INCREMENT;
      }
      m.total[ctx] += SUB_INCREMENT;
      if (count > 0xff - 2 * SUB_INCREMENT || m.total[ctx]! > TOTAL_LIMIT) m.rescale(ctx, 0);
      if (overflow) return null;
      if (count > 0) {
        coded = true;
        break;
      }
      ctx = m.parent[ctx]!;
    }
    if (!coded) {
      const s = m.lookup(0, v, ROOT_INCREMENT, ROOT_MINIMUM);
      if (link < 0) predicted = s;
      else m.parent[link] = s;
      encode(m.escapes[0]! + m.foundUnder, m.foundCount, m.total[0]!);
      m.total[0] += ROOT_INCREMENT;
      if (m.foundCount > 0xff - 2 * ROOT_INCREMENT + ROOT_MINIMUM || m.total[0]! > TOTAL_LIMIT) m.rescale(0, ROOT_MINIMUM);
      if (overflow) return null;
    }
    if (order >= 2) predicted = m.parent[predicted]!;
    else order++;
    if (m.next >= RESET_AT) {
      m.reset();
      predicted = 0;
      order = 0;
    }
  }
  while (low !== 0) {
    if (outPos >= limit) return null;
    out[outPos++] = low >>> 24;
    low = (low << 8) >>> 0;
  }
  return out.subarray(0, outPos);
}

/** Decodes range-coder output; returns null on malformed input or when output exceeds `limit`. */
export function rangeCoderDecompress(input: Uint8Array, limit: number): Uint8Array | null {
  const out = new Uint8Array(limit);
  let outPos = 0;
  let inPos = 0;
  const next = (): number => (inPos < input.length ? input[inPos++]! : 0);
  let code = ((next() << 24) | (next() << 16) | (next() << 8) | next()) >>> 0;
  let low = 0;
  let range = 0xffffffff;
  const peek = (total: number): number => {
    range = Math.floor(range / total);
    return Math.floor(((code - low) >>> 0) / range) & 0xffff;
  };
  const consume = (under: number, count: number): void => {
    low = (low + under * range) >>> 0;
    range = (range * count) >>> 0;
    for (;;) {
      if ((low ^ ((low + range) >>> 0)) >>> 0 >= TOP) {
        if (range >= BOTTOM) break;
        range = (0x100000000 - low) & (BOTTOM - 1);
      }
      code = ((code << 8) | next()) >>> 0;
      range = (range << 8) >>> 0;
      low = (low << 8) >>> 0;
    }
  };
  const m = model;
  m.reset();
  let predicted = 0;
  let order = 0;
  for (;;) {
    let v = 0;
    let bottom = 0;
    let foundIn = -1;
    for (let ctx = predicted; ctx !== 0; ctx = m.parent[ctx]!) {
      const escapes = m.escapes[ctx]!;
      const total = m.total[ctx]!;
      if (escapes === 0 || escapes >= total) continue;
      const c = peek(total);
      if (c < escapes) {
        consume(0, escapes);
        continue;
      }
      const n = searchSubContext(m, ctx, c - escapes);
      if (n === 0) return null;
      v = m.value[n]!;
      const count = m.foundCount;
      const under = m.foundUnder;
      bottom = n;
      consume(escapes + under, count);
      m.total[ctx] += SUB_INCREMENT;
      if (count > 0xff - 2 * SUB_INCREMENT || m.total[ctx]! > TOTAL_LIMIT) m.rescale(ctx, 0);
      foundIn = ctx;
      break;
    }
    if (foundIn < 0) {
      const r = decodeRoot(m, peek, consume);
      if (r === null) return null;
      if (r < 0) return out.subarray(0, outPos);
      bottom = r;
      v = m.value[r]!;
      foundIn = 0;
    }
    let link = -1;
    for (let p = predicted; p !== foundIn; p = m.parent[p]!) {
      const s = m.lookup(p, v, SUB_INCREMENT, 0);
      if (link < 0) predicted = s;
      else m.parent[link] = s;
      link = s;
      if (m.foundCount <= 0) {
        m.escapes[p] += SUB_ESCAPE_INCREMENT;
        m.total[p] += SUB_ESCAPE_INCREMENT;
      }
      m.total[p] += SUB_INCREMENT;
      if (m.foundCount > 0xff - 2 * SUB_INCREMENT || m.total[p]! > TOTAL_LIMIT) m.rescale(p, 0);
    }
    if (link < 0) predicted = bottom;
    else m.parent[link] = bottom;
    if (outPos >= limit) return null;
    out[outPos++] = v;
    if (order >= 2) predicted = m.parent[predicted]!;
    else order++;
    if (m.next >= RESET_AT) {
      m.reset();
      predicted = 0;
      order = 0;
    }
  }
}

/** Finds the symbol whose slice holds `c` in sub-context `ctx`, updating its counts; 0 when malformed. */
function searchSubContext(m: Model, ctx: number, c: number): number {
  let under = 0;
  let n = m.symbols[ctx]!;
  while (n !== 0) {
    const after = (under + m.under[n]!) & 0xffff;
    const before = m.count[n]!;
    if (c >= after) {
      under = after;
      n = m.right[n]!;
    } else if (c < after - before) {
      m.under[n] += SUB_INCREMENT;
      n = m.left[n]!;
    } else {
      m.foundCount = before;
      m.foundUnder = after - before;
      m.under[n] += SUB_INCREMENT;
      m.count[n] += SUB_INCREMENT;
      return n;
    }
  }
  return 0;
}

/** Decodes one symbol in the root context. Returns the node, -1 at end of stream, null on error. */
function decodeRoot(m: Model, peek: (t: number) => number, consume: (u: number, c: number) => void): number | null {
  const total = m.total[0]!;
  let c = peek(total);
  const escapes = m.escapes[0]!;
  if (c < escapes) {
    consume(0, escapes);
    return -1;
  }
  c -= escapes;
  let under = 0;
  let count = ROOT_MINIMUM;
  let result: number;
  let n = m.symbols[0]!;
  if (n === 0) {
    const v = c & 0xff;
    if (c > 0xff) return null;
    under = c;
    result = m.create(v, ROOT_INCREMENT);
    m.symbols[0] = result;
  } else {
    for (;;) {
      const nv = m.value[n]!;
      const after = (under + m.under[n]! + (nv + 1) * ROOT_MINIMUM) & 0xffff;
      const before = m.count[n]! + ROOT_MINIMUM;
      if (c >= after) {
        under += m.under[n]!;
        if (m.right[n]) {
          n = m.right[n]!;
          continue;
        }
        const v = nv + 1 + (c - after);
        if (v > 0xff) return null;
        under = c;
        result = m.create(v, ROOT_INCREMENT);
        m.right[n] = result;
      } else if (c < after - before) {
        m.under[n] += ROOT_INCREMENT;
        if (m.left[n]) {
          n = m.left[n]!;
          continue;
        }
        const v = nv - 1 - (after - before - c - 1);
        if (v < 0) return null;
        under = c;
        result = m.create(v, ROOT_INCREMENT);
        m.left[n] = result;
      } else {
        count += m.count[n]!;
        under = after - before;
        m.under[n] += ROOT_INCREMENT;
        m.count[n] += ROOT_INCREMENT;
        result = n;
      }
      break;
    }
  }
  consume(escapes + under, count);
  m.total[0] += ROOT_INCREMENT;
  if (count > 0xff - 2 * ROOT_INCREMENT + ROOT_MINIMUM || m.total[0]! > TOTAL_LIMIT) m.rescale(0, ROOT_MINIMUM);
  return result;
}
