import { RevertConflictError, TargetMovedError } from './errors.ts'
import { branchRef, type Git } from './git.ts'

export interface RevertOptions {
  /** Git at the repository (any worktree: only objects and refs are used). */
  git: Git
  target: string
  commit: string
  taskId?: number
  reason: string
  author?: { name: string; email: string }
  maxRaces?: number
}

/**
 * Reverts one commit on the target branch without any working tree: the
 * reverted tree is a three-way merge computed by `git merge-tree`, committed
 * with `commit-tree`, and the target moves by compare-and-swap (retried if
 * another integration lands first). Returns the revert commit.
 */
export async function revertOnTarget(options: RevertOptions): Promise<string> {
  const { git, commit } = options
  const ref = branchRef(options.target)
  const author = options.author ?? { name: 'Colony', email: 'colony@localhost' }
  const env = { GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email, GIT_COMMITTER_NAME: author.name, GIT_COMMITTER_EMAIL: author.email }
  const subject = await git.text(['log', '-1', '--format=%s', commit])
  const trailers = options.taskId === undefined ? '' : `\nColony-Revert-Of: ${options.taskId}`
  const message = `Revert "${subject}"\n\nThis reverts commit ${commit}.\nReason: ${options.reason}\n${trailers}\n`
  const maxRaces = options.maxRaces ?? 20

  for (let race = 0; race <= maxRaces; race++) {
    const tip = await git.text(['rev-parse', '--verify', `${ref}^{commit}`])
    // Revert = merge of the commit's parent into the tip, with the commit itself as the base.
    const merged = await git.run(['merge-tree', '--write-tree', '--name-only', '--no-messages', `--merge-base=${commit}`, tip, `${commit}^`], { okExitCodes: [1] })
    const [tree = '', ...conflicted] = merged.stdout.split('\n').filter((line) => line !== '')
    if (merged.exitCode === 1) throw new RevertConflictError(commit, conflicted)
    const revert = await git.text(['commit-tree', tree, '-p', tip, '-F', '-'], { input: message, env })
    if (await git.compareAndSwap(ref, revert, tip, `colony: revert ${commit.slice(0, 12)}`)) return revert
  }
  throw new TargetMovedError(ref, maxRaces + 1)
}
