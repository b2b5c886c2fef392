// Seeded pseudo-random numbers for reproducible test problems (mulberry32, a 32-bit
// multiply-xorshift generator) plus normal deviates (Box–Muller).
export class Rng {
  private s: number
  private spare: number | null = null
  constructor (seed: number) { this.s = seed >>> 0 }
  /** Uniform in [0, 1). */
  next (): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0
    let t = this.s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  uniform (a: number, b: number): number { return a + (b - a) * this.next() }
  int (a: number, b: number): number { return a + Math.floor(this.next() * (b - a + 1)) }
  normal (): number {
    if (this.spare !== null) { const v = this.spare; this.spare = null; return v }
    let u = 0
    while (u === 0) u = this.next()
    const v = this.next()
    const r = Math.sqrt(-2 * Math.log(u))
    this.spare = r * Math.sin(2 * Math.PI * v)
    return r * Math.cos(2 * Math.PI * v)
  }
  pick<T> (a: readonly T[]): T { return a[Math.floor(this.next() * a.length)] }
}
