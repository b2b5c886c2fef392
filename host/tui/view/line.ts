// A screen line built from styled pieces, always exactly `width` cells wide (cut or padded), then
// turned into text with SGR escapes — or without colour (bold and inverse kept, they carry meaning),
// or in plain ASCII when the terminal is not UTF-8. Every character used is one cell wide.

export type Color = 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'gray'
export interface Style { fg?: Color, bold?: boolean, inverse?: boolean, dim?: boolean }

const FG: Record<Color, number> = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90 }

/** Stand-ins for the non-ASCII characters the UI prints, when the terminal is not UTF-8. */
const ASCII: Record<string, string> = {
  '·': '.', 'µ': 'u', 'τ': 't', '─': '-', '│': '|', '•': '*', '→': '>', '²': '2', '°': 'd', '…': '~',
  '±': '+', '↑': '^', '↓': 'v', '▲': '^', '▼': 'v', '█': '#', '┃': '|', 'ω': 'w', 'Δ': 'd', '←': '<'
}

export interface RenderOptions { color: boolean, unicode: boolean }

export class Line {
  private readonly parts: Array<{ text: string, style: Style }> = []
  private used = 0

  constructor (readonly width: number, private readonly base: Style = {}) {}

  /** Appends text (cut at the line's end). */
  add (text: string, style: Style = {}): this {
    const room = this.width - this.used
    if (room <= 0 || text === '') return this
    const chars = Array.from(text)
    const t = chars.length > room ? chars.slice(0, room).join('') : text
    this.parts.push({ text: t, style: { ...this.base, ...style } })
    this.used += Math.min(chars.length, room)
    return this
  }

  /** Pads with spaces to column `col` (no-op when already past it). */
  padTo (col: number, style: Style = {}): this {
    if (col > this.used) this.add(' '.repeat(Math.min(col, this.width) - this.used), style)
    return this
  }

  /** Appends a whole line's pieces (for side-by-side panels). */
  append (other: Line): this {
    for (const p of other.parts) this.add(p.text, p.style)
    this.padTo(this.used + (other.width - other.used))
    return this
  }

  get length (): number { return this.used }

  toString (o: RenderOptions): string {
    let out = ''
    const rest = this.width - this.used
    const parts = rest > 0 ? [...this.parts, { text: ' '.repeat(rest), style: this.base }] : this.parts
    for (const p of parts) {
      const text = o.unicode ? p.text : Array.from(p.text).map((c) => c.charCodeAt(0) < 128 ? c : ASCII[c] ?? '?').join('')
      const codes: number[] = []
      if (p.style.bold === true) codes.push(1)
      if (p.style.dim === true && o.color) codes.push(2)
      if (p.style.inverse === true) codes.push(7)
      if (p.style.fg !== undefined && o.color) codes.push(FG[p.style.fg])
      out += codes.length > 0 ? `\x1b[${codes.join(';')}m${text}\x1b[0m` : text
    }
    return out
  }
}

/** A number in a fixed width: sign when asked, `digits` decimals, '—' when not finite. */
export function fmt (x: number, digits: number, width = 0, sign = false): string {
  // Values that round to zero print without a sign ('-0.00' would suggest a direction).
  const r = Number.isFinite(x) && Number(x.toFixed(digits)) === 0 ? 0 : x
  const s = !Number.isFinite(r) ? '—' : (sign && r >= 0 ? '+' : '') + r.toFixed(digits)
  return width > 0 ? s.padStart(width) : s
}

/** A number in at most `width` characters, as precise as fits (for parameter values of any size). */
export function fmtFit (x: number | null, width: number): string {
  if (x === null || !Number.isFinite(x)) return '?'.padStart(width)
  if (width <= 0) return Number(x.toPrecision(6)).toString()
  for (let d = 4; d >= 0; d--) {
    const s = Number(x.toFixed(d)).toString()
    if (s.length <= width) return s.padStart(width)
  }
  return x.toExponential(1).padStart(width)
}
