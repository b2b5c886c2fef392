#!/usr/bin/env node
// Runs the TypeScript CLI through tsx so the installed command and `npm start` share one entry.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
const main = fileURLToPath(new URL('../host/cli/main.ts', import.meta.url))
const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), main, ...process.argv.slice(2)], { stdio: 'inherit' })
process.exit(r.status ?? 1)
