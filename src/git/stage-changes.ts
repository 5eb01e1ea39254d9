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
  // --modified lists unmerged paths too, so a rebase the worker resolved is staged as well.
  const changed = within?.length === 0 ? '' : (await git.run(['ls-files', '-z', '--modified', '--deleted', '--others', '--exclude-standard', ...(within ? ['--', ...within] : [])], within ? literal : {})).stdout
  const toStage = [...new Set(changed.split('\0').filter((path) => path !== '' && !isUnderAny(path, excluded)))]
  if (toStage.length > 0) await git.run(['add', '-A', '--pathspec-from-file=-', '--pathspec-file-nul'], { ...literal, input: nulSeparated(toStage) })
  if (excluded.length === 0) return
  const staged = await git.run(['diff', '--cached', '--name-only', '--no-renames', '-z', 'HEAD'])
  const stray = staged.stdout.split('\0').filter((path) => path !== '' && isUnderAny(path, excluded))
  if (stray.length > 0) await git.run(['reset', '--quiet', 'HEAD', '--pathspec-from-file=-', '--pathspec-file-nul'], { ...literal, input: nulSeparated(stray) })
}
