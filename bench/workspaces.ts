// What an agent's workspace costs (issue 18): a full git worktree, as Colony
// gives each task today, against a copy-on-write overlay over one shared,
// read-only checkout of the target, side by side on one generated repository.
//   node bench/workspaces.ts [--files F] [--agents N] [--worktrees W] [--edits K] [--concurrency C] [--kinds worktree,overlay] [--verify N] [--seed S]
//
// The repository: F files (default 50,000) in directories about 6 deep, most of
// them 1–8 KB of source-like text, 1% of them 16–256 KB. Every agent edits K
// files (default 3), adds one and deletes one; every tenth agent also renames a
// file, makes one executable, adds a symlink and replaces a whole directory.
// Both kinds get the same edits, so the commit each gives must have the same tree.
// --worktrees W gives worktrees to the first W agents only (default all N):
// each is a full checkout, and N of them do not fit a shared disk at 50,000 files.
// The first --verify agents (default 5) also run `git status` in their workspace.
//
// worktree: `git worktree add -B colony/task/<i>` from the target, C at a time
// (default 4; Colony's own administration runs them one at a time per process,
// 4 stands for a few processes), then the edits, then Colony's staging
// (`ls-files --modified --deleted --others` + `add -A`) and write-tree +
// commit-tree; then `git worktree remove` + `branch -D` for each.
//
// overlay: the target's tree is checked out once into a base directory
// (`read-tree` into an index of its own + `checkout-index -a`, and that index
// refreshed once inside the namespace so agents' copies of it are clean). One helper
// process (this file with --helper) runs under `unshare -Urm`, in a user and
// mount namespace of its own: it mounts each agent's overlay (lower = base,
// upper and work = the agent's own directories, `userxattr`, which an
// unprivileged mount requires) and makes the agent's edits through the merged
// view. Mounts exist only in that namespace; this process reaches the merged
// views through /proc/<helper>/root. Colony's side then turns the upper
// directory into a commit on the base without a checkout: char devices 0/0 are
// deletions (whiteouts), a directory's entries that the base has and the
// merged view does not are deletions too (that is what an opaque directory
// does, and Node cannot read the xattr that marks it), every other file or
// symlink is written content; `read-tree` of the base into a temporary index,
// `rm --cached -r` of the deletions, `update-index --add` of the written paths
// with the upper directory as work tree (modes and symlinks as on disk),
// write-tree, commit-tree.
import { execFile, execFileSync, spawn } from 'node:child_process'
import { chmod, copyFile, lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, statfs, symlink, writeFile } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs, promisify } from 'node:util'
import { createGit } from '../src/git/index.ts'
import { fileBody, generateRepository, sourceLines, type Repository } from './generated-repository.ts'
import { createRandom, type Random } from './random.ts'
import { percentile, sorted } from './percentile.ts'

const run = promisify(execFile)

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '50000' },
    agents: { type: 'string', default: '200' },
    worktrees: { type: 'string' },
    edits: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '4' },
    kinds: { type: 'string', default: 'worktree,overlay' },
    verify: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    helper: { type: 'boolean', default: false },
  },
})
const fileCount = Number(values.files)
const agentCount = Number(values.agents)
const worktreeCount = Math.min(agentCount, Number(values.worktrees ?? values.agents))
const editCount = Number(values.edits)
const concurrency = Number(values.concurrency)
const seed = Number(values.seed)
const verifyCount = Number(values.verify)
const target = 'colony/main'
const identity = { GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@colony.local', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@colony.local' }

// --- Agents' edits, the same in both kinds of workspace ------------------------------------

interface EditPlan {
  agent: number
  /** Existing files that get a line in the middle and one at the end. */
  edit: string[]
  add: { path: string; content: string }
  remove: string
  rename?: { from: string; to: string }
  executable?: string
  symlink?: { path: string; target: string }
  /** An existing directory deleted whole and made again with one new file in it (an opaque directory in the overlay). */
  replaceDirectory?: { path: string; file: string; content: string }
}

