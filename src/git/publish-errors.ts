import { ColonyError } from '../errors/index.ts'

/** The repository has no git remote of that name. */
export class NoSuchRemoteError extends ColonyError {
  override readonly name = 'NoSuchRemoteError'
  readonly remote: string
  readonly remotes: string[]

  constructor(remote: string, remotes: string[]) {
    super(`this repository has no git remote named ${remote}`, {
      hint:
        remotes.length === 0
          ? `add one (\`git remote add ${remote} URL\`), then run \`colony pr\` again`
          : `name one of its remotes with --remote (${remotes.join(', ')}), or add one: \`git remote add ${remote} URL\``,
    })
    this.remote = remote
    this.remotes = remotes
  }
}

/** The remote did not take the branch: rejected (not a fast-forward, a hook, a protected branch) or not reachable. */
export class PushRejectedError extends ColonyError {
  override readonly name = 'PushRejectedError'
  readonly remote: string
  readonly branch: string
  readonly reason: string

  constructor(remote: string, branch: string, reason: string, hint: string) {
    super(`the push to ${remote} (branch ${branch}) was rejected: ${reason}`, { hint })
    this.remote = remote
    this.branch = branch
    this.reason = reason
  }
}
