/** The injectable source of randomness (peer ids, conditioner loss and jitter). */
export interface Rng {
  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number;
}

/** A float in [0, 1) from an `Rng`. */
export function randomFloat(rng: Rng): number {
  return rng.nextUint32() / 0x1_0000_0000;
}

/** An integer in [min, max] (inclusive) from an `Rng`. */
export function randomInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(randomFloat(rng) * (max - min + 1));
}

/**
 * A seeded generator (sfc32, seeded through splitmix32). Fast, small state, good statistical
 * quality; not cryptographic. The same seed gives the same sequence on every platform.
 */
export class SeededRng implements Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.#a + this.#b) >>> 0) + this.#d) >>> 0;
    this.#d = (this.#d + 1) >>> 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) >>> 0;
    this.#c = ((this.#c << 21) | (this.#c >>> 11)) >>> 0;
    this.#c = (this.#c + t) >>> 0;
    return t;
  }

  /** A new independent generator derived from this one (for giving each component its own stream). */
  fork(): SeededRng {
    return new SeededRng(this.nextUint32());
  }
}

/** Randomness from `crypto.getRandomValues` (Node ≥ 19 and browsers), for production peer ids. */
export const cryptoRng: Rng = {
  nextUint32(): number {
    return globalThis.crypto.getRandomValues(new Uint32Array(1))[0]!;
  },
};
