import { existsSync } from 'node:fs'
import { filesWithMarkers, readConflicts, unmergedPaths } from './conflicts.ts'
import type { Git } from './git.ts'
import type { IntegrationEmit, IntegrationOutcome } from './integration-outcome.ts'
import { stageChanges } from './stage-changes.ts'

/** Whether a rebase stopped on conflicts in this worktree, waiting for the worker to resolve them. */
export async function rebaseInProgress(git: Git): Promise<boolean> {
  return existsSync(await git.text(['rev-parse', '--path-format=absolute', '--git-path', 'rebase-merge']))
}

/** The stopped rebase's conflicts, shown to the worker with how to resolve them. */
export async function conflictOutcome(git: Git, target: string, emit: IntegrationEmit): Promise<IntegrationOutcome> {
  const paths = await unmergedPaths(git)
  const files = await readConflicts(git, paths)
  await emit('merge-conflict', { files: paths })
  return {
    status: 'conflict',
    files,
    message:
      `Rebasing your change onto the latest ${target} stopped with conflicts in: ${paths.join(', ')}.\n` +
      'Another task changed the same lines. Edit each file so that it keeps both changes correctly and has no ' +
      '<<<<<<< ======= >>>>>>> markers left, then call finish again (do not run git yourself).\n\n' +
      files.map((file) => `--- ${file.path} (conflicts at lines ${file.markerLines.join(', ')})\n${file.content}`).join('\n\n'),
  }
}

export interface ContinueRebaseOptions {
  git: Git
  target: string
  excluded: string[]
  authorEnv: Record<string, string>
  emit: IntegrationEmit
}

/** Continues a rebase the worker has resolved; undefined when it went through. */
export async function continueRebase({ git, target, excluded, authorEnv, emit }: ContinueRebaseOptions): Promise<IntegrationOutcome | undefined> {
  const unmerged = await unmergedPaths(git)
  const marked = await filesWithMarkers(git.cwd, unmerged)
  if (marked.length > 0) {
    return {
      status: 'unresolved-markers',
      files: marked,
      message: `These files still contain conflict markers: ${marked.join(', ')}. Resolve every <<<<<<< ======= >>>>>>> block, then call finish again.`,
    }
  }
  await stageChanges(git, excluded)
  const continued = await git.run(['-c', 'core.editor=true', 'rebase', '--continue'], { env: authorEnv, okExitCodes: [1] })
  if (continued.exitCode === 0) return undefined
  if ((await unmergedPaths(git)).length > 0) return conflictOutcome(git, target, emit)
  // The resolution left nothing of this task's change: drop the empty commit.
  await git.run(['rebase', '--skip'], { okExitCodes: [1] })
  return undefined
}
