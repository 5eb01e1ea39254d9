import { redactSecrets } from '../secrets/index.ts'
import { branchRef, type Git } from './git.ts'
import { NoSuchRemoteError, PushRejectedError } from './publish-errors.ts'

/** The URL git pushes to for `remote`; refused when the repository has no such remote. */
export async function remoteUrl(git: Git, remote: string): Promise<string> {
  const remotes = await git.lines(['remote'])
  if (!remotes.includes(remote)) throw new NoSuchRemoteError(remote, remotes)
  return git.text(['remote', 'get-url', '--push', remote])
}

/**
 * The remote's default branch (what its HEAD names), or undefined when it
 * does not say: from `refs/remotes/<remote>/HEAD` when a clone recorded it,
 * else by asking the remote.
 */
export async function remoteDefaultBranch(git: Git, remote: string): Promise<string | undefined> {
  const recorded = await git.text(['symbolic-ref', '--quiet', `refs/remotes/${remote}/HEAD`], { okExitCodes: [1, 128] })
  if (recorded.startsWith(`refs/remotes/${remote}/`)) return recorded.slice(`refs/remotes/${remote}/`.length)
  const answer = await git.lines(['ls-remote', '--symref', remote, 'HEAD'])
  const symref = answer.map((line) => /^ref: refs\/heads\/(\S+)\tHEAD$/.exec(line)?.[1]).find((name) => name !== undefined)
  return symref
}

/** What a push did to the remote branch. */
export type PublishedBranch = 'created' | 'updated' | 'up-to-date'

/**
 * Pushes `commit` to `branch` on `remote`, never by force: a branch there
 * that has commits `commit` does not is a rejection that says so, not
 * something to overwrite. Runs as every push of Colony's does, with the
 * person's credentials (see createGit).
 */
export async function publishBranch(git: Git, options: { remote: string; branch: string; commit: string; target: string }): Promise<PublishedBranch> {
  const { remote, branch } = options
  const destination = branchRef(branch)
  const pushed = await git.run(['push', '--porcelain', remote, `${options.commit}:${destination}`], { okExitCodes: [1, 128] })
  const line = pushed.stdout.split('\n').find((text) => text.includes(`:${destination}\t`))
  const flag = line?.[0]
  if (pushed.exitCode === 0 && flag !== undefined && flag !== '!') return flag === '*' ? 'created' : flag === '=' ? 'up-to-date' : 'updated'
  const summary = /\t\[([^\]]+)\](?: \((.*)\))?$/.exec(line ?? '')
  const byHand = `git push ${remote} ${options.target}:${destination}`
  if (summary?.[1] === 'rejected') {
    throw new PushRejectedError(remote, branch, `${branch} there has commits that ${options.target} does not (${summary[2] ?? 'not a fast-forward'}); Colony never pushes by force`, `push to another branch with --branch NAME, or look at what ${branch} on ${remote} holds first`)
  }
  if (summary?.[1] === 'remote rejected') {
    throw new PushRejectedError(remote, branch, `the remote refused it (${summary[2] ?? 'no reason given'})`, `the branch may be protected or need other rights there; try another --branch or --remote, or see what the remote says with \`${byHand}\``)
  }
  const said = redactSecrets(`${pushed.stderr}\n${pushed.stdout}`.trim()).split('\n').filter((text) => text.startsWith('fatal:') || text.startsWith('error:') || text.startsWith('remote:'))
  throw new PushRejectedError(remote, branch, said.slice(-3).join(' | ') || `git push exited with ${pushed.exitCode ?? 'a signal'}`, `check that ${remote} is reachable and takes pushes from you: \`${byHand}\``)
}
