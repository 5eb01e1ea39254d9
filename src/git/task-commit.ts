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
 * `tip`. Returns that base, or undefined when the worktree matches it (nothing
 * to commit).
 */
export async function squashTaskCommit(git: Git, task: IntegrationTask, tip: string, excluded: string[], authorEnv: Record<string, string>): Promise<string | undefined> {
  const base = await git.text(['merge-base', 'HEAD', tip])
  await git.run(['reset', '--soft', base])
  await stageChanges(git, excluded)
  const staged = await git.run(['diff', '--cached', '--quiet'], { okExitCodes: [1] })
  if (staged.exitCode === 0) return undefined
  await git.run(['commit', '--quiet', '--no-verify', '-F', '-'], { input: commitMessage(task), env: authorEnv })
  return base
}
