// Hundreds of agents on one machine (issue 18): N concurrent scripted agents on
// a generated repository of F files, through Colony itself (launchRun: store,
// board, supervisor, planners, workspaces, the sandboxed gate, integration by
// compare-and-swap, the deep gate, the judge), once with overlay workspaces and
// once with git worktrees, side by side in one run.
//   node bench/scale.ts [--files F] [--agents N] [--worktree-agents W] [--kinds overlay,worktree] [--edits K] [--min MS] [--max MS] [--seed S]
//
// Every agent is a worker on its own task: K edit_file calls on existing files
// (a line under each file's first line), one write_file of a new file, finish;
// its gate is checks.fast (`git rev-parse --verify HEAD`, in bubblewrap) plus
// the task's acceptance check (`test -s` of the new file), then it lands.
// workers = N, so every task has an agent at once. Model replies wait a seeded
// 200–1000 ms (the model server is another process, its CPU not counted).
// Worktrees get --worktree-agents (default 20) agents: each is a full checkout,
// and N of them do not fit a shared disk at 50,000 files.
//
// Prints per kind: workspace ready p50/p99 (workspace-opened events: from
// asking to ready) and made p50/p99 (the same less the wait for a turn: Colony
// makes workspaces a few at a time), disk per live agent at the sample with the most live workspaces (its layer, or its
// worktree, plus its directory under .git/worktrees; and that less the bytes
// of the files it wrote), orchestrator CPU per agent step (this process's
// CPU; what it starts, through its spawn helper or not, apart; the disk
// samples run in processes of their own, left out), peak RSS, merges per minute, and
// checks that every task merged exactly once and no workspace is left.
import { execFile, execFileSync, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { Writable } from 'node:stream'
import { parseArgs, promisify } from 'node:util'
import { launchRun } from '../src/launch/index.ts'
import { mountedOverlays, restartInNamespace } from '../src/overlay/index.ts'
import { spawnHelperPid } from '../src/spawner/index.ts'
import { generateRepository } from './generated-repository.ts'
import { percentile, sorted } from './percentile.ts'
import { openRunSetting } from './run-setting.ts'
import { createRandom } from './random.ts'
import type { ScaleTaskPlan } from './scale-script.ts'

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '50000' },
    agents: { type: 'string', default: '1000' },
    'worktree-agents': { type: 'string', default: '20' },
    kinds: { type: 'string', default: 'overlay,worktree' },
    edits: { type: 'string', default: '3' },
    min: { type: 'string', default: '200' },
    max: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '7' },
  },
})
const kinds = values.kinds.split(',') as ('overlay' | 'worktree')[]
// Overlays are mounted in a user and mount namespace, as `colony run` does: this process restarts itself into one.
const namespace = kinds.includes('overlay') ? restartInNamespace(process.argv) : undefined
if (namespace && !namespace.inside) throw new Error(`overlay workspaces cannot be made here: ${namespace.reason}`)

const run = promisify(execFile)
const fileCount = Number(values.files)
const editCount = Number(values.edits)
const seed = Number(values.seed)
const target = 'colony/main'

interface KindResult {
  kind: string
  agents: number
  /** From asking for the workspace to its being ready. */
  readyMs: number[]
  /** Of that, the making alone (workspaces are made a few at a time; the rest is waiting for a turn). */
  madeMs: number[]
  disk?: { live: number; perAgentKb: number; beyondChangesKb: number; sharedKb: number }
  cpuMs: number
  childCpuMs: number
  steps: number
  peakRssMb: number
  wallMs: number
  merged: number
  mergedOnce: boolean
  mergeWindowMs: number
  leftovers: string[]
}

/** CPU time of `pid` (its own with `self`) and of its waited-for children, from /proc, in ms. */
function processCpuMs(pid: number | 'self', self: boolean): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    // Fields 14–17 of stat (utime, stime, cutime, cstime), counted from the state field (3).
    const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((index) => Number(fields[index]))
    return ((self ? utime! + stime! : 0) + cutime! + cstime!) * 10
  } catch {
    return 0
  }
}

/** The CPU of what Colony starts: git, bubblewrap, mount and the sandboxed commands, whether it waited for them or its spawn helper did (and the helper itself). */
function childCpuMs(): number {
  const helper = spawnHelperPid()
  return processCpuMs('self', false) + (helper ? processCpuMs(helper, true) : 0)
}

/** CPU of the disk samples' processes, taken out of the orchestrator's children's CPU: they are the bench's, not Colony's. */
let samplingCpuMs = 0