/** Applies an agent's edits under `root`, with plain file-system calls, as an agent's file tools would. */
async function applyEdits(root: string, plan: EditPlan): Promise<void> {
  for (const [index, path] of plan.edit.entries()) {
    const lines = (await readFile(join(root, path), 'utf8')).split('\n')
    lines.splice(Math.floor(lines.length / 2), 0, `// agent ${plan.agent}: edit ${index}`)
    lines.push(`export const agent${plan.agent}Edit${index} = ${index}`, '')
    await writeFile(join(root, path), lines.join('\n'))
  }
  await writeFile(join(root, plan.add.path), plan.add.content)
  await rm(join(root, plan.remove))
  if (plan.rename) await rename(join(root, plan.rename.from), join(root, plan.rename.to))
  if (plan.executable) await chmod(join(root, plan.executable), 0o755)
  if (plan.symlink) await symlink(plan.symlink.target, join(root, plan.symlink.path))
  if (plan.replaceDirectory) {
    const directory = join(root, plan.replaceDirectory.path)
    await rm(directory, { recursive: true })
    await mkdir(directory)
    await writeFile(join(directory, plan.replaceDirectory.file), plan.replaceDirectory.content)
  }
}

// --- The helper: one process in its own user and mount namespace ----------------------------

type HelperRequest =
  | { id: number; op: 'mount'; lower: string; upper: string; work: string; merged: string }
  | { id: number; op: 'edit'; merged: string; plan: EditPlan }
  | { id: number; op: 'status'; merged: string; gitDirectory: string; index: string }
  | { id: number; op: 'refresh'; base: string; gitDirectory: string; index: string }
  | { id: number; op: 'umount'; merged: string }
  | { id: number; op: 'mounts' }

/** A request as the bench sends it; the helper's client numbers it. */
type HelperAsk = HelperRequest extends infer Request ? (Request extends unknown ? Omit<Request, 'id'> : never) : never

interface HelperReply {
  id: number
  ok: boolean
  error?: string
  /** status: the paths `git status` lists; mounts: overlay mounts in the namespace. */
  paths?: string[]
  count?: number
}

/** The paths `git status` lists as changed or untracked (an agent's own look at its work). */
async function statusPaths(cwd: string, environment: Record<string, string> = {}): Promise<string[]> {
  const { stdout } = await run('git', ['status', '--porcelain', '-z', '--untracked-files=all', '--no-renames'], { cwd, env: { ...process.env, ...environment, GIT_OPTIONAL_LOCKS: '0' }, maxBuffer: 64 << 20 })
  return stdout.split('\0').filter((entry) => entry !== '').map((entry) => entry.slice(3))
}

async function serveRequest(request: HelperRequest): Promise<Omit<HelperReply, 'id' | 'ok'>> {
  switch (request.op) {
    case 'mount':
      await Promise.all([mkdir(request.upper, { recursive: true }), mkdir(request.work, { recursive: true }), mkdir(request.merged, { recursive: true })])
      // userxattr: overlay keeps its opaque and origin marks in user.overlay.* xattrs; an unprivileged mount may not write trusted.*.
      await run('mount', ['-t', 'overlay', 'overlay', '-o', `userxattr,lowerdir=${request.lower},upperdir=${request.upper},workdir=${request.work}`, request.merged])
      return {}
    case 'edit':
      await applyEdits(request.merged, request.plan)
      return {}
    case 'status':
      return { paths: await statusPaths(request.merged, { GIT_DIR: request.gitDirectory, GIT_WORK_TREE: request.merged, GIT_INDEX_FILE: request.index }) }
    case 'refresh':
      // Git compares owners too, and inside the namespace files belong to its root, not to the user outside:
      // an index refreshed out there would make every agent's `git status` read all 50,000 files again.
      await run('git', ['update-index', '-q', '--refresh'], { cwd: request.base, env: { ...process.env, GIT_DIR: request.gitDirectory, GIT_WORK_TREE: request.base, GIT_INDEX_FILE: request.index } })
      return {}
    case 'umount':
      await run('umount', [request.merged])
      return {}
    case 'mounts': {
      const mounts = await readFile('/proc/self/mountinfo', 'utf8')
      return { count: mounts.split('\n').filter((line) => / - overlay /.test(line)).length }
    }
  }
}

