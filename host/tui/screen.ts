// Writes frames to the terminal without flicker: the alternate screen, the cursor hidden, and per frame
// only the lines that changed since the last one, in a single write wrapped in "synchronized update"
// (DEC mode 2026; terminals that do not know it ignore it). Lines come exactly as wide as the screen, so
// nothing is erased first. A resize or `invalidate` repaints everything.
// The output stream is injected (tests and `cerebellum run --tui` use their own).

export interface TerminalOut {
  write: (s: string) => boolean
  columns?: number
  rows?: number
}

export class Screen {
  private prev: string[] = []
  private started = false

  constructor (private readonly out: TerminalOut) {}

  size (): { cols: number, rows: number } {
    return { cols: Math.max(20, this.out.columns ?? 80), rows: Math.max(8, this.out.rows ?? 24) }
  }

  start (): void {
    if (this.started) return
    this.started = true
    this.out.write('\x1b[?1049h\x1b[?25l\x1b[2J')
    this.prev = []
  }

  /** Leaves the alternate screen and shows the cursor again (safe to call twice). */
  stop (): void {
    if (!this.started) return
    this.started = false
    this.out.write('\x1b[0m\x1b[?25h\x1b[?1049l')
  }

  invalidate (): void {
    this.prev = []
    if (this.started) this.out.write('\x1b[2J')
  }

  /** Draws a frame (one string per screen row); returns the number of rows rewritten. */
  draw (lines: readonly string[]): number {
    let buf = ''
    let n = 0
    for (let r = 0; r < lines.length; r++) {
      if (this.prev[r] === lines[r]) continue
      buf += `\x1b[${r + 1};1H${lines[r]}\x1b[0m`
      n++
    }
    for (let r = lines.length; r < this.prev.length; r++) buf += `\x1b[${r + 1};1H\x1b[K`
    this.prev = [...lines]
    if (buf !== '') this.out.write(`\x1b[?2026h${buf}\x1b[?2026l`)
    return n
  }
}
