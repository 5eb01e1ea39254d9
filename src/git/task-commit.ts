import type { Git } from './git.ts'
import type { IntegrationTask } from './integration-outcome.ts'
import { stageChanges } from './stage-changes.ts'

export const taskTrailer = 'Colony-Task'

function commitMessage(task: IntegrationTask): string {
  const body = task.description.trim() && task.description.trim() !== task.title.trim() ? `\n\n${task.description.trim()}` : ''
  return `${task.title.trim()}${body}\n\n${taskTrailer}: ${task.id}\n`
}

/**
 * One commit per task: folds whatever the worker committed or left in the tree
 * into a single commit, carrying `Colony-Task: <id>`, on its merge base with
 * `tip` (`within`: the only paths the worker can have changed, when known).
 * Returns that base, or undefined when the worktree matches it (nothing
 * to commit).
 */
export async function squashTaskCommit(git: Git, task: IntegrationTask, tip: string, excluded: string[], authorEnv: Record<string, string>, within?: readonly string[]): Promise<string | undefined> {
  const base = await git.text(['merge-base', 'HEAD', tip])
  await git.run(['reset', '--soft', base])
  await stageChanges(git, excluded, within)
  // PERF: `git commit` refreshes the whole index first (an lstat of every tracked file: half a second at
  // 50,000 files through an overlay); writing the tree and the commit object needs none of that.
  const tree = await git.text(['write-tree'])
  if (tree === (await git.text(['rev-parse', `${base}^{tree}`]))) return undefined
  const commit = await git.text(['commit-tree', tree, '-p', base, '-F', '-'], { input: commitMessage(task), env: authorEnv })
  await git.run(['update-ref', '-m', 'colony: task commit', 'HEAD', commit])
  return base
}