async function serveHelper(): Promise<void> {
  const lines = createInterface({ input: process.stdin })
  const reply = (message: HelperReply) => process.stdout.write(`${JSON.stringify(message)}\n`)
  process.stdout.write('ready\n')
  for await (const line of lines) {
    const request = JSON.parse(line) as HelperRequest
    serveRequest(request).then(
      (result) => reply({ id: request.id, ok: true, ...result }),
      (error: unknown) => reply({ id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
    )
  }
}

interface Helper {
  pid: number
  ask(request: HelperAsk): Promise<HelperReply>
  /** Where this process sees a path as the helper's namespace has it (mounts included). */
  seen(path: string): string
  close(): Promise<void>
  /** Ends the helper, its namespace and every mount in it (after a failure). */
  kill(): void
}

async function startHelper(): Promise<Helper> {
  // unshare execs node in place (no --fork needed without a PID namespace), so the child's pid is the helper's.
  const child = spawn('unshare', ['-Urm', '--', process.execPath, new URL(import.meta.url).pathname, '--helper'], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout })
  const waiting = new Map<number, (reply: HelperReply) => void>()
  let ready: () => void = () => undefined
  const started = new Promise<void>((resolve) => (ready = resolve))
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  lines.on('line', (line) => {
    if (line === 'ready') return ready()
    const reply = JSON.parse(line) as HelperReply
    waiting.get(reply.id)?.(reply)
    waiting.delete(reply.id)
  })
  const startedOrExited = await Promise.race([started.then(() => 'started'), exited.then((code) => `exited with ${code}`)])
  if (startedOrExited !== 'started') throw new Error(`the namespace helper did not start (unshare -Urm ${startedOrExited}): no unprivileged user and mount namespaces here`)
  let next = 0
  return {
    pid: child.pid as number,
    ask(request) {
      const id = ++next
      return new Promise((resolve, reject) => {
        waiting.set(id, (reply) => (reply.ok ? resolve(reply) : reject(new Error(`helper ${request.op}: ${reply.error}`))))
        child.stdin.write(`${JSON.stringify({ ...request, id })}\n`)
      })
    },
    seen: (path) => join(`/proc/${child.pid}/root`, path),
    async close() {
      child.stdin.end()
      await exited
    },
    kill: () => child.kill('SIGTERM'),
  }
}

if (values.helper) {
  await serveHelper()
  process.exit(0)
}

/** Each agent's edits, drawn from the seed: distinct files, none inside the directory it replaces. */
function planEdits(repository: Repository, random: Random, lines: string[], agent: number): EditPlan {
  const variety = agent % 10 === 0
  const replaced = variety ? random.pick(repository.leaves) : undefined
  const chosen = new Set<string>()
  const choose = () => {
    for (;;) {
      const file = random.pick(repository.files)
      if (chosen.has(file) || (replaced && file.startsWith(`${replaced}/`))) continue
      chosen.add(file)
      return file
    }
  }
  const edit = Array.from({ length: editCount }, choose)
  const remove = choose()
  const addPath = `${dirname(choose())}/agent-${agent}-added.ts`
  const plan: EditPlan = { agent, edit, remove, add: { path: addPath, content: fileBody(random, lines, addPath, random.int(1_024, 8_192)) } }
  if (!variety) return plan
  const renamed = choose()
  plan.rename = { from: renamed, to: renamed.replace(/(\.test)?\.(ts|md|json)$/, `-renamed-${agent}$&`) }
  plan.executable = choose()
  const linkTo = choose()
  plan.symlink = { path: `${dirname(linkTo)}/agent-${agent}-link`, target: `./${linkTo.split('/').at(-1)}` }
  const file = `agent-${agent}-replaced.ts`
  plan.replaceDirectory = { path: replaced as string, file, content: fileBody(random, lines, `${replaced}/${file}`, 2_048) }
  return plan
}

/** Bytes of content the agent wrote (edited, added, renamed, made executable and replacement files), apparent size. */
async function changeBytes(root: string, plan: EditPlan): Promise<number> {
  const written = [...plan.edit, plan.add.path, plan.rename?.to, plan.executable, plan.replaceDirectory && `${plan.replaceDirectory.path}/${plan.replaceDirectory.file}`].filter((path): path is string => path !== undefined)
  let total = 0
  for (const path of written) total += (await lstat(join(root, path))).size
  return total
}

// --- Measuring -----------------------------------------------------------------------------

/** Runs work(0..count-1), `limit` at a time, and returns the results in order. */
async function inPool<T>(count: number, limit: number, work: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = []
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) {
        const index = next++
        results[index] = await work(index)
      }
    }),
  )
  return results
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now()
  const result = await work()
  return [result, performance.now() - started]
}

