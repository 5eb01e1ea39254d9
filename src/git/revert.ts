import { RevertConflictError, TargetMovedError } from './errors.ts'
import { branchRef, type Git } from './git.ts'
import { unmergedPaths } from './conflicts.ts'
import { swapTarget, targetTip } from './target-branch.ts'

export interface RevertOptions {
  /** Git in a scratch worktree Colony owns (see `workspaces.openDetached`); it is moved to the target's tip. */
  scratch: Git
  target: string
  /** The git remote holding the target, when it is not local. */
  remote?: string | undefined
  commit: string
  taskId?: number
  reason: string
  author?: { name: string; email: string }
  maxRaces?: number
}

/**
 * Reverts one commit on the target branch: the revert is made on the target's
 * tip in a scratch worktree, and the target moves by compare-and-swap
 * (retried on a newer tip if another integration lands first). Returns the
 * revert commit. A revert that conflicts with later changes is refused.
 */
export async function revertOnTarget(options: RevertOptions): Promise<string> {
  const { scratch, commit } = options
  const ref = branchRef(options.target)
  const author = options.author ?? { name: 'Colony', email: 'colony@localhost' }
  const env = { GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email, GIT_COMMITTER_NAME: author.name, GIT_COMMITTER_EMAIL: author.email }
  const subject = await scratch.text(['log', '-1', '--format=%s', commit])
  const trailers = options.taskId === undefined ? '' : `\nColony-Revert-Of: ${options.taskId}`
  const message = `Revert "${subject}"\n\nThis reverts commit ${commit}.\nReason: ${options.reason}\n${trailers}\n`
  const maxRaces = options.maxRaces ?? 20

  for (let race = 0; race <= maxRaces; race++) {
    const tip = await targetTip(scratch, options)
    if (!tip) throw new Error(`the target branch ${options.target} does not exist`)
    await scratch.run(['checkout', '--quiet', '--detach', '--force', tip])
    const reverted = await scratch.run(['revert', '--no-commit', commit], { env, okExitCodes: [1] })
    if (reverted.exitCode !== 0) {
      const conflicted = await unmergedPaths(scratch)
      await scratch.run(['revert', '--abort'], { okExitCodes: [128] })
      throw new RevertConflictError(commit, conflicted)
    }
    await scratch.run(['commit', '--quiet', '--no-verify', '--allow-empty', '-F', '-'], { input: message, env })
    const revert = await scratch.text(['rev-parse', 'HEAD'])
    if (await swapTarget(scratch, options, revert, tip, `colony: revert ${commit.slice(0, 12)}`)) return revert
  }
  throw new TargetMovedError(ref, maxRaces + 1)
}