/** `times`'s two lines (the shell's CPU, its children's) in ms. */
function shellTimesMs(lines: string[]): number {
  let total = 0
  for (const line of lines) for (const match of line.matchAll(/(\d+)m([\d.]+)s/g)) total += (Number(match[1]) * 60 + Number(match[2])) * 1000
  return total
}

/**
 * One process per sample (its CPU not Colony's, see samplingCpuMs): `du` over
 * `paths` (one du: a hard-linked file, a shared index, counts once, for the
 * first path holding it), and the bytes of the regular files in `layers`
 * (what the agents wrote; each layer's `.git` pointer aside).
 */
async function measureDisk(paths: string[], layers: string[]): Promise<{ kilobytes: number[]; writtenBytes: number }> {
  const script = [
    'paths=(); layers=(); into=paths',
    'for arg in "$@"; do if [ "$arg" = "--layers" ]; then into=layers; elif [ $into = paths ]; then paths+=("$arg"); else layers+=("$arg"); fi; done',
    'du -sk -- "${paths[@]}"; echo "#"',
    'if [ ${#layers[@]} -gt 0 ]; then find "${layers[@]}" -type f ! -path "*/upper/.git" -printf "%s\\n" 2>/dev/null | awk "{ total += \\$1 } END { print total + 0 }"; else echo 0; fi; echo "#"',
    'times',
  ].join('\n')
  const { stdout } = await run('bash', ['-c', script, 'sample', ...paths, '--layers', ...layers], { maxBuffer: 64 << 20 })
  const [sizes = '', written = '0', times = ''] = stdout.split('#\n')
  samplingCpuMs += shellTimesMs(times.trim().split('\n'))
  return { kilobytes: sizes.trim().split('\n').map((line) => Number(line.split('\t')[0])), writtenBytes: Number(written.trim()) }
}

/** Disk of the live workspaces now: per agent (its layer or worktree, and its git administration), and the shared bases. */
async function sampleDisk(root: string, kind: string): Promise<KindResult['disk']> {
  const colony = join(root, '.colony')
  const administration = join(root, '.git', 'worktrees')
  const names = existsSync(join(colony, 'worktrees')) ? (await readdir(join(colony, 'worktrees'))).filter((name) => name.startsWith('task-')) : []
  const live = names.filter((name) => existsSync(join(administration, name)))
  if (live.length === 0) return undefined
  const bases = kind === 'overlay' && existsSync(join(colony, 'bases')) ? (await readdir(join(colony, 'bases'))).filter((name) => /^[0-9a-f]{40}$/.test(name)) : []
  const sharedPaths = bases.flatMap((commit) => [join(colony, 'bases', commit), join(administration, commit)])
  const agentPaths = live.flatMap((name) => [kind === 'overlay' ? join(colony, 'layers', name) : join(colony, 'worktrees', name), join(administration, name)])
  const layers = kind === 'overlay' ? live.map((name) => join(colony, 'layers', name, 'upper')) : []
  const { kilobytes: sizes, writtenBytes } = await measureDisk([...sharedPaths, ...agentPaths], layers)
  const sharedKb = sizes.slice(0, sharedPaths.length).reduce((sum, size) => sum + size, 0)
  const agentKb = sizes.slice(sharedPaths.length).reduce((sum, size) => sum + size, 0)
  const changesKb = writtenBytes / 1024
  return { live: live.length, perAgentKb: agentKb / live.length, beyondChangesKb: (agentKb - changesKb) / live.length, sharedKb }
}

async function leftovers(root: string): Promise<string[]> {
  const found: string[] = []
  for (const directory of ['layers', 'bases', 'worktrees']) {
    const path = join(root, '.colony', directory)
    if (existsSync(path)) found.push(...(await readdir(path)).map((name) => `.colony/${directory}/${name}`))
  }
  const git = (args: string[]) => execFileSync('git', args, { cwd: root }).toString()
  found.push(...git(['for-each-ref', '--format=%(refname)', 'refs/heads/colony/task/']).split('\n').filter(Boolean))
  found.push(...git(['worktree', 'list', '--porcelain']).split('\n').filter((line) => line.startsWith('worktree ') && line !== `worktree ${root}`))
  found.push(...[...mountedOverlays()].filter((point) => point.startsWith(root)).map((point) => `mounted: ${point}`))
  return found
}

