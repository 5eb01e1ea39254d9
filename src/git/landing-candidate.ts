import type { Git } from './git.ts'
import type { IntegrateOptions, IntegrationEmit, IntegrationOutcome } from './integration-outcome.ts'
import { conflictOutcome } from './rebase-resolution.ts'

/** The task's commit as it would land on the target, kept apart from the worktree until the worktree must hold it. */
export interface LandingCandidate {
  /** The target's tip the candidate is rebased onto (or is to be next); moved when another integration lands first. */
  tip: string
  readonly commit: string
  /** Rebases the candidate onto `tip` if it is not there yet; a conflict is the worker's to resolve. */
  rebaseOntoTip(): Promise<IntegrationOutcome | undefined>
  /** Moves the worktree to the candidate, for a gate run or once the integration ends. */
  syncWorktree(): Promise<void>
}

export interface LandingCandidateOptions {
  git: Git
  options: IntegrateOptions
  authorEnv: Record<string, string>
  emit: IntegrationEmit
  /** Where the task's squashed commit (HEAD) branches from the target. */
  base: string
  tip: string
}

async function authorOf(git: Git, commit: string): Promise<Record<string, string>> {
  const [name = '', email = '', date = ''] = (await git.text(['log', '-1', '--format=%an%x00%ae%x00%aI', commit])).split('\0')
  return { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_AUTHOR_DATE: date }
}

/** The candidate starts as the worktree's HEAD, the task's squashed commit. */
export async function createLandingCandidate({ git, options, authorEnv, emit, base: start, tip }: LandingCandidateOptions): Promise<LandingCandidate> {
  let base = start
  let commit = await git.text(['rev-parse', 'HEAD'])
  let worktreeAt = commit
  const commitEnv = await authorOf(git, commit)

  const candidate: LandingCandidate = {
    tip,
    get commit() {
      return commit
    },

    async syncWorktree() {
      if (worktreeAt === commit) return
      // PERF: a two-tree read-tree writes the files that differ and checks only those for changes of the worktree's own
      // (refusing, as `reset --keep` does, to overwrite one); `reset --keep` refreshed every entry of the index, which
      // at 50,000 files was a second of lstat per gate and landing, a thousand of them at once with a thousand agents.
      await git.run(['read-tree', '-m', '-u', worktreeAt, commit])
      await git.run(['update-ref', '-m', `colony: at ${commit}`, 'HEAD', commit, worktreeAt])
      worktreeAt = commit
    },

    async rebaseOntoTip() {
      if (base === candidate.tip) return undefined
      // PERF: a rebase of one commit is a three-way merge git can do in memory; the
      // worktree is only touched for a conflict (to show its markers) or a gate run.
      const merged = await git.run(['merge-tree', '--write-tree', '--name-only', '--no-messages', candidate.tip, commit], { okExitCodes: [1] })
      if (merged.exitCode !== 0) {
        await candidate.syncWorktree()
        const rebased = await git.run(['rebase', '--quiet', candidate.tip], { env: authorEnv, okExitCodes: [1] })
        if (rebased.exitCode !== 0) return conflictOutcome(git, options.target, emit)
        commit = await git.text(['rev-parse', 'HEAD'])
        worktreeAt = commit
      } else {
        const tree = merged.stdout.split('\n')[0]!.trim()
        const message = (await git.run(['log', '-1', '--format=%B', commit])).stdout
        commit = await git.text(['commit-tree', tree, '-p', candidate.tip, '-F', '-'], { input: message, env: { ...commitEnv, GIT_COMMITTER_NAME: options.author.name, GIT_COMMITTER_EMAIL: options.author.email } })
      }
      base = candidate.tip
      return undefined
    },
  }
  return candidate
}
