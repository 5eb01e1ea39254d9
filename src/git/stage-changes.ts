import { lstat, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Git } from './git.ts'
import { insideRoot, isUnderAny } from './linked-paths.ts'

function nulSeparated(paths: readonly string[]): string {
  return paths.map((path) => `${path}\0`).join('')
}

/**
 * Stages everything a worker changed in its worktree (looking only at
 * `within`, when the workspace knows where changes can be) (edits, new files,
 * deletions, mode changes, symlinks) except what workspace preparation put
 * there: `excluded` are workspace.link and workspace.copy entries, plain paths
 * or globs. Whether those paths are ignored, hidden by .git/info/exclude, not
 * ignored at all, or symlinks, none of them is staged, and anything under them
 * already staged (a worker's own `git add -f`) goes back to HEAD's version.
 *
 * Paths are named one by one instead of `git add -A -- . ':(exclude)PATH'`,
 * which exits 1 as soon as PATH is ignored ("The following paths are ignored
 * by one of your .gitignore files").
 */
export async function stageChanges(git: Git, excludedEntries: readonly string[], within?: readonly string[]): Promise<void> {
  const excluded = excludedEntries.map(insideRoot)
  const literal = { env: { GIT_LITERAL_PATHSPECS: '1' } }
  if (!within || !(await stageExactly(git, within, excluded))) {
    // --modified lists unmerged paths too, so a rebase the worker resolved is staged as well.
    const changed = await git.run(['ls-files', '-z', '--modified', '--deleted', '--others', '--exclude-standard'])
    const toStage = [...new Set(changed.stdout.split('\0').filter((path) => path !== '' && !isUnderAny(path, excluded)))]
    if (toStage.length > 0) await git.run(['add', '-A', '--pathspec-from-file=-', '--pathspec-file-nul'], { ...literal, input: nulSeparated(toStage) })
  }
  if (excluded.length === 0) return
  const staged = await git.run(['diff', '--cached', '--name-only', '--no-renames', '-z', 'HEAD'])
  const stray = staged.stdout.split('\0').filter((path) => path !== '' && isUnderAny(path, excluded))
  if (stray.length > 0) await git.run(['reset', '--quiet', 'HEAD', '--pathspec-from-file=-', '--pathspec-file-nul'], { ...literal, input: nulSeparated(stray) })
}

/**
 * Stages the paths under `within` (where the worker can have written: an
 * overlay's layer) without looking anywhere else. `git add` and `ls-files
 * --others` walk the whole worktree from the paths' common prefix, which for
 * changes in different top directories is the root: at 50,000 files and
 * hundreds of agents landing at once that walk was most of the machine. Here
 * the files under those paths are listed directly, the index entries under
 * them read, ignored new files dropped (`check-ignore`), and the rest handed
 * to `update-index` (which takes content, modes and symlinks from disk and
 * removes what is gone). False, staging nothing, where a nested repository
 * or a submodule lies under those paths: the whole-worktree way handles them.
 */
async function stageExactly(git: Git, within: readonly string[], excluded: readonly string[]): Promise<boolean> {
  if (within.length === 0) return true
  const split = (text: string) => text.split('\0').filter((path) => path !== '')
  const entries = split((await git.run(['ls-files', '-z', '--stage', '--', ...within], { env: { GIT_LITERAL_PATHSPECS: '1' } })).stdout)
  if (entries.some((entry) => entry.startsWith('160000 '))) return false
  const tracked = new Set(entries.map((entry) => entry.slice(entry.indexOf('\t') + 1)))
  const present: string[] = []
  for (const path of within) if (!(await listFiles(git.cwd, path, present))) return false
  const untracked = present.filter((path) => !tracked.has(path))
  const ignored = new Set(untracked.length === 0 ? [] : split((await git.run(['check-ignore', '-z', '--stdin'], { input: nulSeparated(untracked), okExitCodes: [1] })).stdout))
  const exists = new Set(present)
  const paths = [...new Set([...present.filter((path) => tracked.has(path) || !ignored.has(path)), ...[...tracked].filter((path) => !exists.has(path))])].filter((path) => !isUnderAny(path, excluded))
  if (paths.length > 0) await git.run(['update-index', '-z', '--add', '--remove', '--replace', '--stdin'], { input: nulSeparated(paths) })
  return true
}

/** Adds the files and symlinks at or under `path` to `found`; false when a nested repository is there. */
async function listFiles(root: string, path: string, found: string[]): Promise<boolean> {
  const stats = await lstat(join(root, path)).catch(() => undefined)
  if (!stats) return true
  if (!stats.isDirectory()) {
    found.push(path)
    return true
  }
  const names = await readdir(join(root, path))
  if (names.includes('.git')) return false
  for (const name of names) if (!(await listFiles(root, `${path}/${name}`, found))) return false
  return true
}
