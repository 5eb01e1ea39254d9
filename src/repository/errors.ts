import { ColonyError } from '../errors/index.ts'

export class NotAGitRepositoryError extends ColonyError {
  override readonly name = 'NotAGitRepositoryError'
  readonly directory: string

  constructor(directory: string, reason?: string) {
    super(`${directory} is not inside a git repository${reason ? ` (git says: ${reason})` : ''}`, {
      hint: 'run colony from inside the repository the agents should work on (or create one with `git init` and a first commit)',
    })
    this.directory = directory
  }
}

export class NotInitializedError extends ColonyError {
  override readonly name = 'NotInitializedError'
  readonly root: string

  constructor(root: string) {
    super(`Colony is not set up in ${root}`, { hint: 'run `colony init` in this repository first' })
    this.root = root
  }
}

export class RepositoryHasNoCommitsError extends ColonyError {
  override readonly name = 'RepositoryHasNoCommitsError'
  readonly root: string

  constructor(root: string) {
    super(`the repository ${root} has no commits yet, so there is nothing to branch the target from`, {
      hint: 'make a first commit (git commit --allow-empty -m "start"), then run `colony init` again',
    })
    this.root = root
  }
}

export class InvalidBranchNameError extends ColonyError {
  override readonly name = 'InvalidBranchNameError'
  readonly branch: string

  constructor(branch: string, problem = `"${branch}" is not a valid git branch name`, hint = 'use a name like colony/main (see `git check-ref-format --help`)') {
    super(problem, { hint })
    this.branch = branch
  }
}

/** A bare repository has no working tree: nothing for Colony's worktrees to start from, no place for colony.json. */
export class BareRepositoryError extends ColonyError {
  override readonly name = 'BareRepositoryError'
  readonly directory: string

  constructor(directory: string) {
    super(`${directory} is a bare git repository: it has no working tree for Colony to set up in`, {
      hint: `run colony in a clone with a working tree: git clone ${directory} WORK && cd WORK`,
    })
    this.directory = directory
  }
}

/** colony.json's target names a branch that is not there (renamed, deleted, or a typo). */
export class TargetBranchMissingError extends ColonyError {
  override readonly name = 'TargetBranchMissingError'
  readonly target: string

  constructor(target: string) {
    super(`the target branch "${target}" (colony.json "target") does not exist in this repository`, {
      hint: 'set "target" in colony.json to an existing branch, or run `colony init` to create it from HEAD',
    })
    this.target = target
  }
}

/** colony.json names another target than the one the run in progress lands on. */
export class TargetChangedError extends ColonyError {
  override readonly name = 'TargetChangedError'
  readonly runId: number
  readonly runTarget: string
  readonly configTarget: string

  constructor(runId: number, runTarget: string, configTarget: string, hint?: string) {
    super(`colony.json names the target "${configTarget}", but run ${runId} lands its work on "${runTarget}"`, {
      hint: hint ?? `set "target" in colony.json back to "${runTarget}" while run ${runId} goes on; a new target takes effect for the next run (after \`colony stop\`)`,
    })
    this.runId = runId
    this.runTarget = runTarget
    this.configTarget = configTarget
  }
}

export class UnknownRemoteError extends ColonyError {
  override readonly name = 'UnknownRemoteError'
  readonly remote: string

  constructor(remote: string) {
    super(`"remote" in colony.json names ${remote}, which is not a git remote of this repository`, {
      hint: `add it (git remote add ${remote} URL), or remove "remote" to keep the target branch in this repository`,
    })
    this.remote = remote
  }
}

/** `colony init --target` names another branch than the colony.json every other command reads. */
export class TargetConflictError extends ColonyError {
  override readonly name = 'TargetConflictError'
  readonly configTarget: string
  readonly requested: string

  constructor(configPath: string, configTarget: string, requested: string, explicit: boolean) {
    super(`--target ${requested} disagrees with ${configPath}, which ${explicit ? `sets "target" to "${configTarget}"` : `sets no "target", so every command uses "${configTarget}"`}`, {
      hint: `to change the target, set "target": "${requested}" in colony.json and run \`colony init\` again (without --target); to keep it, drop --target`,
    })
    this.configTarget = configTarget
    this.requested = requested
  }
}

/** `.colony/` cannot hold Colony's state: something else has the name, or it cannot be created. */
export class ColonyDirectoryError extends ColonyError {
  override readonly name = 'ColonyDirectoryError'
  readonly path: string

  constructor(path: string, reason: string) {
    super(`cannot keep Colony's state in ${path}: ${reason}`, {
      hint: `move whatever is at ${path} out of the way (Colony keeps its database and worktrees there), then run \`colony init\` again`,
    })
    this.path = path
  }
}
