// `cerebellum run`: the controller against a plant at 500 Hz. The command line lives with the runtime.
import { RUN_SUMMARY, runCommand } from '../../runtime/run-command.ts'

export const summary = RUN_SUMMARY

export async function run (argv: string[]): Promise<number> {
  return await runCommand(argv)
}
