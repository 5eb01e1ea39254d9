import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { branchRef, commonDirOf, type Git } from '../git/index.ts'
import { administrationOf } from './bases.ts'

export interface WorktreeRegistration {
  /** Where the worktree's files will be (its mount point). */
  path: string
  /** The directory its `.git` pointer is written into (the layer, which shows it at `path` once mounted). */
  pointerAt: string
  commit: string
  /** Made or reset at `commit`; detached without one. */
  branch?: string | undefined
}

/** Writes `content` to `file` as git writes a ref: through `<file>.lock`, which also keeps out a git writing it at the same moment. */
function writeLocked(file: string, content: string): boolean {
  mkdirSync(dirname(file), { recursive: true })
  try {
    writeFileSync(`${file}.lock`, content, { flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
  renameSync(`${file}.lock`, file)
  return true
}

/**
 * Registers a linked worktree whose files are yet to come, as `git worktree
 * add --no-checkout --lock [-B branch | --detach]` does, by writing git's
 * administration files directly: `worktrees/<name>/{locked, commondir,
 * gitdir, HEAD}`, the branch as a loose ref and the `.git` pointer. PERF:
 * `git worktree add -B` starts `git branch` and `git symbolic-ref` of its own;
 * three processes per workspace were most of what making one cost. Where
 * that is not how the repository keeps refs (reftable), or the name is taken
 * (a person's worktree of the same name: git numbers the next one) or being
 * written, git does it. Returns the worktree's administration directory.
 */
export async function registerWorktree(git: Git, registration: WorktreeRegistration): Promise<string> {
  const common = await commonDirOf(git)
  const administration = join(common, 'worktrees', basename(registration.path))
  if (existsSync(join(common, 'reftable')) || !makeAdministration(common, administration, registration)) return registerThroughGit(git, registration)
  return administration
}

/**
 * The files, written synchronously: a dozen small files, where each awaited
 * write is three trips through libuv's thread pool (open, write, close) and
 * a thousand workspaces asked at once spent seconds of system time waking
 * its threads.
 */
function makeAdministration(common: string, administration: string, { path, pointerAt, commit, branch }: WorktreeRegistration): boolean {
  mkdirSync(join(common, 'worktrees'), { recursive: true })
  try {
    mkdirSync(administration)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
  // Locked first, as git does: a `git worktree prune` meanwhile (it sees no files at `path` yet) leaves it alone.
  writeFileSync(join(administration, 'locked'), 'added with --lock\n')
  writeFileSync(join(administration, 'commondir'), '../..\n')
  writeFileSync(join(administration, 'gitdir'), `${join(path, '.git')}\n`)
  if (branch && !writeLocked(join(common, branchRef(branch)), `${commit}\n`)) {
    rmSync(administration, { recursive: true, force: true })
    return false
  }
  writeFileSync(join(administration, 'HEAD'), branch ? `ref: ${branchRef(branch)}\n` : `${commit}\n`)
  writeFileSync(join(pointerAt, '.git'), `gitdir: ${administration}\n`)
  return true
}

async function registerThroughGit(git: Git, { path, pointerAt, commit, branch }: WorktreeRegistration): Promise<string> {
  await git.run(['worktree', 'add', '--no-checkout', '--lock', '--quiet', ...(branch ? ['-B', branch] : ['--detach']), path, commit])
  renameSync(join(path, '.git'), join(pointerAt, '.git'))
  return administrationOf(pointerAt)
}
