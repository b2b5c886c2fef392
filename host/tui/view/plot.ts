// A two-series strip chart in character cells: commanded (─) and measured (•) values per column, '#'
// where they share a cell, a dotted zero line, and a symmetric scale ±ymax chosen from the data on a
// 1-2-5 ladder so it does not jitter from frame to frame.
import { Line, fmt, type Style } from './line.ts'

const LADDER = [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50]

/** The smallest ladder step ≥ max |v| of the series (NaN ignored), at least `floor`. */
export function plotScale (series: ArrayLike<number>[], floor: number): number {
  let m = floor
  for (const s of series) for (let i = 0; i < s.length; i++) if (Number.isFinite(s[i]) && Math.abs(s[i]) > m) m = Math.abs(s[i])
  return LADDER.find((x) => x >= m) ?? m
}

const AXIS = 6

/**
 * Draws `rows` lines of `width` cells: a 6-cell axis then the last (width − 6) samples of `a` (commanded)
 * and `b` (measured), oldest on the left.
 */
export function plot (a: ArrayLike<number>, b: ArrayLike<number>, width: number, rows: number, ymax: number, styles: { a: Style, b: Style }): Line[] {
  const n = Math.max(1, width - AXIS)
  const grid: string[][] = Array.from({ length: rows }, () => new Array<string>(n).fill(' '))
  // Zero sits on a row (the middle one, or just below it for an even count); each half scales separately,
  // so a value near zero draws on the zero line rather than flickering between two rows.
  const zero = Math.floor(rows / 2)
  const rowOf = (v: number): number => v >= 0
    ? Math.max(0, zero - Math.round(Math.min(1, v / ymax) * zero))
    : Math.min(rows - 1, zero + Math.round(Math.min(1, -v / ymax) * (rows - 1 - zero)))
  for (let x = 0; x < n; x++) grid[zero][x] = '·'
  const off = a.length - n
  for (let x = 0; x < n; x++) {
    const i = off + x
    if (i < 0) continue
    const va = a[i]; const vb = b[i]
    const ra = Number.isFinite(va) ? rowOf(va) : -1
    const rb = Number.isFinite(vb) ? rowOf(vb) : -1
    if (ra >= 0) grid[ra][x] = '─'
    if (rb >= 0) grid[rb][x] = rb === ra ? '#' : '•'
  }
  return grid.map((cells, r) => {
    const axis = r === 0 ? fmt(ymax, ymax < 1 ? 2 : 1, AXIS - 1, true) : r === rows - 1 ? fmt(-ymax, ymax < 1 ? 2 : 1, AXIS - 1, true) : r === zero ? '    0' : ''
    const line = new Line(width).add(axis.padEnd(AXIS - 1), { dim: true }).add('│', { dim: true })
    for (const c of cells) line.add(c, c === '─' ? styles.a : c === '•' ? styles.b : c === '#' ? { bold: true } : { dim: true })
    return line
  })
}
