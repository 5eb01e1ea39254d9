import { spawn } from 'node:child_process'
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startScriptedServer } from '../../src/model/scripted/index.ts'
import { git, gitText, loadSlice, type DependencyRule, type ReplayCommit, type ReplaySlice } from './history.ts'
import type { ReplayRepository } from './repositories.ts'
import { replayScript } from './script.ts'

const cliEntry = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))

export interface ReplayOptions {
  /** Skip this many commits of the bundle (the one before the first replayed is the base). */
  from?: number
  count?: number
  /** history.ts: `commute` (default) or the weaker `applies`, which lets more commits race and conflict. */
  rule?: DependencyRule
  workers?: number
  /** Install dependencies from the registry (`repository.install`, `finalInstall`). Off: nothing is installed. */
  install?: boolean
  /** Let tasks whose files overlap run at once (conflicts then happen and are resolved). */
  allowOverlap?: boolean
  attemptMinutes?: number
  /** Keep the person's repository for inspection instead of removing it. */
  keep?: boolean
  log?: (line: string) => void
}

export interface ReplayReport {
  repository: string
  root: string
  commits: number
  dependencies: number
  tasksMerged: number
  /** Target commits carrying each task's trailer, by task id. */
  landings: Record<number, number>
  /** Target commits (base..target) that carry no slice task's trailer (reverts, strays). */
  otherCommits: string[]
  conflicts: number
  conflictsResolved: number
  gateFailures: number
  deepGateFailures: number
  reverts: number
  failedAttempts: number
  hookRuns: string[]
  treeIdentical: boolean
  /** Files whose content differs between the target's tree and upstream's last tree. */
  treeDifferences: string[]
  checksPassed: boolean
  checksOutput: string
  checkoutUntouched: boolean
  checkoutDifference: string
  leftoverWorktrees: string[]
  leftoverBranches: string[]
  runExitCode: number
  runOutputTail: string
  wallSeconds: number
  ok: boolean
}

interface Spawned {
  code: number
  output: string
}

function run(command: string, args: string[], cwd: string, options: { env?: Record<string, string>; shell?: boolean } = {}): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], shell: options.shell ?? false })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, output }))
  })
}

const sh = (command: string, cwd: string) => run('bash', ['-c', command], cwd)

/** `colony ARGS` as a child process in `cwd`, the way a person runs it. */
export const colony = (cwd: string, args: string[]) => run(process.execPath, [cliEntry, ...args], cwd)

/** HEAD, branch, index, working tree, untracked files and stash of the person's checkout. */
export async function checkoutSnapshot(root: string): Promise<string> {
  const parts = [
    await gitText(root, ['rev-parse', 'HEAD']),
    await gitText(root, ['symbolic-ref', 'HEAD']),
    await gitText(root, ['ls-files', '--stage']),
    (await git(root, ['diff'])).stdout,
    (await git(root, ['diff', '--cached'])).stdout,
    await gitText(root, ['status', '--porcelain', '--untracked-files=all']),
    await gitText(root, ['stash', 'list']),
    await gitText(root, ['for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads/main', 'refs/stash']),
  ]
  return parts.join('\n---\n')
}

function firstDifference(before: string, after: string): string {
  const a = before.split('\n')
  const b = after.split('\n')
  for (let line = 0; line < Math.max(a.length, b.length); line++) if (a[line] !== b[line]) return `line ${line + 1}: before ${JSON.stringify(a[line])}, after ${JSON.stringify(b[line])}`
  return ''
}

/**
 * The person's repository: history up to the slice's base on `main`, checked
 * out, with their own identity, hooks installed as their tooling would, a
 * stash entry and an uncommitted edit (Colony must leave both alone), and
 * (bench) dependencies installed and ignored.
 */
