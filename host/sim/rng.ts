// Seeded pseudo-random numbers for the simulated sensors: xoshiro128** (Blackman & Vigna, 2018) for
// uniform 32-bit words, seeded by splitmix32 so that any integer seed gives a well-mixed state, and the
// Box–Muller transform for standard normal variates. Deterministic across runs and platforms (only
// 32-bit integer arithmetic and IEEE double math on fixed inputs); no Math.random anywhere.
//
// State: 4 × uint32 plus one cached normal. Nothing is allocated after construction.

/** splitmix32 step: returns the next mixed word and advances the 1-word state held in `s[0]`. */
function splitmix32 (s: Uint32Array): number {
  s[0] = (s[0] + 0x9e3779b9) >>> 0
  let z = s[0]
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
  return (z ^ (z >>> 16)) >>> 0
}

/** xoshiro128** generator with a Box–Muller normal sampler. */
export class Rng {
  private readonly s = new Uint32Array(4)
  private spare = 0
  private hasSpare = false

  constructor (seed: number) {
    this.reseed(seed)
  }

  /** Resets the state from an integer seed (any JS number; its low 32 bits and high bits are both mixed). */
  reseed (seed: number): void {
    if (!Number.isFinite(seed)) throw new RangeError(`Rng seed must be a finite number, got ${seed}`)
    const lo = (seed >>> 0)
    const hi = Math.floor(Math.abs(seed) / 4294967296) >>> 0
    const sm = new Uint32Array([lo ^ Math.imul(hi, 0x27d4eb2d)])
    for (let i = 0; i < 4; i++) this.s[i] = splitmix32(sm)
    // xoshiro must not start from the all-zero state (splitmix32 cannot give four zeros, but be explicit).
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1
    this.hasSpare = false
    this.spare = 0
  }

  /** Sets the raw xoshiro128** state (for reference-vector tests); not all zero. */
  setState (s0: number, s1: number, s2: number, s3: number): void {
    if (((s0 | s1 | s2 | s3) >>> 0) === 0) throw new RangeError('xoshiro128** state must not be all zero')
    this.s[0] = s0; this.s[1] = s1; this.s[2] = s2; this.s[3] = s3
    this.hasSpare = false
  }

  /** Next uniform 32-bit word (xoshiro128**). */
  nextU32 (): number {
    const s = this.s
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0
    const t = (s[1] << 9) >>> 0
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = rotl(s[3], 11)
    return result
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform (): number {
    const a = this.nextU32() >>> 5 // 27 bits
    const b = this.nextU32() >>> 6 // 26 bits
    return (a * 67108864 + b) / 9007199254740992
  }

  /** Standard normal variate N(0, 1), Box–Muller; the second value of each pair is kept for the next call. */
  normal (): number {
    if (this.hasSpare) {
      this.hasSpare = false
      return this.spare
    }
    // u1 in (0, 1] so that log(u1) is finite.
    const u1 = 1 - this.uniform()
    const u2 = this.uniform()
    const r = Math.sqrt(-2 * Math.log(u1))
    const phi = 2 * Math.PI * u2
    this.spare = r * Math.sin(phi)
    this.hasSpare = true
    return r * Math.cos(phi)
  }
}

function rotl (x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0
}
