import { IllegalTransitionError, type Board } from '../board/index.ts'
import { reopenTaskOutcome, requireTaskCommit, revertOnTarget, targetLog, targetTip, type Git, type Workspaces } from '../git/index.ts'
import { markStaleAfterLanding } from '../memory/index.ts'
import { recordSurvivedFailure } from '../orchestrator/index.ts'
import type { Store, Task } from '../store/index.ts'

export interface RevertTaskOptions {
  git: Git
  workspaces: Workspaces
  store: Store
  board: Board
  target: string
  /** The git remote holding the target, when it is not local. */
  remote?: string | undefined
  taskId: number
  reason: string
  actor: string
  /** Failing output to attach to the task (the deep gate's). */
  output?: string
  /** The revert is already on the target (the deep gate made it); only the board is updated. */
  revertCommit?: string
}

/**
 * Takes a merged task back out: reverts its commit on the target (unless that
 * was already done) and moves it to `reverted` with the reason, so it can be
 * retried. Running it again after a crash between the two steps does not
 * revert twice: an existing `Colony-Revert-Of` commit is reused.
 */
export async function revertTask(options: RevertTaskOptions): Promise<{ task: Task; commit: string; revert: string }> {
  const task = await options.store.getTask(options.taskId)
  if (task.status !== 'merged') throw new IllegalTransitionError(task.id, task.status, 'reverted')
  const commit = await requireTaskCommit(options.git, options.target, task.id, options.remote)
  let revert = options.revertCommit
  if (!revert) {
    const later = await targetLog(options.git, options.target, { range: `${commit}..refs/heads/${options.target}` })
    revert = later.find((entry) => entry.revertsTask === task.id)?.commit
  }
  if (!revert) {
    const tip = await targetTip(options.git, options)
    if (!tip) throw new Error(`the target branch ${options.target} does not exist`)
    const scratch = await options.workspaces.openDetached('revert', tip)
    try {
      revert = await revertOnTarget({ scratch, target: options.target, remote: options.remote, commit, taskId: task.id, reason: options.reason })
    } finally {
      await options.workspaces.removeDetached('revert')
    }
  }
  // Before the board says reverted: a retried task must be able to land again, and must not look landed.
  await reopenTaskOutcome(options.git, options, task, commit)
  const reason = options.output ? `${options.reason}\n${options.output.slice(-4_000)}` : options.reason
  // What was remembered about the reverted files (the task's own handoff included) no longer describes the target.
  await markStaleAfterLanding(options.store, options.git, { commit: revert, taskId: null }).catch((error: unknown) =>
    recordSurvivedFailure(options.store, { runId: task.runId, taskId: task.id, type: 'memory-update-failed', data: { commit: revert } }, error),
  )
  const reverted = await options.board.transition(task.id, 'reverted', { reason, actor: options.actor, data: { commit, revert, ...(options.output && { output: options.output.slice(-8_000) }) } })
  return { task: reverted, commit, revert }
}