async function runKind(root: string, kind: 'overlay' | 'worktree', plans: ScaleTaskPlan[], initial: string): Promise<KindResult> {
  const agents = plans.length
  // A fresh start on the same repository: no store, the target back at the initial commit.
  await rm(join(root, '.colony'), { recursive: true, force: true })
  execFileSync('git', ['update-ref', `refs/heads/${target}`, initial], { cwd: root })
  // The earlier kind's task outcome refs would tell this run its tasks (same run and task ids) landed already.
  const outcomes = execFileSync('git', ['for-each-ref', '--format=delete %(refname)', 'refs/colony/'], { cwd: root }).toString()
  execFileSync('git', ['update-ref', '--stdin'], { cwd: root, input: outcomes })
  const plansFile = join(tmpdir(), `colony-bench-scale-plans-${process.pid}.json`)
  await writeFile(plansFile, JSON.stringify(plans))
  const model = spawn(process.execPath, [new URL('./orchestrate-model.ts', import.meta.url).pathname, '--plans', plansFile, '--seed', String(seed), '--min', values.min, '--max', values.max], { stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    const url = await new Promise<string>((resolve) => createInterface({ input: model.stdout }).once('line', resolve))
    await writeFile(
      join(root, 'colony.json'),
      JSON.stringify({
        models: { default: 'scripted:bench' },
        providers: { scripted: { type: 'openai-compatible', baseURL: url } },
        workers: agents,
        workspace: { kind },
        checks: { fast: ['git rev-parse --verify -q HEAD'], full: [] },
        limits: { attemptMinutes: 60, leaseSeconds: 300, diffLines: 1000 },
        context: { repoMapTokens: 0 },
      }),
    )
    const { layout, config, store, board } = await openRunSetting(root, 300_000)

    let peakRss = process.memoryUsage.rss()
    // rss() alone: memoryUsage() walks the heap's spaces, a cost the orchestrator would be charged for.
    const rssSampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 200)
    let disk: KindResult['disk']
    let sampling = false
    const diskSampler = setInterval(() => {
      if (sampling) return
      sampling = true
      void sampleDisk(root, kind)
        .then((sample) => {
          if (sample && (!disk || sample.live > disk.live)) disk = sample
        })
        .catch(() => undefined)
        .finally(() => (sampling = false))
    }, 3_000)
    const started = performance.now()
    const progress = setInterval(() => {
      void store.latestRun().then(async (latest) => {
        if (!latest) return
        const counts = await store.countTasksByStatus(latest.id)
        const live = existsSync(join(root, '.colony', 'worktrees')) ? (await readdir(join(root, '.colony', 'worktrees'))).length : 0
        console.log(`  ${kind} ${((performance.now() - started) / 1000).toFixed(0)} s: ${JSON.stringify(counts)}; ${live} workspaces; RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB; load ${loadavg()[0]!.toFixed(1)}`)
      })
    }, 15_000)
    const cpuBefore = process.cpuUsage()
    const childBefore = childCpuMs()
    const samplingBefore = samplingCpuMs
    const quiet = new Writable({ write: (_chunk, _encoding, done) => done() })
    const result = await launchRun({ layout, config, store, board, goal: `scale: ${agents} agents`, output: quiet })
    const wallMs = performance.now() - started
    const cpu = process.cpuUsage(cpuBefore)
    const childMs = childCpuMs() - childBefore - (samplingCpuMs - samplingBefore)
    clearInterval(rssSampler)
    clearInterval(diskSampler)
    clearInterval(progress)
    while (sampling) await new Promise((resolve) => setTimeout(resolve, 100))

    const events = await store.listEvents({ types: ['workspace-opened', 'agent-step', 'task-claimed', 'task-merged'] })
    const opened = events.filter((event) => event.type === 'workspace-opened').map((event) => event.data as { ms: number; waitedMs?: number })
    const work = new Set((await store.listTasks({})).filter((task) => task.kind === 'work').map((task) => task.id))
    const merges = events.filter((event) => event.type === 'task-merged' && event.taskId !== null && work.has(event.taskId))
    const firstClaim = events.find((event) => event.type === 'task-claimed' && event.taskId !== null && work.has(event.taskId))?.createdAt ?? 0
    const landed = execFileSync('git', ['log', '--format=%(trailers:key=Colony-Task,valueonly)', target], { cwd: root, maxBuffer: 64 << 20 }).toString().split('\n').filter(Boolean)
    await store.close()
    if (result.status !== 'done') console.log(`  ${kind}: the run ended ${result.status}: ${result.reason}`)
    return {
      kind,
      agents,
      readyMs: sorted(opened.map((data) => data.ms)),
      madeMs: sorted(opened.map((data) => data.ms - (data.waitedMs ?? 0))),
      disk,
      cpuMs: (cpu.user + cpu.system) / 1000,
      childCpuMs: childMs,
      steps: events.filter((event) => event.type === 'agent-step').length,
      peakRssMb: peakRss / 1e6,
      wallMs,
      merged: result.merged,
      mergedOnce: landed.length === agents && new Set(landed).size === agents && merges.length === agents,
      mergeWindowMs: (merges.at(-1)?.createdAt ?? 0) - firstClaim,
      leftovers: await leftovers(root),
    }
  } finally {
    model.kill('SIGTERM')
    await rm(plansFile, { force: true })
  }
}