async function createPersonRepository(repository: ReplayRepository, slice: ReplaySlice, options: ReplayOptions, hookLog: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), `colony-replay-${repository.name}-`))
  await git(root, ['init', '-q', '-b', 'main'])
  await git(root, ['config', 'user.name', 'Replay Person'])
  await git(root, ['config', 'user.email', 'person@example.com'])
  await git(root, ['fetch', '-q', repository.bundle, `refs/heads/main:refs/replay/upstream`])
  await git(root, ['reset', '-q', '--hard', slice.base])
  // The upstream objects stay (a person's clone has them too); only the ref goes.
  await git(root, ['update-ref', '-d', 'refs/replay/upstream'])
  for (const command of options.install ? repository.install : []) {
    const installed = await sh(command, root)
    if (installed.code !== 0) throw new Error(`install failed in the person's checkout: ${command}\n${installed.output.slice(-3_000)}`)
  }
  const hooksDir = repository.hooksPath ? join(root, repository.hooksPath) : join(root, '.git', 'hooks')
  if (repository.hooksPath) await git(root, ['config', 'core.hooksPath', repository.hooksPath])
  for (const [name, command] of Object.entries(repository.hooks)) {
    await mkdir(hooksDir, { recursive: true })
    // As simple-git-hooks writes it, plus a line in the harness's log so the figures can say who ran it.
    await writeFile(join(hooksDir, name), `#!/bin/sh\necho "${name} $(pwd)" >> ${hookLog}\n${command}\n`)
    await chmod(join(hooksDir, name), 0o755)
  }
  // Work in progress of the person's own: a stash entry and an uncommitted edit.
  const readme = (await gitText(root, ['ls-files'])).split('\n').find((file) => /^readme/i.test(file)) ?? (await gitText(root, ['ls-files'])).split('\n')[0]!
  await writeFile(join(root, readme), `${await readFile(join(root, readme), 'utf8')}\nStashed note of the person.\n`)
  await git(root, ['stash', 'push', '-q', '-m', 'person: stashed note'])
  await writeFile(join(root, readme), `${await readFile(join(root, readme), 'utf8')}\nUncommitted note of the person.\n`)
  return root
}

async function events(root: string): Promise<{ type: string; taskId: number | null; data: Record<string, unknown> }[]> {
  const listed = await colony(root, ['events', '--json'])
  return listed.output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { type: string; taskId: number | null; data: Record<string, unknown> })
}

/** The repository's checks on a fresh clone of the target, with the person's dependencies linked or a fresh install. */
async function targetChecks(root: string, repository: ReplayRepository, options: ReplayOptions, target: string): Promise<Spawned> {
  const checkout = await mkdtemp(join(tmpdir(), `colony-replay-target-${repository.name}-`))
  try {
    await git(checkout, ['clone', '-q', '--no-checkout', root, '.'])
    await git(checkout, ['checkout', '-q', '--detach', await gitText(root, ['rev-parse', target])])
    if (options.install && repository.finalInstall) {
      for (const command of repository.finalInstall) {
        const installed = await sh(command, checkout)
        if (installed.code !== 0) return { code: installed.code, output: `install on the target failed: ${command}\n${installed.output}` }
      }
    } else if (options.install) {
      for (const link of repository.link.filter((path) => !path.includes('*'))) await symlink(join(root, link), join(checkout, link)).catch(() => undefined)
    }
    let output = ''
    for (const command of repository.checks) {
      const result = await sh(command, checkout)
      output += `$ ${command}\n${result.output.slice(-4_000)}\n`
      if (result.code !== 0) return { code: result.code, output }
    }
    return { code: 0, output }
  } finally {
    await rm(checkout, { recursive: true, force: true })
  }
}

/**
 * Replays a slice of a repository's history through `colony run`: one task
 * per commit (scope: its files; `--after`: the dependency rule of
 * history.ts), scripted workers applying each commit's patch, then checks
 * that every commit landed exactly once, the target's tree is upstream's,
 * the repository's checks pass on it and the person's checkout is as it was.
 */
