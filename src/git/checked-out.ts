import { readdir, readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { TargetCheckedOutError } from './errors.ts'
import { branchRef, type Git } from './git.ts'

/** Where each worktree of a repository keeps the files that name its branch. */
interface WorktreeAdmin {
  /** The worktree's own git directory (`.git` for the main one, `.git/worktrees/<name>` for the others). */
  gitDir: string
  /** The worktree's directory, as the person knows it. */
  path: string
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim()
  } catch {
    return undefined
  }
}

async function worktreeAdmins(commonDir: string): Promise<WorktreeAdmin[]> {
  const admins: WorktreeAdmin[] = [{ gitDir: commonDir, path: commonDir.endsWith('/.git') ? dirname(commonDir) : commonDir }]
  const linked = join(commonDir, 'worktrees')
  // git removes the directory with the last linked worktree, so it may go between any check and the read.
  const names = await readdir(linked).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return []
    throw error
  })
  for (const name of names) {
    const gitDir = join(linked, name)
    const pointer = await readText(join(gitDir, 'gitdir'))
    admins.push({ gitDir, path: pointer ? dirname(pointer) : gitDir })
  }
  return admins
}

/** The refs a worktree has checked out, including one a rebase or bisect in it will return to. */
async function refsHeldBy(admin: WorktreeAdmin): Promise<string[]> {
  const refs: string[] = []
  const head = await readText(join(admin.gitDir, 'HEAD'))
  if (head?.startsWith('ref: ')) refs.push(head.slice('ref: '.length))
  for (const file of ['rebase-merge/head-name', 'rebase-apply/head-name']) {
    const name = await readText(join(admin.gitDir, file))
    if (name?.startsWith('refs/')) refs.push(name)
  }
  const bisected = await readText(join(admin.gitDir, 'BISECT_START'))
  if (bisected) refs.push(branchRef(bisected))
  return refs
}

/**
 * The worktree (the person's, or any other) that has `branch` checked out,
 * or undefined. It reads the worktrees' HEAD files directly, as git does,
 * rather than spawning `git worktree list`: it runs before every move of the target.
 */
export async function worktreeHolding(git: Git, branch: string): Promise<string | undefined> {
  const commonDir = await commonDirOf(git)
  const ref = branchRef(branch)
  for (const admin of await worktreeAdmins(commonDir)) {
    if ((await refsHeldBy(admin)).includes(ref)) return admin.path
  }
  return undefined
}

/** Throws TargetCheckedOutError when any worktree of the repository has `branch` checked out. */
export async function assertNotCheckedOut(git: Git, branch: string): Promise<void> {
  const holder = await worktreeHolding(git, branch)
  if (holder !== undefined) throw new TargetCheckedOutError(branch, holder)
}

const commonDirs = new Map<string, Promise<string>>()

function commonDirOf(git: Git): Promise<string> {
  let found = commonDirs.get(git.cwd)
  if (!found) {
    found = git.text(['rev-parse', '--path-format=absolute', '--git-common-dir'])
    commonDirs.set(git.cwd, found)
    found.catch(() => commonDirs.delete(git.cwd))
  }
  return found
}
