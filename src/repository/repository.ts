import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { appendFile, mkdir, readFile } from 'node:fs/promises'
import { isAbsolute, join, resolve } from 'node:path'
import { promisify } from 'node:util'
import {
  InvalidBranchNameError,
  NotAGitRepositoryError,
  NotInitializedError,
  RepositoryHasNoCommitsError,
  UnknownRemoteError,
} from './errors.ts'
import { assertNotCheckedOut, createGit, ensureTarget, targetTip } from '../git/index.ts'

const execFileAsync = promisify(execFile)

/** Where Colony keeps its state inside a user's repository. */
export interface RepositoryLayout {
  /** The main working tree's root (never a Colony worktree's). */
  root: string
  /** `<root>/.colony`: database, worktrees, logs. Ignored through .git/info/exclude. */
  colonyDir: string
  databasePath: string
  worktreesDir: string
  configPath: string
}

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('git', args, { cwd, maxBuffer: 16 * 1024 * 1024 })
  return stdout.trim()
}

/**
 * Finds the repository that contains `directory`. From inside one of Colony's
 * own worktrees it still answers the main working tree, since the state lives there.
 */
export async function findRepository(directory: string): Promise<RepositoryLayout> {
  let commonDir: string
  try {
    commonDir = await git(directory, ['rev-parse', '--path-format=absolute', '--git-common-dir'])
  } catch {
    throw new NotAGitRepositoryError(directory)
  }
  const root = commonDir.endsWith('/.git') ? commonDir.slice(0, -'/.git'.length) : await git(directory, ['rev-parse', '--show-toplevel'])
  const colonyDir = join(root, '.colony')
  return { root, colonyDir, databasePath: join(colonyDir, 'colony.db'), worktreesDir: join(colonyDir, 'worktrees'), configPath: join(root, 'colony.json') }
}

export function isInitialized(layout: RepositoryLayout): boolean {
  return existsSync(layout.databasePath)
}

export function assertInitialized(layout: RepositoryLayout): void {
  if (!isInitialized(layout)) throw new NotInitializedError(layout.root)
}

/**
 * Creates `.colony/` and hides it from git through `.git/info/exclude`, which
 * is the repository's own ignore file: the user's .gitignore is left alone.
 */
export async function prepareColonyDirectory(layout: RepositoryLayout): Promise<void> {
  await mkdir(layout.worktreesDir, { recursive: true })
  const excludePath = await git(layout.root, ['rev-parse', '--path-format=absolute', '--git-path', 'info/exclude'])
  const resolved = isAbsolute(excludePath) ? excludePath : resolve(layout.root, excludePath)
  const current = existsSync(resolved) ? await readFile(resolved, 'utf8') : ''
  if (!current.split('\n').some((line) => line.trim() === '/.colony/' || line.trim() === '.colony/')) {
    await mkdir(join(resolved, '..'), { recursive: true })
    const separator = current === '' || current.endsWith('\n') ? '' : '\n'
    await appendFile(resolved, `${separator}# Colony's state (colony init)\n/.colony/\n`)
  }
}

/** A target on a remote: the remote's branch if it has one (the first clone made it), else HEAD pushed there. */
async function ensureRemoteTarget(layout: RepositoryLayout, location: { target: string; remote: string }): Promise<{ created: boolean; commit: string }> {
  const repository = createGit(layout.root)
  try {
    await repository.run(['remote', 'get-url', location.remote])
  } catch {
    throw new UnknownRemoteError(location.remote)
  }
  const existing = await targetTip(repository, location)
  if (existing) return { created: false, commit: existing }
  const head = await repository.resolveRef('HEAD')
  if (!head) throw new RepositoryHasNoCommitsError(layout.root)
  const commit = await ensureTarget(repository, location, head)
  return { created: commit === head, commit }
}

/**
 * Makes sure the target branch exists, creating it from HEAD without checking
 * it out. Returns whether it was created. Refuses the branch that is checked out.
 */
export async function ensureTargetBranch(layout: RepositoryLayout, target: string, remote?: string): Promise<{ created: boolean; commit: string }> {
  try {
    await git(layout.root, ['check-ref-format', '--branch', target])
  } catch {
    throw new InvalidBranchNameError(target)
  }
  await assertNotCheckedOut(createGit(layout.root), target)
  if (remote !== undefined) return ensureRemoteTarget(layout, { target, remote })
  const existing = await git(layout.root, ['rev-parse', '--verify', '--quiet', `refs/heads/${target}`]).catch(() => '')
  if (existing) return { created: false, commit: existing }
  const head = await git(layout.root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).catch(() => '')
  if (!head) throw new RepositoryHasNoCommitsError(layout.root)
  // update-ref with an all-zero old value creates the branch only if nobody else just did.
  await git(layout.root, ['update-ref', '-m', 'colony init', `refs/heads/${target}`, head, '0'.repeat(head.length)])
  return { created: true, commit: head }
}
