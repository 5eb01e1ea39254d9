// The benchmarks' scripted model server (bench/orchestrate.ts; bench/scale.ts
// with --plans), in its own process so that its CPU is not counted as the
// orchestrator's. Prints its URL on stdout.
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { startScriptedServer } from '../src/model/scripted/index.ts'
import { orchestrateScript } from './orchestrate-script.ts'
import { scaleScript, type ScaleTaskPlan } from './scale-script.ts'

const { values } = parseArgs({ options: { tasks: { type: 'string' }, areas: { type: 'string' }, seed: { type: 'string' }, min: { type: 'string' }, max: { type: 'string' }, plans: { type: 'string' } } })
const timing = { seed: Number(values.seed), minMs: Number(values.min), maxMs: Number(values.max) }
const script = values.plans
  ? scaleScript({ plans: JSON.parse(readFileSync(values.plans, 'utf8')) as ScaleTaskPlan[], ...timing })
  : orchestrateScript({ tasks: Number(values.tasks), areas: Number(values.areas), ...timing })
const server = await startScriptedServer({ script })
process.stdout.write(`${server.url}\n`)
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)))
