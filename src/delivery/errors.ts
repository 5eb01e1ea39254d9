import { ColonyError } from '../errors/index.ts'

/** `colony pr` for a run that has landed no task: there is nothing to propose. */
export class NothingMergedError extends ColonyError {
  override readonly name = 'NothingMergedError'
  readonly runId: number
  readonly target: string

  constructor(runId: number, target: string) {
    super(`run ${runId} has merged no task onto ${target}: there is nothing to propose`, {
      hint: 'run a goal first (`colony run --goal "..."`), and see what landed with `colony status` and `colony log`',
    })
    this.runId = runId
    this.target = target
  }
}

/** Neither --base nor the remote nor the checkout says which branch the pull request goes into. */
export class BaseBranchUnknownError extends ColonyError {
  override readonly name = 'BaseBranchUnknownError'
  readonly remote: string

  constructor(remote: string) {
    super(`cannot tell which branch of ${remote} the pull request should go into: it names no default branch, and no branch is checked out here`, {
      hint: 'name it: colony pr --base main',
    })
    this.remote = remote
  }
}

/** `gh pr create` failed after the branch was pushed. */
export class PullRequestFailedError extends ColonyError {
  override readonly name = 'PullRequestFailedError'
  readonly command: string
  readonly output: string

  constructor(command: string, output: string) {
    super(`the branch was pushed, but \`gh pr create\` failed: ${output.trim().split('\n').slice(-5).join(' | ')}`, {
      hint: `fix what gh says (\`gh auth status\`), then run \`colony pr\` again (the push is not repeated needlessly), or open it yourself: ${command}`,
    })
    this.command = command
    this.output = output
  }
}
