import { ColonyError } from '../errors/index.ts'

/** The main working tree has no branch checked out: nothing to bring the target into. */
export class DetachedHeadError extends ColonyError {
  override readonly name = 'DetachedHeadError'
  readonly worktree: string

  constructor(worktree: string, target: string) {
    super(`HEAD is detached in ${worktree}: there is no branch to bring ${target} into`, {
      hint: `switch to the branch that should get the work (e.g. \`git switch main\`), then run \`colony adopt\` again`,
    })
    this.worktree = worktree
  }
}

/** The checked-out branch has no commit yet. */
export class UnbornBranchError extends ColonyError {
  override readonly name = 'UnbornBranchError'
  readonly branch: string

  constructor(branch: string, target: string) {
    super(`the branch ${branch} has no commits yet, so ${target} cannot be merged into it`, {
      hint: `make a first commit on ${branch}, or switch to a branch that has one, then run \`colony adopt\` again`,
    })
    this.branch = branch
  }
}

/** The person has the target branch itself checked out: it already is the result. */
export class AdoptOnTargetError extends ColonyError {
  override readonly name = 'AdoptOnTargetError'
  readonly target: string

  constructor(target: string) {
    super(`the target branch ${target} itself is checked out: there is no other branch to bring it into`, {
      hint: `switch to the branch that should get the work (e.g. \`git switch main\`), then run \`colony adopt\` again`,
    })
    this.target = target
  }
}

const finishOrAbort: Record<string, string> = {
  merge: 'finish it (`git commit`) or abort it (`git merge --abort`)',
  rebase: 'finish it (`git rebase --continue`) or abort it (`git rebase --abort`)',
  'cherry-pick': 'finish it (`git cherry-pick --continue`) or abort it (`git cherry-pick --abort`)',
  revert: 'finish it (`git revert --continue`) or abort it (`git revert --abort`)',
  bisect: 'end it (`git bisect reset`)',
}

/** A merge, rebase, cherry-pick, revert or bisect is under way in the person's working tree. */
export class OperationInProgressError extends ColonyError {
  override readonly name = 'OperationInProgressError'
  readonly operation: string
  readonly worktree: string

  constructor(operation: string, worktree: string) {
    super(`a ${operation} is in progress in ${worktree}`, { hint: `${finishOrAbort[operation] ?? 'finish or abort it'}, then run \`colony adopt\` again` })
    this.operation = operation
    this.worktree = worktree
  }
}

/** A file with changes that are not committed, and which kind: in the index, in the working tree, or both. */
export interface UncommittedFile {
  path: string
  staged: boolean
  modified: boolean
}

function listFiles(paths: string[], limit = 10): string {
  const shown = paths.slice(0, limit).join(', ')
  return paths.length > limit ? `${shown} and ${paths.length - limit} more` : shown
}

/** The branch has tracked changes that are not committed: adopt never merges over them. */
export class UncommittedChangesError extends ColonyError {
  override readonly name = 'UncommittedChangesError'
  readonly branch: string
  readonly files: UncommittedFile[]

  constructor(branch: string, files: UncommittedFile[]) {
    const described = files.map((file) => `${file.path} (${file.staged && file.modified ? 'staged and modified' : file.staged ? 'staged' : 'modified'})`)
    super(`${branch} has uncommitted changes: ${listFiles(described)}; colony adopt never merges over them`, {
      hint: 'commit them (`git commit -am "..."`), or put them aside (`git stash`, then `colony adopt`, then `git stash pop`), and run `colony adopt` again',
    })
    this.branch = branch
    this.files = files
  }
}

/** Untracked files in the person's working tree stand where the target has files. */
export class UntrackedFilesInTheWayError extends ColonyError {
  override readonly name = 'UntrackedFilesInTheWayError'
  readonly files: string[]

  constructor(target: string, files: string[]) {
    super(`untracked files would be overwritten by ${target}: ${listFiles(files)}; nothing was merged`, {
      hint: 'move them out of the way (or commit them), then run `colony adopt` again',
    })
    this.files = files
  }
}

/** The target and the person's branch change the same lines: nothing was merged. */
export class AdoptConflictError extends ColonyError {
  override readonly name = 'AdoptConflictError'
  readonly branch: string
  readonly target: string
  readonly files: string[]

  constructor(branch: string, target: string, files: string[]) {
    super(`${target} conflicts with ${branch} in ${listFiles(files)}; nothing was merged, ${branch} is as it was`, {
      hint: `merge it by hand and resolve the conflicts: \`git merge ${target}\`, fix the files, \`git add\` them and \`git commit\` (or \`git merge --abort\` to give up)`,
    })
    this.branch = branch
    this.target = target
    this.files = files
  }
}

/** `--ff-only`, and the person's branch has commits the target does not. */
export class NotFastForwardError extends ColonyError {
  override readonly name = 'NotFastForwardError'
  readonly branch: string
  readonly target: string

  constructor(branch: string, target: string, ahead: number) {
    super(`${branch} cannot fast-forward to ${target}: it has ${ahead} commit${ahead === 1 ? '' : 's'} that ${target} does not`, {
      hint: `run \`colony adopt\` without --ff-only to make a merge commit, or put your commits on top of it: \`git rebase ${target}\``,
    })
    this.branch = branch
    this.target = target
  }
}

/** git refused the merge (a commit hook, a missing identity, a signing failure); it was aborted. */
export class AdoptMergeFailedError extends ColonyError {
  override readonly name = 'AdoptMergeFailedError'
  readonly branch: string
  readonly target: string
  readonly output: string

  constructor(branch: string, target: string, output: string) {
    const detail = output.trim().split('\n').slice(-8).join('\n')
    super(`git could not merge ${target} into ${branch}; the merge was aborted and ${branch} is as it was. git said:\n${detail || '(nothing)'}`, {
      hint: `fix what git names (a commit hook of this repository, user.name and user.email, commit signing), then run \`colony adopt\` again, or merge by hand: \`git merge ${target}\``,
    })
    this.branch = branch
    this.target = target
    this.output = output
  }
}

/** The target changes the hooks the person's git would run for the merge: code no person has reviewed would run outside any sandbox. */
export class HooksChangedError extends ColonyError {
  override readonly name = 'HooksChangedError'
  readonly target: string
  readonly files: string[]

  constructor(target: string, hooksPath: string, files: string[]) {
    super(`${target} changes this repository's git hooks (core.hooksPath ${hooksPath}): ${listFiles(files)}; colony adopt does not run hooks an agent wrote`, {
      hint: `review the change first (\`git diff HEAD...${target} -- ${hooksPath}\`), then merge by hand: \`git merge ${target}\``,
    })
    this.target = target
    this.files = files
  }
}