/** `du -sk`: blocks on disk, each hard-linked inode once. */
async function diskKilobytes(...paths: string[]): Promise<number> {
  const { stdout } = await run('du', ['-skc', ...paths])
  return Number(stdout.trim().split('\n').at(-1)?.split('\t')[0])
}

/** Helpers still running, ended if the bench fails half-way. */
const running = new Set<Helper>()
let peakRss = process.memoryUsage().rss
const rssSampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100)

interface KindResult {
  kind: 'worktree' | 'overlay'
  agents: number
  ready: number[]
  edit: number[]
  commit: number[]
  /** du per agent, kB (worktree: a sample of agents; overlay: every agent's upper and work directories). */
  disk: number[]
  changes: number[]
  /** .git's growth per worktree, kB. */
  gitGrowth?: number
  baseSeconds?: number
  baseKilobytes?: number
  /** `git status` in the workspace, for the first --verify agents. */
  status: number[]
  cleanupSeconds: number
  trees: Map<number, string>
  notes: string[]
}

// --- Worktrees -----------------------------------------------------------------------------

async function measureWorktrees(repository: Repository, allPlans: EditPlan[], root: string): Promise<KindResult> {
  const plans = allPlans.slice(0, worktreeCount)
  const git = createGit(repository.root)
  const directory = join(root, 'worktrees')
  await mkdir(directory)
  const gitBefore = await diskKilobytes(join(repository.root, '.git'))
  const path = (agent: number) => join(directory, `task-${agent}`)
  let retries = 0
  let firstFailure = ''
  const ready = await inPool(plans.length, concurrency, async (agent) => {
    const started = performance.now()
    // git's worktree administration can trip over a concurrent one; Colony retries the same way.
    for (let attempt = 1; ; attempt++) {
      try {
        await git.run(['worktree', 'add', '--quiet', '-B', `colony/task/${agent}`, path(agent), repository.base])
        break
      } catch (error) {
        if (attempt >= 4) throw error
        retries++
        firstFailure ||= (error instanceof Error ? error.message : String(error)).split('\n').find((line) => /fatal|error/i.test(line)) ?? ''
        await rm(path(agent), { recursive: true, force: true })
        await git.run(['worktree', 'prune'])
      }
    }
    return performance.now() - started
  })
  const gitGrowth = ((await diskKilobytes(join(repository.root, '.git'))) - gitBefore) / plans.length
  const edit = await inPool(plans.length, concurrency, async (agent) => (await timed(() => applyEdits(path(agent), plans[agent]!)))[1])
  const sample = Array.from({ length: Math.min(10, plans.length) }, (_, index) => Math.floor((index * plans.length) / Math.min(10, plans.length)))
  const disk: number[] = []
  const changes: number[] = []
  for (const agent of sample) {
    disk.push(await diskKilobytes(path(agent)))
    changes.push((await changeBytes(path(agent), plans[agent]!)) / 1024)
  }
  const status: number[] = []
  for (const agent of plans.keys()) if (agent < verifyCount) status.push((await timed(() => statusPaths(path(agent))))[1])
  const trees = new Map<number, string>()
  const commit = await inPool(plans.length, concurrency, async (agent) => {
    const worktree = createGit(path(agent), { env: identity })
    const started = performance.now()
    // Colony's staging (src/git/stage-changes.ts): every changed path, named one by one.
    const changed = await worktree.run(['ls-files', '-z', '--modified', '--deleted', '--others', '--exclude-standard'])
    const paths = [...new Set(changed.stdout.split('\0').filter((entry) => entry !== ''))]
    await worktree.run(['add', '-A', '--pathspec-from-file=-', '--pathspec-file-nul'], { env: { GIT_LITERAL_PATHSPECS: '1' }, input: paths.map((entry) => `${entry}\0`).join('') })
    const tree = await worktree.text(['write-tree'])
    await worktree.text(['commit-tree', tree, '-p', repository.base, '-m', `agent ${agent}`])
    trees.set(agent, tree)
    return performance.now() - started
  })
  const [, cleanupMs] = await timed(async () => {
    for (const agent of plans.keys()) {
      await git.run(['worktree', 'remove', '--force', '--force', path(agent)])
      await git.run(['branch', '-D', `colony/task/${agent}`])
    }
  })
  const left = (await git.lines(['worktree', 'list', '--porcelain'])).filter((line) => line.startsWith('worktree ')).length - 1
  const branches = await git.lines(['branch', '--list', 'colony/task/*'])
  const entries = await readdir(directory)
  if (left !== 0 || branches.length !== 0 || entries.length !== 0) throw new Error(`worktrees left after cleanup: ${left} registered, ${branches.length} branches, ${entries.length} directories`)
  await rm(directory, { recursive: true })
  const notes = [`${retries} worktree add retries${firstFailure ? ` (the first: ${firstFailure.trim()})` : ''}`, `disk sampled on ${sample.length} worktrees`, `edits p50 ${percentile(sorted(edit), 0.5).toFixed(1)} ms`]
  return { kind: 'worktree', agents: plans.length, ready, edit, commit, disk, changes, gitGrowth, status, cleanupSeconds: cleanupMs / 1000, trees, notes }
}

