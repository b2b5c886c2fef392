// `cerebellum <command> [options]`: dispatches to host/cli/commands/<command>.ts, each exporting
// `run(argv: string[]): Promise<number>` (the exit code) and a one-line `summary`.
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

interface Command { run: (argv: string[]) => Promise<number>, summary: string }

const dir = fileURLToPath(new URL('./commands/', import.meta.url))
const names = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => f.slice(0, -3)).sort()

async function main (): Promise<number> {
  const [name, ...argv] = process.argv.slice(2)
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const lines = await Promise.all(names.map(async (n) => `  ${n.padEnd(10)} ${((await import(`./commands/${n}.ts`)) as Command).summary}`))
    console.log(`usage: cerebellum <command> [options]\n\ncommands:\n${lines.join('\n')}\n\n'cerebellum <command> --help' for a command's options.`)
    return name === undefined ? 2 : 0
  }
  if (!names.includes(name)) {
    console.error(`cerebellum: unknown command '${name}' (commands: ${names.join(', ')})`)
    return 2
  }
  const cmd = (await import(`./commands/${name}.ts`)) as Command
  return await cmd.run(argv)
}

main().then((code) => { process.exitCode = code }, (err: unknown) => {
  console.error(err instanceof Error ? `cerebellum: ${err.message}` : err)
  process.exitCode = 1
})
