import type { Git } from './git.ts'

const commonDirs = new Map<string, Promise<string>>()

/** Working directories remembered (each task's worktree is one) before they are all forgotten. */
const remembered = 1_000

/** The repository's common git directory (`.git` of the main worktree), absolute; asked of git once per working directory. */
export function commonDirOf(git: Git): Promise<string> {
  let found = commonDirs.get(git.cwd)
  if (!found) {
    if (commonDirs.size >= remembered) commonDirs.clear()
    found = git.text(['rev-parse', '--path-format=absolute', '--git-common-dir'])
    commonDirs.set(git.cwd, found)
    found.catch(() => commonDirs.delete(git.cwd))
  }
  return found
}
