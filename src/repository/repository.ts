import { execFile } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { appendFile, mkdir, readFile } from 'node:fs/promises'
import { isAbsolute, join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { branchNameProblem } from '../config/index.ts'
import { isRunEnded, type Run } from '../store/index.ts'
import {
  BareRepositoryError,
  ColonyDirectoryError,
  InvalidBranchNameError,
  NotAGitRepositoryError,
  TargetBranchMissingError,
  TargetChangedError,
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

/** What git said when it refused, unless it is the plain "not a git repository" the error already says. */
function gitReason(error: unknown): string | undefined {
  const output = (error as { stderr?: unknown }).stderr
  const stderr = typeof output === 'string' ? output.trim() : ''
  const line = stderr.split('\n').find((text) => text.startsWith('fatal: '))?.slice('fatal: '.length)
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'git is not installed or not on PATH'
  return line === undefined || /not a git repository/i.test(line) ? undefined : line
}

/**
 * Finds the repository that contains `directory`. From inside one of Colony's
 * own worktrees it still answers the main working tree, since the state lives there.
 */
export async function findRepository(directory: string): Promise<RepositoryLayout> {
  let commonDir: string
  let bare: string
  try {
    ;[commonDir, bare] = (await git(directory, ['rev-parse', '--path-format=absolute', '--git-common-dir', '--is-bare-repository'])).split('\n') as [string, string]
  } catch (error) {
    throw new NotAGitRepositoryError(directory, gitReason(error))
  }
  if (bare === 'true') throw new BareRepositoryError(commonDir)
  let root = commonDir.endsWith('/.git') ? commonDir.slice(0, -'/.git'.length) : undefined
  if (root === undefined) {
    // A git directory elsewhere (--separate-git-dir, a worktree of a bare repository): the working tree is where we are.
    try {
      root = await git(directory, ['rev-parse', '--show-toplevel'])
    } catch {
      throw new BareRepositoryError(commonDir)
    }
  }
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
  assertColonyDirectoryUsable(layout)
  try {
    await mkdir(layout.worktreesDir, { recursive: true })
  } catch (error) {
    throw new ColonyDirectoryError(layout.colonyDir, (error as Error).message)
  }
  const excludePath = await git(layout.root, ['rev-parse', '--path-format=absolute', '--git-path', 'info/exclude'])
  const resolved = isAbsolute(excludePath) ? excludePath : resolve(layout.root, excludePath)
  const current = existsSync(resolved) ? await readFile(resolved, 'utf8') : ''
  if (!current.split('\n').some((line) => line.trim() === '/.colony/' || line.trim() === '.colony/')) {
    await mkdir(join(resolved, '..'), { recursive: true })
    const separator = current === '' || current.endsWith('\n') ? '' : '\n'
    await appendFile(resolved, `${separator}# Colony's state (colony init)\n/.colony/\n`)
  }
}

/** Refuses a `.colony` that is there but is not a directory (nor a link to one), before anything is created. */
export function assertColonyDirectoryUsable(layout: RepositoryLayout): void {
  if (existsSync(layout.colonyDir) && !statSync(layout.colonyDir).isDirectory()) throw new ColonyDirectoryError(layout.colonyDir, 'it is a file, not a directory')
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
  await assertBranchName(layout, target)
  await assertNotCheckedOut(createGit(layout.root), target)
  if (remote !== undefined) return ensureRemoteTarget(layout, { target, remote })
  const existing = await git(layout.root, ['rev-parse', '--verify', '--quiet', `refs/heads/${target}`]).catch(() => '')
  if (existing) return { created: false, commit: existing }
  const head = await git(layout.root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).catch(() => '')
  if (!head) throw new RepositoryHasNoCommitsError(layout.root)
  // update-ref with an all-zero old value creates the branch only if nobody else just did.
  try {
    await git(layout.root, ['update-ref', '-m', 'colony init', `refs/heads/${target}`, head, '0'.repeat(head.length)])
  } catch (error) {
    const reason = gitReason(error) ?? 'git refused to create it'
    const other = await git(layout.root, ['rev-parse', '--verify', '--quiet', `refs/heads/${target}`]).catch(() => '')
    if (other) return { created: false, commit: other }
    throw new InvalidBranchNameError(target, `cannot create the target branch "${target}": ${reason}`, 'choose another name for the target (a branch such as "colony/main" cannot sit beside a branch named "colony")')
  }
  return { created: true, commit: head }
}

/**
 * Refuses a target that is not a short branch name git accepts: the rules of
 * colony.json's "target" (branchNameProblem), then git's own check, whose
 * answer must be the name itself (`--branch` expands "@{-1}" and the like).
 */
export async function assertBranchName(layout: RepositoryLayout, target: string): Promise<void> {
  const problem = branchNameProblem(target)
  if (problem) throw new InvalidBranchNameError(target, problem.problem, problem.hint)
  // git's refusal is the answer (an invalid name), reported just below.
  const checked = await git(layout.root, ['check-ref-format', '--branch', target]).catch(() => undefined)
  if (checked !== target) throw new InvalidBranchNameError(target)
}

/**
 * Refuses, before a command acts on the target, a colony.json whose "target"
 * the run in progress does not land on, or (for a local target) a branch that
 * is not there. A run that has ended does not hold its target: the next run
 * takes colony.json's.
 */
export async function assertTargetUsable(layout: RepositoryLayout, location: { target: string; remote?: string | undefined }, run: Run | undefined, options: { resuming?: boolean } = {}): Promise<void> {
  // A run being resumed (`colony run` without a goal) takes up its own target again, even after it stopped.
  const holdsTarget = run !== undefined && (options.resuming || !isRunEnded(run.status))
  if (holdsTarget && run.target !== location.target) {
    const notStarted = run.status === 'pending' && !run.goal
    throw new TargetChangedError(
      run.id,
      run.target,
      location.target,
      notStarted
        ? `run \`colony init\` to move run ${run.id}, which has not started, to "${location.target}" (if it has no tasks yet), or set "target" in colony.json back to "${run.target}"`
        : undefined,
    )
  }
  if (location.remote !== undefined) return
  const tip = await git(layout.root, ['rev-parse', '--verify', '--quiet', `refs/heads/${location.target}^{commit}`]).catch(() => '')
  if (!tip) throw new TargetBranchMissingError(location.target)
}
