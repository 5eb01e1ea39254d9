import type { EmitEvent } from '../events/index.ts'
import { existsSync } from 'node:fs'
import { setTimeout as delay } from 'node:timers/promises'
import { changedFiles, diffSize, outsideScope } from './change-limits.ts'
import { filesWithMarkers, readConflicts, unmergedPaths, type ConflictedFile } from './conflicts.ts'
import type { Git } from './git.ts'
import { stageChanges } from './stage-changes.ts'
import { targetTip } from './target-branch.ts'
import { readTaskOutcome, swapTargetForTask } from './task-outcome.ts'
import { unsupportedChanges } from './unsupported-changes.ts'

export interface IntegrationTask {
  id: number
  /** The run the task belongs to (its outcome ref is per run); 0 for an integration outside a run. */
  runId?: number
  title: string
  description: string
  scope: string[]
}

export interface GateOutcome {
  passed: boolean
  output: string
}

export type IntegrationOutcome =
  | { status: 'merged'; commit: string; message: string; races: number; gateRuns: number }
  | { status: 'nothing-to-commit'; message: string }
  | { status: 'conflict'; files: ConflictedFile[]; message: string }
  | { status: 'unresolved-markers'; files: string[]; message: string }
  | { status: 'out-of-scope'; files: string[]; message: string }
  | { status: 'too-large'; lines: number; limit: number; message: string }
  /** Submodule pointers or Git LFS content, which Colony does not land (docs/real-repositories.md). */
  | { status: 'unsupported'; files: string[]; message: string }
  | { status: 'gate-failed'; output: string; message: string }
  | { status: 'target-busy'; races: number; message: string }
  /** The task was cancelled before its change could land: the target does not have it. */
  | { status: 'cancelled'; message: string }
  /** Another landing of this task (an earlier holder whose lease ran out) got there first: the target has that commit. */
  | { status: 'landed-before'; commit: string; message: string }
  /** `land: false`: everything up to the compare-and-swap passed; the target is unchanged. */
  | { status: 'gated'; commit: string; tip: string; message: string }

export interface IntegrateOptions {
  /** Git in the task's worktree. */
  git: Git
  target: string
  /** The git remote holding the target, when it is not local (see target-branch.ts). */
  remote?: string | undefined
  task: IntegrationTask
  author: { name: string; email: string }
  /** Most lines (added + removed) one task may change. */
  diffLimit: number
  /** Paths that are never committed: linked or copied into the worktree by `workspace`. */
  exclude?: string[]
  /** The fast gate: the task's acceptance commands plus `checks.fast`, run in the worktree. */
  gate: (cwd: string) => Promise<GateOutcome>
  emit?: EmitEvent
  /** False stops after the gate (approval.merge: a person approves before the change lands). Default true. */
  land?: boolean
  /**
   * Serializes the last step (catch up with the tip, swap) among integrations
   * sharing it, e.g. all workers of one process: they then never lose a race
   * to each other, only to other processes. The gate runs outside it.
   */
  landing?: <T>(work: () => Promise<T>) => Promise<T>
  /** Compare-and-swap attempts before giving the target back to others for a while. */
  maxRaces?: number
  signal?: AbortSignal
}

export const taskTrailer = 'Colony-Task'

function commitMessage(task: IntegrationTask): string {
  const body = task.description.trim() && task.description.trim() !== task.title.trim() ? `\n\n${task.description.trim()}` : ''
  return `${task.title.trim()}${body}\n\n${taskTrailer}: ${task.id}\n`
}

function capOutput(output: string, limit = 12_000): string {
  if (output.length <= limit) return output
  return `... (${output.length - limit} earlier characters cut)\n${output.slice(-limit)}`
}

async function authorOf(git: Git, commit: string): Promise<Record<string, string>> {
  const [name = '', email = '', date = ''] = (await git.text(['log', '-1', '--format=%an%x00%ae%x00%aI', commit])).split('\0')
  return { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_AUTHOR_DATE: date }
}

