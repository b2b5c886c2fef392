// `cerebellum tui`: the terminal UI, attached to a running controller's control socket.
import { parseArgs } from 'node:util'
import { runTui } from '../../tui/app.ts'
import { DEFAULT_CONTROL_HOST, DEFAULT_CONTROL_PORT, isLoopback, parseControlAddress, type ControlAddress } from '../../tui/protocol.ts'

export const summary = 'terminal UI: live gains, teleop, e-stop and monitoring of a running controller'

const USAGE = `usage: cerebellum tui [options]

Attaches to a running controller ('cerebellum run' opens its control socket on ${DEFAULT_CONTROL_HOST}:${DEFAULT_CONTROL_PORT}
unless told otherwise; 'cerebellum run --tui' starts both in one terminal). Quitting the UI, or losing
it, leaves the controller running.

options:
  --connect ADDR   HOST:PORT, :PORT, unix:PATH or a socket path (default ${DEFAULT_CONTROL_HOST}:${DEFAULT_CONTROL_PORT})
  --token T        the control socket's token (needed for a non-loopback controller; or CEREBELLUM_CONTROL_TOKEN)
  --no-color       no colour (also NO_COLOR=1); bold and inverse stay
  --ascii          ASCII only (default when the locale is not UTF-8)
  -h, --help       this text

keys:
  space            E-STOP (safe mode at once); u then y leaves it
  ↑/↓ j/k, PgUp/PgDn   select a parameter;  / filter by name
  enter            edit the selected parameter (checked against its bounds; big changes ramp in)
  r / R            revert the selected / every parameter to its start-up value
  s                save changed parameters to the configuration file (shows the diff first; y writes)
  tab, 1 2 3       gains / motors / controller panel
  t                teleop on/off: w/s vx, a/d vy, q/e yaw, x stop, g gait, +/- height
  q, Ctrl-C        quit (the controller keeps running)`

export async function run (argv: string[]): Promise<number> {
  let values: { connect?: string, token?: string, 'no-color'?: boolean, ascii?: boolean, help?: boolean }
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        connect: { type: 'string' },
        token: { type: 'string' },
        'no-color': { type: 'boolean' },
        ascii: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' }
      }
    }).values
  } catch (e) {
    console.error(`cerebellum tui: ${(e as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (values.help === true) { console.log(USAGE); return 0 }
  let address: ControlAddress
  try {
    address = parseControlAddress(values.connect ?? `${DEFAULT_CONTROL_HOST}:${DEFAULT_CONTROL_PORT}`)
  } catch (e) {
    console.error(`cerebellum tui: --connect: ${(e as Error).message}`)
    return 2
  }
  const token = values.token ?? process.env.CEREBELLUM_CONTROL_TOKEN ?? ''
  if (!isLoopback(address) && token === '') {
    console.error(`cerebellum tui: ${values.connect ?? ''} is not loopback: give --token (or CEREBELLUM_CONTROL_TOKEN)`)
    return 2
  }
  if (process.stdin.isTTY !== true || process.stdout.isTTY !== true) {
    console.error('cerebellum tui: needs a terminal (stdin and stdout must be a TTY)')
    return 2
  }
  return await runTui({
    address,
    token,
    input: process.stdin,
    output: process.stdout,
    color: values['no-color'] === true ? false : undefined,
    unicode: values.ascii === true ? false : undefined
  })
}