// --- Overlays ------------------------------------------------------------------------------

interface LayerChange {
  /** Files and symlinks whose content is in the upper directory. */
  written: string[]
  /** Paths of the base that are gone: files, or whole directories. */
  deleted: string[]
  whiteouts: number
  /** Base entries hidden by a directory made anew (opaque), found by comparing listings. */
  hidden: number
}

/**
 * What an agent changed, read from its upper directory (on the host's file
 * system) with the base beside it. Whiteouts (char 0/0) are deletions; for a
 * directory the base has, entries the merged view no longer shows are
 * deletions too, which covers opaque directories without reading xattrs.
 */
async function readLayer(upper: string, base: string, merged: string): Promise<LayerChange> {
  const written: string[] = []
  const deleted = new Set<string>()
  let whiteouts = 0
  let hidden = 0
  const names = async (path: string) => new Set(await readdir(path).catch(() => [] as string[]))
  async function walk(relativePath: string): Promise<void> {
    for (const entry of await readdir(join(upper, relativePath), { withFileTypes: true })) {
      const path = relativePath === '' ? entry.name : `${relativePath}/${entry.name}`
      const inBase = await lstat(join(base, path)).catch(() => undefined)
      if (entry.isCharacterDevice()) {
        if ((await lstat(join(upper, path))).rdev === 0) {
          deleted.add(path)
          whiteouts++
        }
        continue
      }
      if (entry.isDirectory()) {
        if (inBase && !inBase.isDirectory()) deleted.add(path)
        if (inBase?.isDirectory()) {
          const shown = await names(join(merged, path))
          const upperNames = await names(join(upper, path))
          for (const name of await names(join(base, path))) {
            if (shown.has(name)) continue
            deleted.add(`${path}/${name}`)
            if (!upperNames.has(name)) hidden++
          }
        }
        await walk(path)
        continue
      }
      if (inBase?.isDirectory()) deleted.add(path)
      written.push(path)
    }
  }
  await walk('')
  return { written, deleted: [...deleted], whiteouts, hidden }
}