export async function replay(repository: ReplayRepository, options: ReplayOptions = {}): Promise<ReplayReport> {
  const log = options.log ?? (() => undefined)
  const slice = await loadSlice(repository.bundle, { ...(options.rule && { rule: options.rule }), ...(options.from !== undefined && { from: options.from }), ...(options.count !== undefined && { count: options.count }) })
  const hookLog = join(await mkdtemp(join(tmpdir(), 'colony-replay-hooks-')), 'hooks.log')
  await writeFile(hookLog, '')
  let root: string | undefined
  const tasks = new Map<string, ReplayCommit>()
  const server = await startScriptedServer({ script: replayScript(tasks) })
  try {
    log(`${repository.name}: ${slice.commits.length} commits, ${slice.commits.reduce((sum, commit) => sum + commit.dependsOn.length, 0)} dependencies; preparing the person's repository`)
    root = await createPersonRepository(repository, slice, options, hookLog)
    const gated = repository.gate === 'fast'
    await writeFile(
      join(root, 'colony.json'),
      `${JSON.stringify(
        {
          models: { default: 'scripted:agent' },
          providers: { scripted: { type: 'openai-compatible', baseURL: server.url } },
          prices: { 'scripted:agent': { input: 0, output: 0 } },
          workers: options.workers ?? 4,
          checks: { fast: [], full: gated ? repository.checks : [] },
          limits: { attemptMinutes: options.attemptMinutes ?? 10, leaseSeconds: 30, diffLines: 100_000, steps: 200 },
          scheduling: { allowOverlap: options.allowOverlap ?? true },
          workspace: { link: repository.link },
        },
        null,
        2,
      )}\n`,
    )
    const init = await colony(root, ['init'])
    if (init.code !== 0) throw new Error(`colony init failed: ${init.output}`)
    const ids: number[] = []
    for (const commit of slice.commits) {
      const args = ['task', 'add', `Replay ${commit.commit.slice(0, 10)}: ${commit.subject}`, '--description', `Apply upstream commit ${commit.commit} exactly.\n\n${commit.message}`, '--priority', String(slice.commits.length - commit.index)]
      for (const file of commit.files) args.push('--scope', file)
      for (const index of commit.dependsOn) args.push('--after', String(ids[index]))
      if (gated) for (const check of repository.checks) args.push('--accept', check)
      const added = await colony(root, args)
      if (added.code !== 0) throw new Error(`colony task add failed for ${commit.commit}: ${added.output}`)
      const id = Number(added.output.trim().split('\n').at(-1))
      ids.push(id)
      tasks.set(String(id), commit)
    }
    const before = await checkoutSnapshot(root)
    log(`${repository.name}: ${ids.length} tasks added; colony run`)
    const started = performance.now()
    const runResult = await colony(root, ['run', '--goal', `Replay ${slice.commits.length} upstream commits of ${repository.upstream}`])
    const wallSeconds = (performance.now() - started) / 1000
    log(`${repository.name}: run exited ${runResult.code} after ${wallSeconds.toFixed(1)} s`)

    const target = 'colony/main'
    const landed = (await gitText(root, ['log', '--first-parent', '--format=%H %(trailers:key=Colony-Task,valueonly,separator=%x2C)', `${slice.base}..${target}`])).split('\n').filter(Boolean)
    const landings: Record<number, number> = Object.fromEntries(ids.map((id) => [id, 0]))
    const otherCommits: string[] = []
    for (const line of landed) {
      const [commit, trailer] = line.split(' ')
      const id = Number(trailer)
      if (trailer && id in landings) landings[id]!++
      else otherCommits.push(`${commit!.slice(0, 12)} ${await gitText(root, ['log', '-1', '--format=%s', commit!])}`)
    }
    const all = await events(root)
    const conflictTasks = new Set(all.filter((event) => event.type === 'merge-conflict').map((event) => event.taskId))
    const list = JSON.parse((await colony(root, ['task', 'list', '--json'])).output) as { id: number; status: string }[]
    const merged = new Set(list.filter((task) => task.status === 'merged').map((task) => task.id))
    const upstreamTree = await gitText(root, ['rev-parse', `${slice.last}^{tree}`])
    const targetTree = await gitText(root, ['rev-parse', `${target}^{tree}`])
    const treeDifferences = targetTree === upstreamTree ? [] : (await gitText(root, ['diff', '--name-only', slice.last, target])).split('\n').filter(Boolean)
    const checks = await targetChecks(root, repository, options, target)
    const after = await checkoutSnapshot(root)
    const leftoverWorktrees = (await gitText(root, ['worktree', 'list', '--porcelain'])).split('\n').filter((line) => line.startsWith('worktree ') && line !== `worktree ${root}`)
    const leftoverBranches = (await gitText(root, ['for-each-ref', '--format=%(refname:short)', 'refs/heads/colony/task/'])).split('\n').filter(Boolean)
    const report: ReplayReport = {
      repository: repository.name,
      root,
      commits: slice.commits.length,
      dependencies: slice.commits.reduce((sum, commit) => sum + commit.dependsOn.length, 0),
      tasksMerged: ids.filter((id) => merged.has(id)).length,
      landings,
      otherCommits,
      conflicts: all.filter((event) => event.type === 'merge-conflict').length,
      conflictsResolved: [...conflictTasks].filter((id) => id !== null && merged.has(id)).length,
      gateFailures: all.filter((event) => event.type === 'gate-failed').length,
      deepGateFailures: all.filter((event) => event.type === 'deep-gate-failed' || event.type === 'deep-gate-bisecting').length,
      reverts: all.filter((event) => event.type === 'task-reverted').length,
      failedAttempts: all.filter((event) => event.type === 'task-attempt-failed' || event.type === 'task-failed').length,
      hookRuns: (await readFile(hookLog, 'utf8')).split('\n').filter(Boolean),
      treeIdentical: targetTree === upstreamTree,
      treeDifferences,
      checksPassed: checks.code === 0,
      checksOutput: checks.output,
      checkoutUntouched: before === after,
      checkoutDifference: firstDifference(before, after),
      leftoverWorktrees,
      leftoverBranches,
      runExitCode: runResult.code,
      runOutputTail: runResult.output.slice(-4_000),
      wallSeconds,
      ok: false,
    }
    report.ok = report.runExitCode === 0 && Object.values(landings).every((count) => count === 1) && otherCommits.length === 0 && report.treeIdentical && report.checksPassed && report.checkoutUntouched
    return report
  } finally {
    await server.close()
    await slice.dispose()
    await rm(join(hookLog, '..'), { recursive: true, force: true })
    if (root && !options.keep) await rm(root, { recursive: true, force: true })
  }
}

