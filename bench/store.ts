// Claim latency and throughput of the board over the store, with 1, 8 and 32
// claimer processes racing over one database.
//   node bench/store.ts [--tasks N] [--store postgres://...]
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { createBoard } from '../src/board/index.ts'
import { openStore } from '../src/store/index.ts'
import { percentile } from './percentile.ts'

const { values } = parseArgs({ options: { tasks: { type: 'string', default: '1000' }, store: { type: 'string' } } })
const taskCount = Number(values.tasks)
const claimer = new URL('./store-claimer.ts', import.meta.url).pathname

interface ClaimerReport {
  latencies: number[]
  startedAt: number
  endedAt: number
}

async function freshLocation(): Promise<{ location: string; dispose(): Promise<void> }> {
  if (values.store) {
    const name = `colony_bench_${Date.now()}`
    const admin = new pg.Client({ connectionString: values.store })
    await admin.connect()
    await admin.query(`create database ${name}`)
    await admin.end()
    const url = new URL(values.store)
    url.pathname = `/${name}`
    return {
      location: url.toString(),
      async dispose() {
        const cleanup = new pg.Client({ connectionString: values.store })
        await cleanup.connect()
        await cleanup.query(`drop database if exists ${name} with (force)`)
        await cleanup.end()
      },
    }
  }
  const directory = await mkdtemp(join(tmpdir(), 'colony-bench-'))
  return { location: join(directory, 'colony.db'), dispose: () => rm(directory, { recursive: true, force: true }) }
}

function startClaimer(location: string, runId: number, owner: string) {
  const child = spawn(process.execPath, [claimer, location, String(runId), owner], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  const next = async () => (await lines.next()).value as string
  return { child, next }
}

async function measure(processes: number) {
  const fresh = await freshLocation()
  const location = fresh.location
  try {
    const store = await openStore(location)
    const run = await store.createRun({ target: 'colony/main' })
    const board = createBoard({ store })
    for (let index = 0; index < taskCount; index++) await board.addTask({ runId: run.id, title: `task ${index}`, createdBy: 'bench' })
    await store.close()

    const claimers = Array.from({ length: processes }, (_, index) => startClaimer(location, run.id, `claimer-${index}`))
    for (const { next } of claimers) if ((await next()) !== 'ready') throw new Error('claimer failed to start')
    for (const { child } of claimers) child.stdin.end('go\n')
    const reports = await Promise.all(claimers.map(async ({ next }) => JSON.parse(await next()) as ClaimerReport))

    const latencies = reports.flatMap((report) => report.latencies).sort((a, b) => a - b)
    const seconds = (Math.max(...reports.map((r) => r.endedAt)) - Math.min(...reports.map((r) => r.startedAt))) / 1000
    if (latencies.length !== taskCount) throw new Error(`expected ${taskCount} claims, got ${latencies.length}`)
    return { processes, claims: latencies.length, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), perSecond: latencies.length / seconds }
  } finally {
    await fresh.dispose()
  }
}

console.log(`store benchmark: ${taskCount} tasks, backend ${values.store ? 'postgres' : 'sqlite'}, ${cpus().length} cores, Node ${process.version}, ${new Date().toISOString()}`)
console.log('processes  claims  p50 ms  p99 ms  claims/s')
for (const processes of [1, 8, 32]) {
  const result = await measure(processes)
  console.log(
    `${String(result.processes).padStart(9)}  ${String(result.claims).padStart(6)}  ${result.p50.toFixed(2).padStart(6)}  ${result.p99.toFixed(2).padStart(6)}  ${result.perSecond.toFixed(0).padStart(8)}`,
  )
}
