import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { TargetCheckedOutError } from './errors.ts'
import { commonDirOf } from './common-dir.ts'
import { branchRef, type Git } from './git.ts'

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim()
  } catch {
    return undefined
  }
}

/**
 * The refs a worktree's git directory has checked out, including one a
 * rebase or bisect in it will return to. One listing of the directory, then
 * only the files it holds: most of them are usually absent, and with
 * hundreds of worktrees the failed reads were what this cost.
 */
function refsHeldBy(gitDir: string): string[] {
  let entries: Set<string>
  try {
    entries = new Set(readdirSync(gitDir))
  } catch {
    // git removed the worktree meanwhile: it holds nothing.
    return []
  }
  const refs: string[] = []
  const head = entries.has('HEAD') ? readText(join(gitDir, 'HEAD')) : undefined
  if (head?.startsWith('ref: ')) refs.push(head.slice(5))
  for (const directory of ['rebase-merge', 'rebase-apply']) {
    if (!entries.has(directory)) continue
    const name = readText(join(gitDir, directory, 'head-name'))
    if (name?.startsWith('refs/')) refs.push(name)
  }
  if (entries.has('BISECT_START')) {
    const bisected = readText(join(gitDir, 'BISECT_START'))
    if (bisected) refs.push(branchRef(bisected))
  }
  return refs
}

/** How long after a change a directory's refs are read again every time. */
const racyMs = 2_000

/** What refsHeldBy found in a git directory, and its HEAD file's identity and last change when it did. */
const heldRefs = new Map<string, { stamp: string; refs: string[] }>()

/**
 * refsHeldBy, read again only when the directory's HEAD changed: git writes
 * HEAD by renaming HEAD.lock over it (a new file each time), and starting or
 * ending a rebase or a bisect's checkout moves HEAD too. One stat per
 * worktree instead of a listing and reads: with a thousand worktrees, reading
 * them all on every loop and landing was a tenth of Colony's CPU. (Not the
 * directory's own time: every `git add` in a worktree renames its index there.)
 */
function refsHeldByCached(gitDir: string): string[] {
  let stamp: string
  let changedMs: number
  try {
    const stat = statSync(join(gitDir, 'HEAD'), { bigint: true })
    stamp = `${stat.ino}:${stat.mtimeNs}:${stat.size}`
    changedMs = Number(stat.mtimeNs / 1_000_000n)
  } catch {
    // Being made or removed: read as it is, not kept.
    heldRefs.delete(gitDir)
    return refsHeldBy(gitDir)
  }
  const known = heldRefs.get(gitDir)
  if (known?.stamp === stamp) return known.refs
  const refs = refsHeldBy(gitDir)
  // The kernel stamps times at its clock tick: a second change within the tick of the first leaves the same time, so a
  // HEAD changed just now is read again next time (git's "racily clean" index entries have the same answer).
  if (Date.now() - changedMs > racyMs) heldRefs.set(gitDir, { stamp, refs })
  else heldRefs.delete(gitDir)
  return refs
}

/**
 * The worktree (the person's, or any other) that has `branch` checked out,
 * or undefined. It reads the worktrees' HEAD files directly, as git does,
 * rather than spawning `git worktree list`: it runs before every move of the
 * target and on every supervisor loop. The reads are synchronous: a few
 * small local files each, where awaiting each one queued it behind every agent's work
 * on the event loop (docs/benchmarks.md, "Harness scaling: profile").
 */
export async function worktreeHolding(git: Git, branch: string): Promise<string | undefined> {
  const commonDir = await commonDirOf(git)
  const ref = branchRef(branch)
  if (refsHeldBy(commonDir).includes(ref)) return commonDir.endsWith('/.git') ? dirname(commonDir) : commonDir
  const worktrees = join(commonDir, 'worktrees')
  let names: string[]
  try {
    names = readdirSync(worktrees)
  } catch (error) {
    // git removes the directory with the last linked worktree, so it may go at any time.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  const listed = new Set<string>()
  let holder: string | undefined
  for (const name of names) {
    const gitDir = join(worktrees, name)
    listed.add(gitDir)
    if (holder !== undefined || !refsHeldByCached(gitDir).includes(ref)) continue
    const pointer = readText(join(gitDir, 'gitdir'))
    holder = pointer ? dirname(pointer) : gitDir
  }
  for (const gitDir of heldRefs.keys()) if (gitDir.startsWith(worktrees) && !listed.has(gitDir)) heldRefs.delete(gitDir)
  return holder
}

/** Throws TargetCheckedOutError when any worktree of the repository has `branch` checked out. */
export async function assertNotCheckedOut(git: Git, branch: string): Promise<void> {
  const holder = await worktreeHolding(git, branch)
  if (holder !== undefined) throw new TargetCheckedOutError(branch, holder)
}