/** One line of figures per replay, and what went wrong when it did. */
export function describeReport(report: ReplayReport): string {
  const once = Object.values(report.landings).filter((count) => count === 1).length
  const lines = [
    `${report.repository}: ${report.commits} commits (${report.dependencies} dependencies), ${once} merged exactly once, ${report.tasksMerged} tasks merged, ` +
      `${report.conflicts} conflicts (${report.conflictsResolved} tasks resolved theirs and merged), ${report.gateFailures} gate failures, ${report.deepGateFailures} deep-gate failures, ` +
      `${report.reverts} reverts, ${report.failedAttempts} failed attempts, ${report.hookRuns.length} hook runs, wall ${report.wallSeconds.toFixed(1)} s; ` +
      `tree ${report.treeIdentical ? 'identical to upstream' : `differs in ${report.treeDifferences.length} files`}, checks ${report.checksPassed ? 'green' : 'red'}, ` +
      `checkout ${report.checkoutUntouched ? 'untouched' : 'CHANGED'}, run exit ${report.runExitCode}: ${report.ok ? 'OK' : 'FAILED'}`,
  ]
  if (!report.ok) {
    const missing = Object.entries(report.landings).filter(([, count]) => count !== 1)
    if (missing.length > 0) lines.push(`  not merged exactly once: ${missing.map(([id, count]) => `task ${id} ×${count}`).join(', ')}`)
    if (report.otherCommits.length > 0) lines.push(`  other commits on the target: ${report.otherCommits.join('; ')}`)
    if (report.treeDifferences.length > 0) lines.push(`  tree differs in: ${report.treeDifferences.slice(0, 20).join(', ')}`)
    if (!report.checksPassed) lines.push(`  checks:\n${report.checksOutput.slice(-2_000)}`)
    if (!report.checkoutUntouched) lines.push(`  checkout changed at ${report.checkoutDifference}`)
    if (report.runExitCode !== 0 || missing.length > 0) lines.push(`  run output (tail):\n${report.runOutputTail.slice(-2_500)}`)
  }
  if (report.leftoverWorktrees.length > 0 || report.leftoverBranches.length > 0) lines.push(`  left behind: ${report.leftoverWorktrees.length} worktrees, ${report.leftoverBranches.length} colony/task branches`)
  if (report.hookRuns.length > 0) lines.push(`  hooks ran: ${[...new Set(report.hookRuns.map((line) => line.replace(/ \/.*\/(\.colony\/worktrees\/[^/ ]+).*$/, ' $1')))].slice(0, 5).join('; ')}`)
  return lines.join('\n')
}
