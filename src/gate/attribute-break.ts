import type { EmitEvent } from '../events/index.ts'
import { revertOnTarget, targetLog, type Git } from '../git/index.ts'
import { firstBadCommit } from './bisect.ts'
import type { Culprit } from './check-status.ts'

export interface AttributeBreakOptions {
  git: Git
  /** The deep gate's scratch worktree. */
  scratch: Git
  target: string
  remote?: string | undefined
  command: string
  /** The last target commit where `command` passed. */
  since: string
  /** The tip, where it fails; `tipReport` is its failing output there. */
  tip: string
  tipReport: string
  /** Runs `command` at a commit the way it ran on the tip. */
  testAt: (commit: string) => Promise<{ passed: boolean; report: string }>
  emit: EmitEvent
  onReverted: (culprit: { taskId: number; commit: string; revert: string; output: string; command: string }) => Promise<void>
}

/**
 * Finds the merge that broke one check: bisects the target's commits between
 * the check's last pass and the tip using that check alone, and reverts the
 * first bad commit on the target when it is a task's. Otherwise says why not.
 */
export async function attributeBreak(options: AttributeBreakOptions): Promise<{ culprit: Culprit } | { reason: string; commit: string }> {
  const { command, since, tip } = options
  const range = (await targetLog(options.git, options.target, { range: `${since}..${tip}` })).reverse()
  await options.emit('deep-gate-bisecting', { tip, command, since, merges: range.length, summary: `${command} passed at ${since.slice(0, 12)} and fails now: bisecting ${range.length} merges` })
  const reports = new Map<string, string>([[tip, options.tipReport]])
  const found = await firstBadCommit(
    range.map((commit) => commit.commit),
    async (commit) => {
      const result = await options.testAt(commit)
      reports.set(commit, result.report)
      return result.passed
    },
  )
  const culprit = range.find((commit) => commit.commit === found.commit)
  if (culprit?.taskId === undefined) {
    return { reason: `the first bad commit ${found.commit.slice(0, 12)} is not a task's commit, so there is nothing to revert automatically`, commit: found.commit }
  }
  const output = reports.get(culprit.commit) ?? (await options.testAt(culprit.commit)).report
  const revert = await revertOnTarget({
    scratch: options.scratch,
    target: options.target,
    remote: options.remote,
    commit: culprit.commit,
    taskId: culprit.taskId,
    reason: `the check \`${command}\` of checks.full failed first at this commit (found by bisecting ${range.length} merges since it last passed, ${found.tested.length} tested)`,
  })
  await options.onReverted({ taskId: culprit.taskId, commit: culprit.commit, revert, output, command })
  return { culprit: { taskId: culprit.taskId, commit: culprit.commit } }
}
