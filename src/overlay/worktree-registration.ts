import { existsSync } from 'node:fs'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
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
async function writeLocked(file: string, content: string): Promise<boolean> {
  await mkdir(dirname(file), { recursive: true })
  try {
    await writeFile(`${file}.lock`, content, { flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
  await rename(`${file}.lock`, file)
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
  if (existsSync(join(common, 'reftable')) || !(await makeAdministration(common, administration, registration))) return registerThroughGit(git, registration)
  return administration
}

async function makeAdministration(common: string, administration: string, { path, pointerAt, commit, branch }: WorktreeRegistration): Promise<boolean> {
  await mkdir(join(common, 'worktrees'), { recursive: true })
  try {
    await mkdir(administration)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
  // Locked first, as git does: a `git worktree prune` meanwhile (it sees no files at `path` yet) leaves it alone.
  await writeFile(join(administration, 'locked'), 'added with --lock\n')
  await writeFile(join(administration, 'commondir'), '../..\n')
  await writeFile(join(administration, 'gitdir'), `${join(path, '.git')}\n`)
  if (branch && !(await writeLocked(join(common, branchRef(branch)), `${commit}\n`))) {
    await rm(administration, { recursive: true, force: true })
    return false
  }
  await writeFile(join(administration, 'HEAD'), branch ? `ref: ${branchRef(branch)}\n` : `${commit}\n`)
  await writeFile(join(pointerAt, '.git'), `gitdir: ${administration}\n`)
  return true
}

async function registerThroughGit(git: Git, { path, pointerAt, commit, branch }: WorktreeRegistration): Promise<string> {
  await git.run(['worktree', 'add', '--no-checkout', '--lock', '--quiet', ...(branch ? ['-B', branch] : ['--detach']), path, commit])
  await rename(join(path, '.git'), join(pointerAt, '.git'))
  return administrationOf(pointerAt)
}
