import { assertNotCheckedOut } from './checked-out.ts'
import { commonDirOf } from './common-dir.ts'
import { GitError } from './errors.ts'
import { branchRef, type Git } from './git.ts'
import { refPlainlyAbsent } from './ref-absent.ts'
import type { TargetLocation } from './target-branch.ts'

/**
 * Each task has one outcome ref, `refs/colony/tasks/<run>/<task>`, created
 * exactly once: by the landing, in the same atomic ref transaction that moves
 * the target (pointing at the landed commit), or by a cancel, before the
 * landing (pointing at a marker commit). Whoever creates it first decides the
 * task: a cancel that comes first means the landing's transaction fails and
 * nothing lands; a cancel that comes after finds the landed commit and the
 * task is recorded merged. There is no third outcome (issue 12). A revert
 * deletes the ref, so a retried task can land again.
 */
export interface TaskKey {
  runId: number
  id: number
}

export type TaskOutcome = { state: 'open' } | { state: 'landed'; commit: string } | { state: 'closed'; marker: string }

export type TaskSwap = 'swapped' | 'target-moved' | 'decided'

const closedTrailer = 'Colony-Cancelled'

export function taskOutcomeRef(task: TaskKey): string {
  return `refs/colony/tasks/${task.runId}/${task.id}`
}

async function remoteRefValue(git: Git, remote: string, ref: string): Promise<string | undefined> {
  const line = (await git.text(['ls-remote', remote, ref])).split('\n').find((entry) => entry.endsWith(`\t${ref}`))
  return line?.split('\t')[0]
}

/** What decided the task, read where the target lives. */
export async function readTaskOutcome(git: Git, location: TargetLocation, task: TaskKey): Promise<TaskOutcome> {
  const ref = taskOutcomeRef(task)
  let value: string | undefined
  if (location.remote === undefined) {
    // PERF: asked by every worker before it starts (a thousand at once with a thousand agents), and almost always absent.
    value = refPlainlyAbsent(await commonDirOf(git), ref) ? undefined : await git.resolveRef(ref)
  } else {
    value = await remoteRefValue(git, location.remote, ref)
    if (value) await git.run(['fetch', '--quiet', '--no-tags', location.remote, `+${ref}:${ref}`])
  }
  if (!value) return { state: 'open' }
  const message = await git.text(['log', '-1', '--format=%B', value])
  return new RegExp(`^${closedTrailer}: ${task.id}$`, 'm').test(message) ? { state: 'closed', marker: value } : { state: 'landed', commit: value }
}

/**
 * Moves the target from `expected` to `next` and records `next` as the task's
 * landing, both or neither. 'target-moved': someone else moved the target
 * first (rebase and try again); 'decided': the task's outcome was already
 * created (a cancel, or another lander), read it with readTaskOutcome.
 */
export async function swapTargetForTask(git: Git, location: TargetLocation, task: TaskKey, next: string, expected: string, message: string): Promise<TaskSwap> {
  const targetRef = branchRef(location.target)
  const outcomeRef = taskOutcomeRef(task)
  await assertNotCheckedOut(git, location.target)
  if (location.remote === undefined) {
    const transaction = `start\ncreate ${outcomeRef} ${next}\nupdate ${targetRef} ${next} ${expected}\nprepare\ncommit\n`
    const result = await git.run(['update-ref', '-m', message, '--stdin'], { input: transaction, okExitCodes: [128] })
    if (result.exitCode === 0) return 'swapped'
    if (await git.resolveRef(outcomeRef)) return 'decided'
    if ((await git.resolveRef(targetRef)) !== expected) return 'target-moved'
    throw new GitError(['update-ref', '--stdin', targetRef, outcomeRef], result.exitCode, result.stderr)
  }
  const pushed = await git.run(
    ['push', '--quiet', '--porcelain', '--atomic', `--force-with-lease=${targetRef}:${expected}`, `--force-with-lease=${outcomeRef}:`, location.remote, `${next}:${targetRef}`, `${next}:${outcomeRef}`],
    { okExitCodes: [1] },
  )
  if (pushed.exitCode !== 0) {
    if (!/stale info|rejected|fetch first|non-fast-forward|atomic push failed/i.test(pushed.stdout + pushed.stderr)) {
      throw new GitError(['push', '--atomic', location.remote, targetRef, outcomeRef], pushed.exitCode, pushed.stderr || pushed.stdout)
    }
    return (await remoteRefValue(git, location.remote, outcomeRef)) ? 'decided' : 'target-moved'
  }
  // The local branch mirrors the remote; a concurrent fetch may already have moved it there.
  await git.run(['update-ref', '-m', message, targetRef, next])
  await git.run(['update-ref', outcomeRef, next])
  return 'swapped'
}

