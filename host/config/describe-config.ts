// Prints the configuration reference table (markdown) for host/config/README.md:
//   npx tsx host/config/describe-config.ts
import { runtimeConfigSchema } from './runtime-config.ts'
import { describeSchema } from './schema.ts'

console.log(describeSchema(runtimeConfigSchema))