/** The agent's change as a commit on the base, through a temporary index: no checkout, nothing read but the upper directory. */
async function commitLayer(repository: Repository, upper: string, change: LayerChange, index: string, agent: number): Promise<string> {
  const git = createGit(upper, { env: { ...identity, GIT_DIR: join(repository.root, '.git'), GIT_WORK_TREE: upper, GIT_INDEX_FILE: index } })
  await git.run(['read-tree', repository.base])
  const nul = (paths: string[]) => paths.map((path) => `${path}\0`).join('')
  if (change.deleted.length > 0) {
    await git.run(['rm', '--cached', '-r', '-f', '-q', '--ignore-unmatch', '--pathspec-from-file=-', '--pathspec-file-nul'], { env: { GIT_LITERAL_PATHSPECS: '1' }, input: nul(change.deleted) })
  }
  if (change.written.length > 0) await git.run(['update-index', '--add', '--replace', '-z', '--stdin'], { input: nul(change.written) })
  const tree = await git.text(['write-tree'])
  await git.text(['commit-tree', tree, '-p', repository.base, '-m', `agent ${agent}`])
  return tree
}

async function measureOverlays(repository: Repository, plans: EditPlan[], root: string): Promise<KindResult> {
  const directory = join(root, 'overlay')
  const base = join(directory, 'base')
  const baseIndex = join(directory, 'base.index')
  await mkdir(base, { recursive: true })
  const [helper, helperMs] = await timed(startHelper)
  running.add(helper)
  const [, checkoutMs] = await timed(async () => {
    const git = createGit(repository.root, { env: { GIT_INDEX_FILE: baseIndex } })
    await git.run(['read-tree', repository.base])
    await git.run(['--work-tree', base, 'checkout-index', '-a', '-f'])
  })
  const [, refreshMs] = await timed(() => helper.ask({ op: 'refresh', base, gitDirectory: join(repository.root, '.git'), index: baseIndex }))
  const baseMs = checkoutMs + refreshMs
  const baseKilobytes = await diskKilobytes(base)
  const layer = (agent: number) => ({ upper: join(directory, `task-${agent}`, 'upper'), work: join(directory, `task-${agent}`, 'work'), merged: join(directory, `task-${agent}`, 'merged') })
  const ready = await inPool(plans.length, concurrency, async (agent) => (await timed(() => helper.ask({ op: 'mount', lower: base, ...layer(agent) })))[1])
  const mounted = (await helper.ask({ op: 'mounts' })).count
  if (mounted !== plans.length) throw new Error(`expected ${plans.length} overlay mounts in the helper's namespace, found ${mounted}`)
  const edit = await inPool(plans.length, concurrency, async (agent) => (await timed(() => helper.ask({ op: 'edit', merged: layer(agent).merged, plan: plans[agent]! })))[1])

  const disk: number[] = []
  const changes: number[] = []
  for (const agent of plans.keys()) {
    const { upper, work, merged } = layer(agent)
    disk.push(await diskKilobytes(upper, work))
    changes.push((await changeBytes(helper.seen(merged), plans[agent]!)) / 1024)
  }

  const trees = new Map<number, string>()
  const layers = { written: 0, deleted: 0, whiteouts: 0, hidden: 0 }
  const indexes = join(directory, 'indexes')
  await mkdir(indexes)
  const commit = await inPool(plans.length, concurrency, async (agent) => {
    const { upper, merged } = layer(agent)
    const started = performance.now()
    const change = await readLayer(upper, base, helper.seen(merged))
    layers.written += change.written.length
    layers.deleted += change.deleted.length
    layers.whiteouts += change.whiteouts
    layers.hidden += change.hidden
    const tree = await commitLayer(repository, upper, change, join(indexes, `task-${agent}`), agent)
    trees.set(agent, tree)
    await rm(join(indexes, `task-${agent}`))
    return performance.now() - started
  })

  // An agent's own `git status` in its merged view, with a copy of the base's index (its stat data still
  // matches the files an agent has not touched) and the repository's .git: listed paths must be the commit's.
  const status: number[] = []
  const statusNotes: string[] = []
  for (const agent of plans.keys()) {
    if (agent >= verifyCount) break
    const index = join(indexes, `status-${agent}`)
    await copyFile(baseIndex, index)
    const [reply, ms] = await timed(() => helper.ask({ op: 'status', merged: layer(agent).merged, gitDirectory: join(repository.root, '.git'), index }))
    status.push(ms)
    const expected = (await run('git', ['diff', '--name-only', '--no-renames', '-z', repository.base, trees.get(agent) as string], { cwd: repository.root })).stdout.split('\0').filter((entry) => entry !== '')
    const listed = new Set(reply.paths)
    if (listed.size !== expected.length || expected.some((path) => !listed.has(path))) statusNotes.push(`agent ${agent}: git status in the merged view lists ${listed.size} paths, the commit changes ${expected.length}`)
    await rm(index)
  }

  const [, cleanupMs] = await timed(async () => {
    await inPool(plans.length, concurrency, async (agent) => {
      await helper.ask({ op: 'umount', merged: layer(agent).merged })
      await rm(join(directory, `task-${agent}`), { recursive: true })
    })
    await rm(base, { recursive: true })
  })
  const left = (await helper.ask({ op: 'mounts' })).count
  const helperPeak = /VmHWM:\s+(\d+)/.exec(await readFile(`/proc/${helper.pid}/status`, 'utf8'))?.[1]
  await helper.close()
  running.delete(helper)
  await rm(indexes, { recursive: true })
  await rm(baseIndex)
  const entries = await readdir(directory)
  if (left !== 0 || entries.length !== 0) throw new Error(`overlays left after cleanup: ${left} mounts, ${entries.join(', ')}`)
  await rm(directory, { recursive: true })
  const notes = [
    `namespace helper started in ${helperMs.toFixed(0)} ms, its peak RSS ${(Number(helperPeak) / 1024).toFixed(0)} MB`,
    `base ${(baseKilobytes / 1024).toFixed(0)} MB on disk, shared; checked out in ${(checkoutMs / 1000).toFixed(1)} s, its index refreshed in the namespace in ${(refreshMs / 1000).toFixed(1)} s`,
    `layers read: ${layers.written} paths written, ${layers.deleted} deleted (${layers.whiteouts} whiteouts, ${layers.hidden} entries hidden by opaque directories)`,
    `edits through the merged view p50 ${percentile(sorted(edit), 0.5).toFixed(1)} ms`,
    ...statusNotes,
  ]
  return { kind: 'overlay', agents: plans.length, ready, edit, commit, disk, changes, baseSeconds: baseMs / 1000, baseKilobytes, status, cleanupSeconds: cleanupMs / 1000, trees, notes }
}