async function closedMarker(git: Git, task: TaskKey, reason: string): Promise<string> {
  const emptyTree = await git.text(['mktree'], { input: '' })
  const identity = { GIT_AUTHOR_NAME: 'Colony', GIT_AUTHOR_EMAIL: 'colony@localhost', GIT_COMMITTER_NAME: 'Colony', GIT_COMMITTER_EMAIL: 'colony@localhost' }
  return git.text(['commit-tree', emptyTree, '-F', '-'], { input: `colony: task ${task.id} closed to landings\n\n${reason}\n\n${closedTrailer}: ${task.id}\n`, env: identity })
}

/**
 * Closes a task to landings (before it is cancelled): afterwards no landing
 * of it can move the target. Returns 'landed' with the commit when the task
 * had already landed, in which case the cancel must not happen.
 */
export async function closeTaskOutcome(git: Git, location: TargetLocation, task: TaskKey, reason: string): Promise<Exclude<TaskOutcome, { state: 'open' }>> {
  const ref = taskOutcomeRef(task)
  const marker = await closedMarker(git, task, reason)
  if (location.remote === undefined) {
    const created = await git.run(['update-ref', '-m', 'colony: task closed', ref, marker, '0'.repeat(marker.length)], { okExitCodes: [128] })
    if (created.exitCode === 0) return { state: 'closed', marker }
  } else {
    const pushed = await git.run(['push', '--quiet', '--porcelain', `--force-with-lease=${ref}:`, location.remote, `${marker}:${ref}`], { okExitCodes: [1] })
    if (pushed.exitCode === 0) {
      await git.run(['update-ref', ref, marker])
      return { state: 'closed', marker }
    }
  }
  const outcome = await readTaskOutcome(git, location, task)
  if (outcome.state === 'open') throw new GitError(['update-ref', ref], 128, `the outcome ref ${ref} could neither be created nor read`)
  return outcome
}

/** Deletes the task's outcome ref if it still holds `value`: a cancel that did not go through, or a landing that was reverted. */
export async function reopenTaskOutcome(git: Git, location: TargetLocation, task: TaskKey, value: string): Promise<void> {
  const ref = taskOutcomeRef(task)
  if (location.remote !== undefined) {
    await git.run(['push', '--quiet', '--porcelain', `--force-with-lease=${ref}:${value}`, location.remote, `:${ref}`], { okExitCodes: [1] })
  }
  await git.run(['update-ref', '-d', ref, value], { okExitCodes: [1, 128] })
}

/** Deletes every outcome ref (a fresh database starts its runs and tasks at 1 again). */
export async function forgetTaskOutcomes(git: Git): Promise<void> {
  const refs = await git.lines(['for-each-ref', '--format=%(refname)', 'refs/colony/tasks/'])
  if (refs.length === 0) return
  await git.run(['update-ref', '--stdin'], { input: refs.map((ref) => `delete ${ref}\n`).join('') })
}

/**
 * The board's landing gate (board/LandingGate) over outcome refs: every
 * cancel closes the task where the target lives before the board records it.
 */
export function createTaskLandingGate(git: Git, location: TargetLocation) {
  return {
    async close(task: TaskKey, reason: string): Promise<{ landed: string } | { closed: string }> {
      const outcome = await closeTaskOutcome(git, location, task, reason)
      return outcome.state === 'landed' ? { landed: outcome.commit } : { closed: outcome.marker }
    },
    reopen: (task: TaskKey, marker: string) => reopenTaskOutcome(git, location, task, marker),
  }
}
