import { assertNotCheckedOut } from './checked-out.ts'
import { commonDirOf } from './common-dir.ts'
import { GitError } from './errors.ts'
import { branchRef, type Git } from './git.ts'
import { readLooseRef } from './loose-ref.ts'

/**
 * Where the target branch lives. Locally, `refs/heads/<target>` is the branch
 * and moves by `git update-ref` compare-and-swap. With a remote (every clone
 * of a multi-machine run names the same one), the remote's branch is the
 * truth: the local branch mirrors it, a read fetches first, and a move is a
 * push with a lease on the expected tip, which fails if anyone else pushed
 * since — the same compare-and-swap, across machines.
 */
export interface TargetLocation {
  target: string
  /** A git remote (e.g. "origin") that holds the target branch; undefined when it is local. */
  remote?: string | undefined
}

/** The target's tip, fetched from the remote first when it lives there; undefined when the branch does not exist. */
export async function targetTip(git: Git, location: TargetLocation): Promise<string | undefined> {
  const ref = branchRef(location.target)
  if (location.remote !== undefined) await fetchTarget(git, location.remote, ref)
  // PERF: read on every workspace opened and every landing; a loose ref is a file, not a process.
  return readLooseRef(await commonDirOf(git), ref) ?? git.resolveRef(ref)
}

/** Moves the target from `expected` to `next`; false when someone else moved it first. Never while a worktree has it checked out. */
export async function swapTarget(git: Git, location: TargetLocation, next: string, expected: string, message: string): Promise<boolean> {
  const ref = branchRef(location.target)
  await assertNotCheckedOut(git, location.target)
  if (location.remote === undefined) return git.compareAndSwap(ref, next, expected, message)
  const pushed = await git.run(['push', '--quiet', '--porcelain', `--force-with-lease=${ref}:${expected}`, location.remote, `${next}:${ref}`], { okExitCodes: [1] })
  if (pushed.exitCode !== 0) {
    if (/stale info|rejected|fetch first|non-fast-forward/i.test(pushed.stdout + pushed.stderr)) return false
    throw new GitError(['push', location.remote, `${next}:${ref}`], pushed.exitCode, pushed.stderr || pushed.stdout)
  }
  // The local branch mirrors the remote; a concurrent fetch may already have moved it there.
  await git.run(['update-ref', '-m', message, ref, next])
  return true
}

/** Creates the target from `start` where it lives, unless it exists there already; returns its tip. */
export async function ensureTarget(git: Git, location: TargetLocation, start: string): Promise<string> {
  const existing = await targetTip(git, location)
  if (existing) return existing
  const zero = '0'.repeat(start.length)
  if (await swapTarget(git, location, start, zero, 'colony init')) return start
  // Someone created it at the same moment: theirs stands.
  const created = await targetTip(git, location)
  if (!created) throw new Error(`the target branch ${location.target} could not be created`)
  return created
}

async function fetchTarget(git: Git, remote: string, ref: string): Promise<void> {
  const fetched = await git.run(['fetch', '--quiet', '--no-tags', remote, `+${ref}:${ref}`], { okExitCodes: [128] })
  if (fetched.exitCode === 0) return
  // Not there yet (before `colony init` created it): there is nothing to mirror.
  if (/couldn't find remote ref/i.test(fetched.stderr)) return
  throw new GitError(['fetch', remote, ref], fetched.exitCode, fetched.stderr)
}

/** The target's tip, for an integration that cannot go on without one. */
export async function requireTargetTip(git: Git, location: TargetLocation): Promise<string> {
  const tip = await targetTip(git, location)
  if (!tip) throw new Error(`the target branch ${location.target} does not exist`)
  return tip
}
