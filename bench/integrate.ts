// Integration overhead: the harness's own time per integration (commit, scope
// and size checks, rebase, compare-and-swap; the gate is a no-op so none of its
// commands count) and merges per second, with 1, 8 and 32 concurrent
// integrators on one repository of 5,000 files.
//   node bench/integrate.ts [--files N] [--merges N]
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createGit, createLandingLock, createWorkspaces, integrate, type Workspace } from '../src/git/index.ts'

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

async function measure(root: string, integrators: number, landing: 'races' | 'turns') {
  const lock = landing === 'turns' ? createLandingLock() : undefined
  // Task ids (and so the files each integration writes) differ between the two modes.
  const idBase = integrators * 10_000 + (landing === 'turns' ? 500_000 : 0)
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
          ...(lock && { landing: lock }),
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
try {
  console.log(`repository: ${fileCount} files; ${mergesPerSetting} merges per setting; ${cpus().length} cores; node ${process.version}; ${execFileSync('git', ['--version']).toString().trim()}`)
  console.log('landing  integrators  merges  p50 ms  p99 ms  merges/s  target moves  worktree open ms')
  for (const landing of ['races', 'turns'] as const) {
    for (const integrators of [1, 8, 32]) {
      const result = await measure(root, integrators, landing)
      console.log(
        `${landing.padEnd(7)}  ${String(result.integrators).padStart(11)}  ${String(result.merges).padStart(6)}  ${result.p50.toFixed(1).padStart(6)}  ${result.p99.toFixed(1).padStart(6)}  ${result.perSecond.toFixed(2).padStart(8)}  ${String(result.races).padStart(12)}  ${result.openMs.toFixed(0).padStart(16)}`,
      )
    }
  }
} finally {
  await rm(root, { recursive: true, force: true })
}
