// A claimer process for bench/store.ts: opens the store, waits for "go" on stdin,
// claims and completes tasks until none is left, and prints its claim latencies.
import { createInterface } from 'node:readline'
import { createBoard } from '../src/board/index.ts'
import { openStore } from '../src/store/index.ts'

const [location, runId, owner] = process.argv.slice(2)
if (!location || !runId || !owner) throw new Error('usage: store-claimer.ts LOCATION RUN_ID OWNER')
const store = await openStore(location, { busyTimeoutMs: 120_000 })
const board = createBoard({ store, leaseMs: 600_000 })
process.stdout.write('ready\n')
for await (const line of createInterface({ input: process.stdin })) if (line === 'go') break

const latencies: number[] = []
const startedAt = performance.timeOrigin + performance.now()
for (;;) {
  const before = performance.now()
  const task = await board.claim({ runId: Number(runId), owner })
  latencies.push(performance.now() - before)
  if (!task) break
  await board.advance(task, 'running')
}
const endedAt = performance.timeOrigin + performance.now()
await store.close()
process.stdout.write(`${JSON.stringify({ latencies: latencies.slice(0, -1), startedAt, endedAt })}\n`)
