import { changedFiles, type Git } from '../git/index.ts'
import type { Store } from '../store/index.ts'

/** The files a commit on the target changed against its first parent (a merge's whole change). */
export async function filesChangedBy(git: Git, commit: string): Promise<string[]> {
  return changedFiles(git, `${commit}^1`, commit)
}

/**
 * A commit landed on the target: memories about the files it changed that
 * were written before become stale (except the landing task's own, which
 * describe this change). Returns the files, for the task's handoff.
 */
export async function markStaleAfterLanding(store: Store, git: Git, landed: { commit: string; taskId: number | null }): Promise<string[]> {
  const files = await filesChangedBy(git, landed.commit)
  await store.markMemoriesStale({ files, commit: landed.commit, taskId: landed.taskId })
  return files
}
