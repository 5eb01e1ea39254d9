import type { Git } from './git.ts'

const commonDirs = new Map<string, Promise<string>>()

/** The repository's common git directory (`.git` of the main worktree), absolute; asked of git once per working directory. */
export function commonDirOf(git: Git): Promise<string> {
  let found = commonDirs.get(git.cwd)
  if (!found) {
    found = git.text(['rev-parse', '--path-format=absolute', '--git-common-dir'])
    commonDirs.set(git.cwd, found)
    found.catch(() => commonDirs.delete(git.cwd))
  }
  return found
}
