// The benchmark's scripted model server, in its own process so that its CPU is
// not counted as the orchestrator's. Prints its URL on stdout.
import { parseArgs } from 'node:util'
import { startScriptedServer } from '../src/model/scripted/index.ts'
import { orchestrateScript } from './orchestrate-script.ts'

const { values } = parseArgs({ options: { tasks: { type: 'string' }, areas: { type: 'string' }, seed: { type: 'string' }, min: { type: 'string' }, max: { type: 'string' } } })
const server = await startScriptedServer({ script: orchestrateScript({ tasks: Number(values.tasks), areas: Number(values.areas), seed: Number(values.seed), minMs: Number(values.min), maxMs: Number(values.max) }) })
process.stdout.write(`${server.url}\n`)
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)))
