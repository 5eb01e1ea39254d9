import { existsSync } from 'node:fs'
import { isAbsolute, relative, resolve } from 'node:path'
import { AdoptConflictError, AdoptMergeFailedError, HooksChangedError, NotFastForwardError, UntrackedFilesInTheWayError } from './adopt-errors.ts'
import { unmergedPaths } from './conflicts.ts'
import type { Git } from './git.ts'
import type { PersonCheckout } from './person-checkout.ts'
import { targetLog, type TargetCommit } from './target-log.ts'

/** How `colony adopt` brings the target in: as it can (fast-forward, else a merge commit), only by fast-forward, or merged but left for the person to commit. */
export type AdoptMode = 'merge' | 'ff-only' | 'no-commit'

/** What adopting did to the person's branch. */
export type Adoption =
  | { kind: 'up-to-date'; branch: string; head: string; tip: string }
  | { kind: 'fast-forward'; branch: string; from: string; to: string; incoming: TargetCommit[] }
  | { kind: 'merge'; branch: string; from: string; commit: string; tip: string; incoming: TargetCommit[] }
  /** `no-commit`: merged into the index and working tree, MERGE_HEAD set, the commit left to the person. */
  | { kind: 'staged'; branch: string; from: string; tip: string; incoming: TargetCommit[] }

export interface AdoptOptions {
  /** At the person's working tree. */
  git: Git
  checkout: PersonCheckout
  target: string
  /** The target's commit to bring in (read once, so the merge takes exactly what was checked). */
  tip: string
  mode: AdoptMode
  /** The merge commit's message, from the target's commits the branch does not have yet. */
  message(incoming: TargetCommit[]): Promise<string> | string
}

/**
 * Brings `tip` into the branch the person has checked out (see readyCheckout):
 * a fast-forward when the branch has nothing the target lacks, else a merge
 * commit, as the person's own `git merge` makes it (their hooks and config
 * apply). A conflict is found before the working tree is touched
 * (`git merge-tree`); a merge git refuses part-way (a hook, a missing
 * identity) is aborted, which restores the branch exactly since it had no
 * uncommitted changes. Nothing is ever left half-done. When the person's
 * hooks live in the working tree (`core.hooksPath`, as with husky) and the
 * target changes them, it refuses: the merge would run what an agent wrote.
 */
export async function adoptTarget(options: AdoptOptions): Promise<Adoption> {
  const { git, checkout, target, tip } = options
  const { branch, head } = checkout
  if (await isAncestor(git, tip, head)) return { kind: 'up-to-date', branch, head, tip }
  const fastForward = await isAncestor(git, head, tip)
  if (options.mode === 'ff-only' && !fastForward) {
    const ahead = Number(await git.text(['rev-list', '--count', `${tip}..${head}`]))
    throw new NotFastForwardError(branch, target, ahead)
  }
  await assertHooksUnchanged(git, target, head, tip)
  const incoming = await targetLog(git, target, { range: `${head}..${tip}` })
  if (fastForward && options.mode !== 'no-commit') {
    await merge(options, ['--ff-only', tip])
    return { kind: 'fast-forward', branch, from: head, to: tip, incoming }
  }
  const merged = await git.run(['merge-tree', '--write-tree', '--name-only', '--no-messages', head, tip], { okExitCodes: [1] })
  if (merged.exitCode === 1) throw new AdoptConflictError(branch, target, merged.stdout.split('\n').slice(1).filter((line) => line !== ''))
  const message = await options.message(incoming)
  if (options.mode === 'no-commit') {
    await merge(options, ['--no-ff', '--no-commit', '-m', message, tip])
    return { kind: 'staged', branch, from: head, tip, incoming }
  }
  await merge(options, ['--no-ff', '--no-edit', '-m', message, tip])
  return { kind: 'merge', branch, from: head, commit: await git.text(['rev-parse', 'HEAD']), tip, incoming }
}

async function isAncestor(git: Git, ancestor: string, descendant: string): Promise<boolean> {
  return (await git.run(['merge-base', '--is-ancestor', ancestor, descendant], { okExitCodes: [1] })).exitCode === 0
}

/** The person's `core.hooksPath`, relative to the working tree, when it points inside it. */
async function hooksInWorkingTree(git: Git): Promise<string | undefined> {
  const configured = await git.text(['config', '--get', 'core.hooksPath'], { asPerson: true, okExitCodes: [1] })
  if (configured === '' || configured.startsWith('~')) return undefined
  const inside = relative(git.cwd, resolve(git.cwd, configured))
  return inside === '' || inside.startsWith('..') || isAbsolute(inside) ? undefined : inside
}

async function assertHooksUnchanged(git: Git, target: string, head: string, tip: string): Promise<void> {
  const hooks = await hooksInWorkingTree(git)
  if (hooks === undefined) return
  const changed = await git.lines(['diff', '--name-only', `${head}...${tip}`, '--', hooks])
  if (changed.length > 0) throw new HooksChangedError(target, hooks, changed)
}

/** `git merge ARGS` as the person; any failure leaves the branch as it was, and says why. */
async function merge(options: AdoptOptions, args: string[]): Promise<void> {
  const { git, checkout, target } = options
  const result = await git.run(['merge', '--quiet', ...args], { asPerson: true, okExitCodes: [1, 2, 128] })
  if (result.exitCode === 0) return
  const output = `${result.stderr}\n${result.stdout}`
  const mergeHead = await git.text(['rev-parse', '--path-format=absolute', '--git-path', 'MERGE_HEAD'])
  const conflicted = existsSync(mergeHead) ? await unmergedPaths(git) : []
  if (existsSync(mergeHead)) await git.run(['merge', '--abort'])
  if (conflicted.length > 0) throw new AdoptConflictError(checkout.branch, target, conflicted)
  const untracked = untrackedInTheWay(output)
  if (untracked.length > 0) throw new UntrackedFilesInTheWayError(target, untracked)
  throw new AdoptMergeFailedError(checkout.branch, target, output)
}

/** The files git names after "untracked working tree files would be overwritten by merge:". */
function untrackedInTheWay(output: string): string[] {
  const lines = output.split('\n')
  const start = lines.findIndex((line) => /untracked working tree files would be (overwritten|removed)/.test(line))
  if (start === -1) return []
  const files: string[] = []
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('\t')) break
    files.push(line.trim())
  }
  return files
}
