import { matchesGlob } from 'node:path'
import type { Git } from './git.ts'

/** Files a commit range changes (renames as delete + add, so both paths are checked). */
export async function changedFiles(git: Git, from: string, to: string): Promise<string[]> {
  const output = (await git.run(['diff', '--name-only', '--no-renames', '-z', from, to])).stdout
  return output.split('\0').filter((path) => path !== '')
}

/** The changed files no glob of the task's scope admits; an empty scope admits everything. */
export function outsideScope(files: readonly string[], scope: readonly string[]): string[] {
  if (scope.length === 0) return []
  return files.filter((file) => !scope.some((glob) => file === glob || matchesGlob(file, glob)))
}

/**
 * Lines added plus lines removed between two commits. A file moved (even
 * with small edits) counts only its edited lines, not its whole content twice;
 * a binary file, and a file whose only change is its mode or name, count one.
 */
export async function diffSize(git: Git, from: string, to: string): Promise<number> {
  let total = 0
  for (const line of await git.lines(['diff', '--numstat', '--find-renames', from, to])) {
    const [added = '0', removed = '0'] = line.split('\t')
    total += added === '-' ? 1 : Math.max(1, Number(added) + Number(removed))
  }
  return total
}
