// Orchestration overhead: a run of N tasks (default 200, in 4 sub-planned areas)
// with W workers (default 50) whose scripted model replies take a seeded random
// 0.5–3 s. The whole real stack runs: store, board, supervisor, worktrees,
// sandboxed gate commands, integration by compare-and-swap. Prints tasks merged
// per minute, this process's CPU time and memory per task, and the share of
// worker-slot time spent idle.
//   node bench/orchestrate.ts [--tasks N] [--workers W] [--seed S]
import { spawn } from 'node:child_process'
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { Writable } from 'node:stream'
import { parseArgs } from 'node:util'
import { execFileSync } from 'node:child_process'
import { demoProject } from '../src/demo/index.ts'
import { launchRun } from '../src/launch/index.ts'
import { openRunSetting } from './run-setting.ts'

const { values } = parseArgs({ options: { tasks: { type: 'string', default: '200' }, workers: { type: 'string', default: '50' }, seed: { type: 'string', default: '42' }, min: { type: 'string', default: '500' }, max: { type: 'string', default: '3000' } } })
const tasks = Number(values.tasks)
const workers = Number(values.workers)
const areas = 4

const model = spawn(process.execPath, [new URL('./orchestrate-model.ts', import.meta.url).pathname, '--tasks', String(tasks), '--areas', String(areas), '--seed', values.seed, '--min', values.min, '--max', values.max], { stdio: ['ignore', 'pipe', 'inherit'] })
const url = await new Promise<string>((resolve) => createInterface({ input: model.stdout }).once('line', resolve))

const root = await mkdtemp(join(tmpdir(), 'colony-bench-orchestrate-'))
try {
  await cp(demoProject, root, { recursive: true })
  const git = (args: string[]) => execFileSync('git', ['-c', 'user.name=Bench', '-c', 'user.email=bench@colony.local', ...args], { cwd: root })
  git(['init', '-q', '-b', 'main'])
  git(['add', '-A'])
  git(['commit', '-q', '-m', 'initial'])
  await writeFile(
    join(root, 'colony.json'),
    JSON.stringify({ models: { default: 'scripted:bench' }, providers: { scripted: { type: 'openai-compatible', baseURL: url } }, workers, limits: { attemptMinutes: 10, leaseSeconds: 60, diffLines: 100 }, context: { repoMapTokens: 0 } }),
  )
  const { layout, config, store, board } = await openRunSetting(root, 60_000)

  let peakRss = process.memoryUsage().rss
  const baselineRss = peakRss
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200)
  // Heap after a full collection as tasks merge: flat means nothing accumulates per task (run with --expose-gc).
  const collect = (globalThis as { gc?: () => void }).gc
  const heapByMerged: { merged: number; heapMb: number }[] = []
  const heapSampler = setInterval(() => {
    void store.latestRun().then(async (latest) => {
      if (!latest || !collect) return
      collect()
      heapByMerged.push({ merged: (await store.countTasksByStatus(latest.id)).merged ?? 0, heapMb: process.memoryUsage().heapUsed / 1e6 })
    })
  }, 5_000)
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() })
  const result = await launchRun({ layout, config, store, board, goal: `write ${tasks} files`, output: quiet })
  const wallMs = performance.now() - started
  const cpu = process.cpuUsage(cpuBefore)
  clearInterval(sampler)
  clearInterval(heapSampler)

  // Idle share: worker-slot time not spent on a work task, from claim to settled.
  const events = await store.listEvents({ types: ['task-claimed', 'task-merged', 'task-attempt-failed', 'task-released'] })
  const work = new Set((await store.listTasks({})).filter((task) => task.kind === 'work').map((task) => task.id))
  const claimedAt = new Map<number, number>()
  let busyMs = 0
  for (const event of events) {
    if (event.taskId === null || !work.has(event.taskId)) continue
    if (event.type === 'task-claimed') claimedAt.set(event.taskId, event.createdAt)
    else if (claimedAt.has(event.taskId)) {
      busyMs += event.createdAt - claimedAt.get(event.taskId)!
      claimedAt.delete(event.taskId)
    }
  }
  const firstClaim = events.find((event) => event.type === 'task-claimed' && event.taskId !== null && work.has(event.taskId))?.createdAt ?? 0
  const lastSettle = events.filter((event) => event.type === 'task-merged' && event.taskId !== null && work.has(event.taskId)).at(-1)?.createdAt ?? 0
  const workWindow = lastSettle - firstClaim
  const cpuMs = (cpu.user + cpu.system) / 1000

  console.log(`colony bench/orchestrate.ts — ${tasks} tasks in ${areas} sub-planned areas, ${workers} workers, replies ${values.min}–${values.max} ms (seed ${values.seed}); ${cpus().length} cores; node ${process.version}`)
  console.log(`result: ${result.status} (${result.reason}); ${result.merged} of ${result.tasks} work tasks merged; ${(wallMs / 1000).toFixed(1)} s wall`)
  console.log(`merged per minute: ${(result.merged / (wallMs / 60_000)).toFixed(1)} (over the whole run); ${(result.merged / (workWindow / 60_000)).toFixed(1)} (first claim to last merge)`)
  console.log(`orchestrator CPU: ${(cpuMs / 1000).toFixed(1)} s total, ${(cpuMs / tasks).toFixed(1)} ms per task (git and sandbox child processes not included)`)
  console.log(`memory: peak RSS ${(peakRss / 1e6).toFixed(0)} MB, ${((peakRss - baselineRss) / 1e3 / tasks).toFixed(0)} kB per task above the ${(baselineRss / 1e6).toFixed(0)} MB baseline`)
  if (heapByMerged.length > 0) {
    const quarters = [0.25, 0.5, 0.75, 1].map((share) => heapByMerged[Math.min(heapByMerged.length - 1, Math.floor(share * (heapByMerged.length - 1)))]!)
    console.log(`heap after GC by tasks merged: ${quarters.map((sample) => `${sample.merged} → ${sample.heapMb.toFixed(1)} MB`).join(', ')}`)
  } else {
    console.log('heap after GC: not sampled (run with node --expose-gc)')
  }
  console.log(`idle worker share: ${(100 * (1 - busyMs / (workers * workWindow))).toFixed(1)}% of ${workers} slots from first claim to last merge`)
  await store.close()
} finally {
  model.kill('SIGTERM')
  await rm(root, { recursive: true, force: true })
}
