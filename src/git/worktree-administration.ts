import { setTimeout as delay } from 'node:timers/promises'
import { GitError } from './errors.ts'
import type { Git } from './git.ts'

/**
 * git's worktree administration (add, remove, prune) is not safe to run
 * concurrently on one repository, so this process runs it one at a time, and
 * retries a failure caused by another process doing the same.
 */
export function createWorktreeAdministration() {
  let administration: Promise<unknown> = Promise.resolve()
  return function administer<T>(work: () => Promise<T>): Promise<T> {
    const next = administration.then(() => retryingGitFailures(work))
    // The queue only orders worktree administration; the caller receives the failure from `next`.
    administration = next.catch(() => undefined)
    return next
  }
}

/** Runs `work`, again up to three times after a git failure (another process administering worktrees at the same moment). */
export async function retryingGitFailures<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work()
    } catch (error) {
      if (attempt >= 4 || !(error instanceof GitError)) throw error
      await delay(50 * attempt + Math.random() * 50)
    }
  }
}

export type Administer = ReturnType<typeof createWorktreeAdministration>

/** The repository's worktrees by path, each with the branch ref it has checked out (undefined when detached). */
export async function registeredWorktrees(git: Git): Promise<Map<string, string | undefined>> {
  const lines = await git.lines(['worktree', 'list', '--porcelain'])
  const worktrees = new Map<string, string | undefined>()
  let current: string | undefined
  for (const line of lines) {
    if (line.startsWith('worktree ')) {
      current = line.slice('worktree '.length)
      worktrees.set(current, undefined)
    } else if (line.startsWith('branch ') && current) {
      worktrees.set(current, line.slice('branch '.length))
    }
  }
  return worktrees
}
