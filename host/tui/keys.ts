// Keys: Node's readline keypress events normalized to one string each ('up', 'enter', 'space', 'C-c',
// or the printable character itself, case kept), and the key map the help line and README show.

/** What readline's 'keypress' event gives (str, key). */
export interface KeypressInfo { name?: string, ctrl?: boolean, meta?: boolean, shift?: boolean, sequence?: string }

const NAMED = new Set(['up', 'down', 'left', 'right', 'pageup', 'pagedown', 'home', 'end', 'enter', 'return', 'escape', 'tab', 'backspace', 'delete', 'space'])

/** One key as a string, or null for keys the UI does not use. */
export function normalizeKey (str: string | undefined, key: KeypressInfo | undefined): string | null {
  if (key?.ctrl === true && key.name !== undefined) return `C-${key.name}`
  const name = key?.name
  if (name === 'return') return 'enter'
  if (name === 'space' || str === ' ') return 'space'
  if (name !== undefined && NAMED.has(name)) return name
  if (str !== undefined && str.length === 1 && str >= ' ' && str !== '\x7f') return str
  return null
}

/** Teleop steps per key press. */
export const TELEOP_STEP = { vx: 0.1, vy: 0.1, wz: 0.2, height: 0.01 } as const

/** The help line for each situation (shortest first when the terminal is narrow). */
export const HELP = {
  normal: 'space E-STOP  ↑↓/enter edit  r/R revert  s save  / find  tab  t teleop  q quit',
  teleop: 'space E-STOP  w/s vx  a/d vy  q/e yaw  x stop  g gait  +/- height  t/esc off',
  edit: 'type a value  enter apply  esc cancel  (space = E-STOP)',
  filter: 'type to filter gains  enter keep  esc clear',
  save: 'y write the file  n/esc cancel  ↑↓ scroll',
  estop: 'E-STOP engaged  u leave it (asks to confirm)  q quit',
  confirm: 'y leave the e-stop and resume  any other key stays stopped'
} as const
