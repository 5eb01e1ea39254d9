import { ColonyError } from '../errors/index.ts'

/** A git command failed; carries its arguments, exit code and stderr. */
export class GitError extends ColonyError {
  override readonly name = 'GitError'
  readonly args: string[]
  readonly exitCode: number | null
  readonly stderr: string

  constructor(args: string[], exitCode: number | null, stderr: string) {
    const detail = stderr.trim().split('\n').slice(-3).join(' | ')
    super(`git ${args.join(' ')} failed (exit ${exitCode ?? 'signal'}): ${detail || 'no output'}`, {
      hint: 'check the repository with `git status` and `git worktree list`; Colony never changes your working tree',
    })
    this.args = args
    this.exitCode = exitCode
    this.stderr = stderr
  }
}

export class WorkspaceSetupError extends ColonyError {
  override readonly name = 'WorkspaceSetupError'
  readonly command: string
  readonly output: string

  constructor(command: string, output: string) {
    super(`workspace setup command failed: ${command}\n${output.trim().split('\n').slice(-20).join('\n')}`, {
      hint: 'fix or remove the command in colony.json "workspace.setup"; it runs in every new worktree',
    })
    this.command = command
    this.output = output
  }
}

export class WorkspaceLinkError extends ColonyError {
  override readonly name = 'WorkspaceLinkError'
  readonly path: string

  constructor(path: string, reason: string) {
    super(`cannot prepare "${path}" in the worktree: ${reason}`, {
      hint: 'colony.json "workspace.link" and "workspace.copy" take paths relative to the repository root that stay inside it',
    })
    this.path = path
  }
}

export class RevertConflictError extends ColonyError {
  override readonly name = 'RevertConflictError'
  readonly commit: string
  readonly files: string[]

  constructor(commit: string, files: string[]) {
    super(`reverting ${commit.slice(0, 12)} conflicts with later changes on the target in ${files.join(', ') || 'some files'}`, {
      hint: 'revert it by hand on the target branch in a separate worktree, or revert the later tasks first',
    })
    this.commit = commit
    this.files = files
  }
}

export class TargetMovedError extends ColonyError {
  override readonly name = 'TargetMovedError'
  readonly ref: string

  constructor(ref: string, attempts: number) {
    super(`the target ${ref} kept moving: ${attempts} compare-and-swap attempts lost`, {
      hint: 'other integrations are landing faster than this one can rebase; it will be retried',
    })
    this.ref = ref
  }
}

export class TaskCommitNotFoundError extends ColonyError {
  override readonly name = 'TaskCommitNotFoundError'
  readonly taskId: number

  constructor(taskId: number, target: string) {
    super(`no commit on ${target} carries Colony-Task: ${taskId}`, { hint: 'list landed tasks with `colony log`' })
    this.taskId = taskId
  }
}

/** A person has the target branch checked out: moving it would change their working tree under them. */
export class TargetCheckedOutError extends ColonyError {
  override readonly name = 'TargetCheckedOutError'
  readonly target: string
  readonly worktree: string

  constructor(target: string, worktree: string) {
    super(`the target branch ${target} is checked out in ${worktree}; Colony never moves a branch that is checked out`, {
      hint: `check out another branch in ${worktree} (to look at the target without holding it: \`git switch --detach ${target}\`), or choose another target: colony init --target colony/main`,
    })
    this.target = target
    this.worktree = worktree
  }
}