const base = await mkdtemp(join(tmpdir(), 'colony-bench-scale-'))
const agentCount = Number(values.agents)
console.log(
  `scale benchmark: ${fileCount} files, ${agentCount} overlay agents, ${values['worktree-agents']} worktree agents, ${editCount} edits each, replies ${values.min}–${values.max} ms, seed ${seed}; ${cpus().length} cores, Node ${process.version}, ${execFileSync('git', ['--version']).toString().trim()}, kernel ${execFileSync('uname', ['-r']).toString().trim()}; load average ${loadavg().map((load) => load.toFixed(2)).join(' ')}; ${new Date().toISOString()}`,
)
const results: KindResult[] = []
try {
  const generating = performance.now()
  const repository = generateRepository(join(base, 'repository'), createRandom(seed), { files: fileCount, target })
  console.log(`repository: ${repository.files.length} files, ${(repository.bytes / 1e6).toFixed(0)} MB; generated in ${((performance.now() - generating) / 1000).toFixed(1)} s`)
  // Each agent edits files no other agent touches, so every task lands without a conflict: the bench measures the machinery, not merges.
  const random = createRandom(seed + 3)
  const pool = [...repository.files]
  for (let index = pool.length - 1; index > 0; index--) {
    const other = Math.floor(random.next() * (index + 1))
    ;[pool[index], pool[other]] = [pool[other]!, pool[index]!]
  }
  const plans = Array.from({ length: agentCount }, (_, agent) => ({ edit: pool.slice(agent * editCount, (agent + 1) * editCount), add: `scale/agent-${agent}.ts` }))
  for (const kind of kinds) {
    const count = kind === 'worktree' ? Math.min(agentCount, Number(values['worktree-agents'])) : agentCount
    console.log(`${kind}: ${count} agents …`)
    results.push(await runKind(repository.root, kind, plans.slice(0, count), repository.base))
  }
} finally {
  await rm(base, { recursive: true, force: true })
}

const mb = (kb: number) => `${(kb / 1024).toFixed(2)} MB`
console.log('\n| kind | agents | ready p50 ms | p99 ms | made p50 ms | p99 ms | disk per agent | beyond its changes | shared (bases) | orchestrator CPU per step | children CPU per step | steps | peak RSS | merged | merged per min | every task once | left afterwards |')
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|')
for (const result of results) {
  const disk = result.disk
  const perMinute = result.merged / (result.mergeWindowMs / 60_000)
  console.log(
    `| ${result.kind} | ${result.agents} | ${percentile(result.readyMs, 0.5).toFixed(0)} | ${percentile(result.readyMs, 0.99).toFixed(0)} | ${percentile(result.madeMs, 0.5).toFixed(0)} | ${percentile(result.madeMs, 0.99).toFixed(0)} | ${disk ? `${mb(disk.perAgentKb)} (${disk.live} live)` : '–'} | ${disk && result.kind === 'overlay' ? mb(disk.beyondChangesKb) : '–'} | ${disk ? mb(disk.sharedKb) : '–'} | ${(result.cpuMs / result.steps).toFixed(1)} ms | ${(result.childCpuMs / result.steps).toFixed(1)} ms | ${result.steps} | ${result.peakRssMb.toFixed(0)} MB | ${result.merged} of ${result.agents} | ${perMinute.toFixed(1)} | ${result.mergedOnce ? 'yes' : 'NO'} | ${result.leftovers.length === 0 ? 'nothing' : result.leftovers.slice(0, 5).join(', ')} |`,
  )
}
console.log(`wall: ${results.map((result) => `${result.kind} ${(result.wallMs / 1000).toFixed(0)} s`).join(', ')}; load average now ${loadavg().map((load) => load.toFixed(2)).join(' ')}`)
if (results.some((result) => !result.mergedOnce || result.leftovers.length > 0)) process.exitCode = 1
