// Integration overhead: the harness's own time per integration (commit, scope
// and size checks, rebase, compare-and-swap; the gate is a no-op so none of its
// commands count) and merges per second, with 1, 8 and 32 concurrent
// integrators on one repository of 5,000 files: racing for the swap, taking
// turns in one process, and split over 4 processes' queues, with and without
// the store's shared landing lock (the 4 queues stand for 4 processes).
//   node bench/integrate.ts [--files N] [--merges N]
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createGit, createLandingLock, createWorkspaces, integrate, type Workspace } from '../src/git/index.ts'
import { openStore, type Store } from '../src/store/index.ts'

const { values } = parseArgs({ options: { files: { type: 'string', default: '5000' }, merges: { type: 'string', default: '32' } } })
const fileCount = Number(values.files)
const mergesPerSetting = Number(values.merges)

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0
}

async function createRepository(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'colony-bench-integrate-'))
  const run = (args: string[]) => execFileSync('git', ['-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', ...args], { cwd: root })
  run(['init', '-q', '-b', 'main'])
  for (let index = 0; index < fileCount; index++) {
    const directory = join(root, 'src', `module-${Math.floor(index / 100)}`)
    if (index % 100 === 0) await mkdir(directory, { recursive: true })
    await writeFile(join(directory, `file-${index}.ts`), `export const value${index} = ${index}\n`)
  }
  run(['add', '-A'])
  run(['commit', '-q', '-m', 'initial'])
  run(['update-ref', 'refs/heads/colony/main', 'HEAD'])
  return root
}

type Landing = 'races' | 'turns' | '4 queues' | '4 shared'
const landings: Landing[] = ['races', 'turns', '4 queues', '4 shared']

function landingLocks(landing: Landing, store: Store): ((<T>(work: () => Promise<T>) => Promise<T>) | undefined)[] {
  if (landing === 'races') return [undefined]
  if (landing === 'turns') return [createLandingLock()]
  return ['a', 'b', 'c', 'd'].map((owner) =>
    createLandingLock(landing === '4 shared' ? { tryLock: (ttlMs) => store.tryLock('landing', owner, ttlMs), unlock: () => store.unlock('landing', owner) } : undefined),
  )
}

async function measure(root: string, integrators: number, landing: Landing, store: Store) {
  const locks = landingLocks(landing, store)
  // Task ids (and so the files each integration writes) differ between the modes.
  const idBase = integrators * 10_000 + landings.indexOf(landing) * 500_000
  const git = createGit(root)
  const workspaces = createWorkspaces({ git, root, worktreesDir: join(root, '.colony', `worktrees-${landing}-${integrators}`), target: 'colony/main' })
  const openStarted = performance.now()
  const list: Workspace[] = []
  for (let index = 0; index < integrators; index++) list.push(await workspaces.open(idBase + index))
  const openMs = (performance.now() - openStarted) / integrators

  const rounds = Math.ceil(mergesPerSetting / integrators)
  const latencies: number[] = []
  let races = 0
  const started = performance.now()
  await Promise.all(
    list.map(async (workspace, slot) => {
      for (let round = 0; round < rounds; round++) {
        const taskId = idBase + slot * 100 + round
        await writeFile(join(workspace.path, 'src', `module-${slot % 50}`, `file-${(slot % 50) * 100}.ts`), `export const changed = ${taskId}\n`)
        await writeFile(join(workspace.path, `added-${taskId}.ts`), `export const task = ${taskId}\n`)
        const began = performance.now()
        const outcome = await integrate({
          git: workspace.git,
          target: 'colony/main',
          task: { id: taskId, title: `Bench task ${taskId}`, description: '', scope: [] },
          author: { name: `bench-${slot}`, email: 'bench@colony.local' },
          diffLimit: 10_000,
          maxRaces: 200,
          ...(locks[slot % locks.length] && { landing: locks[slot % locks.length]! }),
          gate: async () => ({ passed: true, output: '' }),
        })
        latencies.push(performance.now() - began)
        if (outcome.status !== 'merged') throw new Error(`integration ${taskId} ended ${outcome.status}: ${outcome.message}`)
        races += outcome.races
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  for (const workspace of list) await workspaces.remove(workspace.taskId)
  latencies.sort((a, b) => a - b)
  return { integrators, merges: latencies.length, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), perSecond: latencies.length / seconds, races, openMs }
}

const root = await createRepository()
await mkdir(join(root, '.colony'), { recursive: true })
const store = await openStore(join(root, '.colony', 'bench.db'))
try {
  console.log(`repository: ${fileCount} files; ${mergesPerSetting} merges per setting; ${cpus().length} cores; node ${process.version}; ${execFileSync('git', ['--version']).toString().trim()}`)
  console.log('landing   integrators  merges  p50 ms  p99 ms  merges/s  target moves  worktree open ms')
  for (const landing of landings) {
    for (const integrators of [1, 8, 32]) {
      if (integrators < 4 && landing.startsWith('4')) continue
      const result = await measure(root, integrators, landing, store)
      console.log(
        `${landing.padEnd(8)}  ${String(result.integrators).padStart(11)}  ${String(result.merges).padStart(6)}  ${result.p50.toFixed(1).padStart(6)}  ${result.p99.toFixed(1).padStart(6)}  ${result.perSecond.toFixed(2).padStart(8)}  ${String(result.races).padStart(12)}  ${result.openMs.toFixed(0).padStart(16)}`,
      )
    }
  }
} finally {
  await store.close()
  await rm(root, { recursive: true, force: true })
}
