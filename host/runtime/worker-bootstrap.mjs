// Entry of every worker thread the runtime starts. Node cannot load a .ts file as a worker by itself, and
// a worker does not inherit the parent's tsx loader; this plain-JS entry registers tsx in the worker,
// then imports the TypeScript module named in workerData.entry.
import { workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
await import(workerData.entry)