/**
 * Lands a worker's changes on the target branch (DESIGN.md, "Finishing is
 * integrating"): squash them into one commit carrying `Colony-Task: <id>`,
 * refuse files outside the task's scope or a diff over the limit, rebase onto
 * the target's tip, run the fast gate, and move the target by compare-and-swap;
 * when another integration moved it first, rebase and try again. Anything the
 * worker must fix comes back as an outcome whose `message` says what and how;
 * the worker fixes it in the same worktree and calls this again.
 */
export async function integrate(options: IntegrateOptions): Promise<IntegrationOutcome> {
  const { git, task } = options
  const emit: EmitEvent = async (type, data) => void (await options.emit?.(type, data))
  const maxRaces = options.maxRaces ?? 30
  const excluded = options.exclude ?? []
  const authorEnv = {
    GIT_AUTHOR_NAME: options.author.name,
    GIT_AUTHOR_EMAIL: options.author.email,
    GIT_COMMITTER_NAME: options.author.name,
    GIT_COMMITTER_EMAIL: options.author.email,
  }

  const rebaseInProgress = async () => existsSync(await git.text(['rev-parse', '--path-format=absolute', '--git-path', 'rebase-merge']))
  const tipOf = async () => {
    const tip = await targetTip(git, options)
    if (!tip) throw new Error(`the target branch ${options.target} does not exist`)
    return tip
  }

  async function conflictOutcome(): Promise<IntegrationOutcome> {
    const paths = await unmergedPaths(git)
    const files = await readConflicts(git, paths)
    await emit('merge-conflict', { files: paths })
    return {
      status: 'conflict',
      files,
      message:
        `Rebasing your change onto the latest ${options.target} stopped with conflicts in: ${paths.join(', ')}.\n` +
        'Another task changed the same lines. Edit each file so that it keeps both changes correctly and has no ' +
        '<<<<<<< ======= >>>>>>> markers left, then call finish again (do not run git yourself).\n\n' +
        files.map((file) => `--- ${file.path} (conflicts at lines ${file.markerLines.join(', ')})\n${file.content}`).join('\n\n'),
    }
  }

  /** Continues a rebase the worker has resolved; undefined when it went through. */
  async function continueRebase(): Promise<IntegrationOutcome | undefined> {
    const unmerged = await unmergedPaths(git)
    const marked = await filesWithMarkers(git.cwd, unmerged)
    if (marked.length > 0) {
      return {
        status: 'unresolved-markers',
        files: marked,
        message: `These files still contain conflict markers: ${marked.join(', ')}. Resolve every <<<<<<< ======= >>>>>>> block, then call finish again.`,
      }
    }
    await stageChanges(git, excluded)
    const continued = await git.run(['-c', 'core.editor=true', 'rebase', '--continue'], { env: authorEnv, okExitCodes: [1] })
    if (continued.exitCode === 0) return undefined
    if ((await unmergedPaths(git)).length > 0) return conflictOutcome()
    // The resolution left nothing of this task's change: drop the empty commit.
    await git.run(['rebase', '--skip'], { okExitCodes: [1] })
    return undefined
  }

  if (await rebaseInProgress()) {
    const stopped = await continueRebase()
    if (stopped) return stopped
  }

  // One commit per task: fold whatever the worker committed or left in the tree into it.
  let tip = await tipOf()
  let base = await git.text(['merge-base', 'HEAD', tip])
  await git.run(['reset', '--soft', base])
  await stageChanges(git, excluded)
  const staged = await git.run(['diff', '--cached', '--quiet'], { okExitCodes: [1] })
  if (staged.exitCode === 0) {
    return { status: 'nothing-to-commit', message: 'There are no changes to integrate: the worktree matches the target. Make the change the task asks for, then call finish.' }
  }
  await git.run(['commit', '--quiet', '--no-verify', '-F', '-'], { input: commitMessage(task), env: authorEnv })
  const files = await changedFiles(git, base, 'HEAD')

  const stray = outsideScope(files, task.scope)
  if (stray.length > 0) {
    await git.run(['reset', '--mixed', '--quiet', base])
    await emit('scope-refused', { files: stray, scope: task.scope })
    return {
      status: 'out-of-scope',
      files: stray,
      message:
        `Your change touches files outside this task's scope (${task.scope.join(', ')}): ${stray.join(', ')}.\n` +
        'Undo the changes to those files (restore their original content, delete files you created there), ' +
        'or note in finish.concerns that the scope is wrong; then call finish again.',
    }
  }
  const unsupported = await unsupportedChanges(git, base, 'HEAD')
  if (unsupported.length > 0) {
    await git.run(['reset', '--mixed', '--quiet', base])
    await emit('change-refused', { files: unsupported.map((change) => change.path) })
    return {
      status: 'unsupported',
      files: unsupported.map((change) => change.path),
      message: `Colony cannot land part of your change:\n${unsupported.map((change) => `- ${change.path}: ${change.reason}.`).join('\n')}\nThen call finish again.`,
    }
  }
  const lines = await diffSize(git, base, 'HEAD')
  if (lines > options.diffLimit) {
    await git.run(['reset', '--mixed', '--quiet', base])
    await emit('diff-refused', { lines, limit: options.diffLimit })
    return {
      status: 'too-large',
      lines,
      limit: options.diffLimit,
      message: `Your change is ${lines} lines (added + removed); the limit per task is ${options.diffLimit}. Make a smaller change that does only this task, and mention the rest in finish.concerns so the planner can split it.`,
    }
  }

  let gatedAt: string | undefined
  let gateRuns = 0
  // The task's commit as it would land; the worktree is moved to it only when the gate must run there.
  let candidate = await git.text(['rev-parse', 'HEAD'])
  let worktreeAt = candidate
  const commitEnv = await authorOf(git, candidate)
  const syncWorktree = async () => {
    if (worktreeAt === candidate) return
    await git.run(['reset', '--quiet', '--keep', candidate])
    worktreeAt = candidate
  }

  /** Rebases the candidate onto `tip` if it is not there yet; a conflict is the worker's to resolve. */
  async function rebaseOntoTip(): Promise<IntegrationOutcome | undefined> {
    if (base === tip) return undefined
    // PERF: a rebase of one commit is a three-way merge git can do in memory; the
    // worktree is only touched for a conflict (to show its markers) or a gate run.
    const merged = await git.run(['merge-tree', '--write-tree', '--name-only', '--no-messages', tip, candidate], { okExitCodes: [1] })
    if (merged.exitCode !== 0) {
      await syncWorktree()
      const rebased = await git.run(['rebase', '--quiet', tip], { env: authorEnv, okExitCodes: [1] })
      if (rebased.exitCode !== 0) return conflictOutcome()
      candidate = await git.text(['rev-parse', 'HEAD'])
      worktreeAt = candidate
    } else {
      const tree = merged.stdout.split('\n')[0]!.trim()
      const message = (await git.run(['log', '-1', '--format=%B', candidate])).stdout
      candidate = await git.text(['commit-tree', tree, '-p', tip, '-F', '-'], { input: message, env: { ...commitEnv, GIT_COMMITTER_NAME: options.author.name, GIT_COMMITTER_EMAIL: options.author.email } })
    }
    base = tip
    return undefined
  }

  const touchedSinceGate = async () => (gatedAt ? (await changedFiles(git, gatedAt, tip)).filter((file) => files.includes(file)) : files)

  /** The fast gate, unless the rebase was clean and none of the task's files changed on the target since it passed. */
  async function gateIfNeeded(): Promise<IntegrationOutcome | undefined> {
    const touched = await touchedSinceGate()
    if (gatedAt && touched.length === 0) {
      if (gatedAt !== tip) await emit('gate-skipped', { tip, gatedAt, reason: 'clean rebase, and none of the task\'s files changed on the target since its gate passed' })
      return undefined
    }
    await syncWorktree()
    gateRuns++
    const outcome = await options.gate(git.cwd)
    if (!outcome.passed) {
      await emit('gate-failed', { stage: 'fast', output: capOutput(outcome.output, 4_000) })
      return {
        status: 'gate-failed',
        output: capOutput(outcome.output),
        message: `The gate failed on your change (rebased onto the latest ${options.target}). Fix the failures below in your worktree and call finish again.\n\n${capOutput(outcome.output)}`,
      }
    }
    await emit('gate-passed', { stage: 'fast', tip, ...(gatedAt && { rerunBecause: touched }) })
    gatedAt = tip
    return undefined
  }

  // Without a landing lock, every integrator races for the target and the losers retry.
  const landing = options.landing ?? (<T>(work: () => Promise<T>) => work())
  let race = 0
  while (race <= maxRaces) {
    options.signal?.throwIfAborted()
    // Rebase and gate outside the landing lock: the gate is slow and must not hold others up.
    const stopped = (await rebaseOntoTip()) ?? (await gateIfNeeded())
    if (stopped) return stopped
    if (options.land === false) {
      await syncWorktree()
      return { status: 'gated', commit: candidate, tip, message: `Your change passed its gate on ${options.target} at ${tip.slice(0, 12)}; it lands when a person approves it (approval.merge).` }
    }
    const landed = await landing(async (): Promise<IntegrationOutcome | 'regate' | 'lost'> => {
      const current = await tipOf()
      if (current !== tip) {
        // Another integration landed while this one was gated: catch up (cheap) before the swap.
        race++
        await emit('target-moved', { expected: tip, actual: current, race, at: 'catch-up' })
        tip = current
        const conflict = await rebaseOntoTip()
        if (conflict) return conflict
        const touched = await touchedSinceGate()
        if (touched.length > 0) return 'regate'
        await emit('gate-skipped', { tip, gatedAt, reason: 'clean rebase, and none of the task\'s files changed on the target since its gate passed' })
      }
      await emit('landing-swap', { tip, candidate })
      const key = { runId: task.runId ?? 0, id: task.id }
      const swapped = await swapTargetForTask(git, options, key, candidate, tip, `colony: task ${task.id}`)
      if (swapped === 'swapped') {
        await syncWorktree()
        return { status: 'merged', commit: candidate, races: race, gateRuns, message: `Merged into ${options.target} as ${candidate.slice(0, 12)}.` }
      }
      if (swapped === 'target-moved') return 'lost'
      const decided = await readTaskOutcome(git, options, key)
      if (decided.state === 'landed') {
        return { status: 'landed-before', commit: decided.commit, message: `This task already landed on ${options.target} as ${decided.commit.slice(0, 12)}; there is nothing more to merge.` }
      }
      await emit('landing-refused', { reason: 'the task was cancelled before its change landed' })
      return { status: 'cancelled', message: `Task ${task.id} was cancelled before your change landed; nothing was merged. Stop working on it.` }
    })
    if (typeof landed === 'object') return landed
    if (landed === 'lost') {
      // Another integrator moved the target between our read and our swap.
      race++
      const moved = await tipOf()
      await emit('target-moved', { expected: tip, actual: moved, race, at: 'swap' })
      tip = moved
      // Exponential back-off with full jitter: integrations that lost together should not
      // all retry together (bench/integrate.ts: about a third fewer lost races than linear back-off).
      await delay(Math.random() * 10 * 2 ** Math.min(race - 1, 6))
    }
  }
  await syncWorktree()
  return {
    status: 'target-busy',
    races: maxRaces + 1,
    message: `${options.target} kept moving while this change was landing (${maxRaces + 1} lost compare-and-swaps). Call finish again to retry.`,
  }
}
