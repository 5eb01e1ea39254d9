import { existsSync } from 'node:fs'
import { AdoptOnTargetError, DetachedHeadError, OperationInProgressError, UnbornBranchError, UncommittedChangesError, type UncommittedFile } from './adopt-errors.ts'
import { branchRef, type Git } from './git.ts'

/** The branch a person has checked out in a working tree, and its commit. */
export interface PersonCheckout {
  /** Short name, e.g. `main`. */
  branch: string
  head: string
}

/** The files git keeps while an operation waits for the person, by the operation's name. */
const operationFiles: [operation: string, file: string][] = [
  ['merge', 'MERGE_HEAD'],
  ['rebase', 'rebase-merge'],
  ['rebase', 'rebase-apply'],
  ['cherry-pick', 'CHERRY_PICK_HEAD'],
  ['revert', 'REVERT_HEAD'],
  ['bisect', 'BISECT_START'],
]

/** The operation (merge, rebase, cherry-pick, revert, bisect) under way in the working tree, or undefined. */
export async function operationInProgress(git: Git): Promise<string | undefined> {
  const paths = await git.lines(['rev-parse', '--path-format=absolute', ...operationFiles.flatMap(([, file]) => ['--git-path', file])])
  const index = paths.findIndex((path) => existsSync(path))
  return index === -1 ? undefined : operationFiles[index]?.[0]
}

/** Tracked files whose changes are not committed (staged, modified, or unmerged); untracked files are not listed. */
export async function uncommittedFiles(git: Git): Promise<UncommittedFile[]> {
  const entries = (await git.run(['status', '--porcelain=v1', '-z', '--untracked-files=no'])).stdout.split('\0')
  const files: UncommittedFile[] = []
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index] ?? ''
    if (entry.length < 4) continue
    const [staged, worktree] = [entry[0], entry[1]]
    files.push({ path: entry.slice(3), staged: staged !== ' ', modified: worktree !== ' ' })
    // A rename or copy names its source in the next entry.
    if (staged === 'R' || staged === 'C') index++
  }
  return files
}

/**
 * The branch checked out in the person's working tree (`git.cwd`), ready to
 * take `target`: refused (with what to do) while a merge, rebase or the like
 * is under way, on a detached HEAD, on a branch without commits, on the
 * target itself, and with uncommitted changes to tracked files.
 */
export async function readyCheckout(git: Git, target: string): Promise<PersonCheckout> {
  const operation = await operationInProgress(git)
  if (operation) throw new OperationInProgressError(operation, git.cwd)
  const ref = await git.text(['symbolic-ref', '--quiet', 'HEAD'], { okExitCodes: [1] })
  if (!ref.startsWith('refs/heads/')) throw new DetachedHeadError(git.cwd, target)
  const branch = ref.slice('refs/heads/'.length)
  if (ref === branchRef(target)) throw new AdoptOnTargetError(target)
  const head = await git.resolveRef('HEAD')
  if (!head) throw new UnbornBranchError(branch, target)
  const uncommitted = await uncommittedFiles(git)
  if (uncommitted.length > 0) throw new UncommittedChangesError(branch, uncommitted)
  return { branch, head }
}