// --- Report --------------------------------------------------------------------------------

const kinds = values.kinds.split(',')
const root = await mkdtemp(join(tmpdir(), 'colony-bench-workspaces-'))
console.log(
  `workspaces benchmark: ${fileCount} files, ${agentCount} agents, ${editCount} edits each, ${concurrency} at a time, seed ${seed}; ${cpus().length} cores, Node ${process.version}, ${execFileSync('git', ['--version']).toString().trim()}, kernel ${execFileSync('uname', ['-r']).toString().trim()}; load average ${loadavg().map((load) => load.toFixed(2)).join(' ')}; ${new Date().toISOString()}`,
)
const results: KindResult[] = []
try {
  const random = createRandom(seed)
  const [repository, generateMs] = await timed(async () => generateRepository(join(root, 'repository'), random, { files: fileCount, target }))
  const repositoryKilobytes = await diskKilobytes(repository.root, '--exclude=.git')
  const gitKilobytes = await diskKilobytes(join(repository.root, '.git'))
  console.log(`repository: ${repository.files.length} files in ${repository.leaves.length} leaf directories, ${(repository.bytes / 1e6).toFixed(0)} MB of text, checkout ${(repositoryKilobytes / 1024).toFixed(0)} MB on disk, .git ${(gitKilobytes / 1024).toFixed(0)} MB; generated and committed in ${(generateMs / 1000).toFixed(1)} s`)
  const lines = sourceLines(createRandom(seed + 1))
  const planRandom = createRandom(seed + 2)
  const plans = Array.from({ length: agentCount }, (_, agent) => planEdits(repository, planRandom, lines, agent))

  if (kinds.includes('worktree')) {
    // Every worktree is a full checkout: refuse to fill a shared disk.
    const free = await statfs(root)
    const needed = worktreeCount * repositoryKilobytes * 1.2 * 1024
    const available = free.bavail * free.bsize
    if (needed > available * 0.7) console.log(`worktree: skipped, ${worktreeCount} worktrees need about ${(needed / 1e9).toFixed(0)} GB and ${(available / 1e9).toFixed(0)} GB are free`)
    else results.push(await measureWorktrees(repository, plans, root))
    console.log(`(worktrees done, load average ${loadavg().map((load) => load.toFixed(2)).join(' ')})`)
  }
  if (kinds.includes('overlay')) results.push(await measureOverlays(repository, plans, root))
  clearInterval(rssSampler)

  const headers = ['kind', 'files', 'agents', 'ready p50', 'p99', 'disk/agent MB', 'beyond changes MB', '.git/agent MB', 'base s', 'commit p50', 'p99', 'cleanup s', 'peak RSS MB']
  const row = (cells: string[]) => console.log(cells.map((cell, index) => (index === 0 ? cell.padEnd(8) : cell.padStart(Math.max(6, (headers[index] as string).length)))).join('  '))
  console.log('\nready and commit in ms; disk: du of the worktree (sampled) or of the upper and work directories; beyond changes: less the bytes the agent wrote')
  row(headers)
  for (const result of results) {
    const mean = (numbers: number[]) => numbers.reduce((sum, value) => sum + value, 0) / Math.max(1, numbers.length)
    const ready = sorted(result.ready)
    const commit = sorted(result.commit)
    row([
      result.kind,
      String(fileCount),
      String(result.agents),
      percentile(ready, 0.5).toFixed(1),
      percentile(ready, 0.99).toFixed(1),
      (mean(result.disk) / 1024).toFixed(2),
      ((mean(result.disk) - mean(result.changes)) / 1024).toFixed(2),
      result.gitGrowth === undefined ? '-' : (result.gitGrowth / 1024).toFixed(2),
      result.baseSeconds === undefined ? '-' : result.baseSeconds.toFixed(1),
      percentile(commit, 0.5).toFixed(1),
      percentile(commit, 0.99).toFixed(1),
      result.cleanupSeconds.toFixed(1),
      (peakRss / 1e6).toFixed(0),
    ])
  }
  console.log('')
  for (const result of results) console.log(`${result.kind}: ${result.notes.join('; ')}`)
  for (const result of results) {
    if (result.status.length === 0) continue
    const where = result.kind === 'overlay' ? 'in the merged view, with a copy of the base index' : 'in the worktree'
    console.log(`${result.kind}: git status ${where}, p50 ${percentile(sorted(result.status), 0.5).toFixed(0)} ms over ${result.status.length} agents`)
  }
  const overlay = results.find((result) => result.kind === 'overlay')
  const worktree = results.find((result) => result.kind === 'worktree')
  if (overlay && worktree) {
    const compared = [...worktree.trees.keys()]
    const differing = compared.filter((agent) => overlay.trees.get(agent) !== worktree.trees.get(agent))
    console.log(`trees: ${compared.length - differing.length} of ${compared.length} agents' overlay commits have the tree their worktree commit has${differing.length > 0 ? `; differing: ${differing.slice(0, 10).join(', ')}` : ''}`)
    if (differing.length > 0) process.exitCode = 1
  }
  if (overlay) {
    const ready = percentile(sorted(overlay.ready), 0.5)
    const beyond = (overlay.disk.reduce((sum, value) => sum + value, 0) - overlay.changes.reduce((sum, value) => sum + value, 0)) / overlay.disk.length / 1024
    console.log(`issue 18 targets (overlay): ready p50 < 200 ms ${ready < 200 ? 'met' : 'MISSED'} (${ready.toFixed(1)}); disk per agent < 5 MB beyond its changes ${beyond < 5 ? 'met' : 'MISSED'} (${beyond.toFixed(2)})`)
  }
  console.log(`load average at the end ${loadavg().map((load) => load.toFixed(2)).join(' ')}`)
} finally {
  clearInterval(rssSampler)
  for (const helper of running) helper.kill()
  await rm(root, { recursive: true, force: true, maxRetries: 5 })
}
