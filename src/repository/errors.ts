import { ColonyError } from '../errors/index.ts'

export class NotAGitRepositoryError extends ColonyError {
  override readonly name = 'NotAGitRepositoryError'
  readonly directory: string

  constructor(directory: string) {
    super(`${directory} is not inside a git repository`, {
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

  constructor(branch: string) {
    super(`"${branch}" is not a valid git branch name`, { hint: 'use a name like colony/main (see `git check-ref-format --help`)' })
    this.branch = branch
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
