import { lstat, mkdir, mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { ColonyError } from '../errors/index.ts'

export class DemoDirectoryExistsError extends ColonyError {
  override readonly name = 'DemoDirectoryExistsError'
  readonly directory: string

  constructor(directory: string) {
    super(`${directory} already exists; colony demo only creates its sample repository in a new directory`, {
      hint: 'give --dir a path that does not exist yet (colony demo creates it), or leave --dir out for a temporary directory',
    })
    this.directory = directory
  }
}

/** --dir names a place where no directory can be made: under a file, on a read-only or special file system, without permission. */
export class DemoDirectoryUnusableError extends ColonyError {
  override readonly name = 'DemoDirectoryUnusableError'
  readonly directory: string
  readonly problem: string

  constructor(directory: string, problem: string) {
    super(`colony demo cannot create ${directory}: ${problem}`, {
      hint: 'give --dir a new path in a directory you can write to, or leave --dir out for a temporary directory',
    })
    this.directory = directory
    this.problem = problem
  }
}

/** Where the demo's repository goes: `path`, new and empty, and `created`, the top-most directory made for it (to remove on a later failure). */
export interface DemoDirectory {
  path: string
  created: string
}

function why(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied'
  if (code === 'EROFS') return 'the file system is read-only'
  if (code === 'ENOSPC') return 'no space left on the device'
  // mkdir in an existing directory of /proc or /sys answers "no such file".
  if (code === 'ENOENT') return 'the file system there does not take new directories'
  if (code === 'ENAMETOOLONG') return 'the path is too long'
  return (error as Error).message
}

/**
 * The new, empty directory the demo's repository goes in: a fresh temporary
 * one, or `requested` (--dir), which must not exist yet. Missing parents are
 * made one level at a time (a recursive mkdir spins forever under /proc), and
 * a failure removes whatever was made, so a refusal writes nothing.
 */
export async function createDemoDirectory(requested: string | undefined): Promise<DemoDirectory> {
  if (requested === undefined) {
    const path = await mkdtemp(join(tmpdir(), 'colony-demo-'))
    return { path, created: path }
  }
  const directory = resolve(requested)
  const missing: string[] = []
  let ancestor = directory
  for (;;) {
    try {
      // lstat: a dangling symbolic link exists too, and mkdir would follow it.
      await lstat(ancestor)
      break
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOTDIR') throw new DemoDirectoryUnusableError(requested, 'a part of the path is a file, not a directory')
      if (code !== 'ENOENT') throw new DemoDirectoryUnusableError(requested, why(error))
      missing.unshift(ancestor)
      ancestor = dirname(ancestor)
    }
  }
  if (missing.length === 0) throw new DemoDirectoryExistsError(requested)
  const parent = await stat(ancestor).catch((error: unknown) => {
    throw new DemoDirectoryUnusableError(requested, `${ancestor}: ${why(error)}`)
  })
  if (!parent.isDirectory()) throw new DemoDirectoryUnusableError(requested, `${ancestor} is a file, not a directory`)
  const made: string[] = []
  try {
    for (const path of missing) {
      await mkdir(path)
      made.push(path)
    }
  } catch (error) {
    // Only what this call made: a directory someone else created meanwhile is theirs.
    if (made[0] !== undefined) await rm(made[0], { recursive: true, force: true })
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new DemoDirectoryExistsError(requested)
    throw new DemoDirectoryUnusableError(requested, why(error))
  }
  return { path: directory, created: missing[0]! }
}
