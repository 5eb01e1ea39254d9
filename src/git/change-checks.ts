import { diffSize, outsideScope } from './change-limits.ts'
import type { Git } from './git.ts'
import type { IntegrateOptions, IntegrationEmit, IntegrationOutcome } from './integration-outcome.ts'
import { unsupportedChanges } from './unsupported-changes.ts'

/**
 * Refuses a task's commit (`base..HEAD`, touching `files`) that reaches outside
 * the task's scope, holds what Colony cannot land, or is over the diff limit:
 * the commit is undone, its changes left in the worktree, and the outcome tells
 * the worker what to fix (`within`: the only paths the worker can have
 * written, when its workspace knows). Undefined when the change may go on to land.
 */
export async function refuseChange(git: Git, options: IntegrateOptions, base: string, files: string[], emit: IntegrationEmit, within?: readonly string[]): Promise<IntegrationOutcome | undefined> {
  const { task } = options
  const stray = outsideScope(files, task.scope)
  if (stray.length > 0) {
    await git.run(['reset', '--mixed', '--quiet', base])
    await emit('scope-refused', { files: stray, scope: task.scope })
    return {
      status: 'out-of-scope',
      files: stray,
      message:
        `Your change touches files outside this task's scope (${task.scope.join(', ')}): ${stray.join(', ')}.\n` +
        'Undo the changes to those files (restore their original content, delete files you created there), ' +
        'or note in finish.concerns that the scope is wrong; then call finish again.',
    }
  }
  const unsupported = await unsupportedChanges(git, base, 'HEAD', within)
  if (unsupported.length > 0) {
    await git.run(['reset', '--mixed', '--quiet', base])
    await emit('change-refused', { files: unsupported.map((change) => change.path) })
    return {
      status: 'unsupported',
      files: unsupported.map((change) => change.path),
      message: `Colony cannot land part of your change:\n${unsupported.map((change) => `- ${change.path}: ${change.reason}.`).join('\n')}\nThen call finish again.`,
    }
  }
  const lines = await diffSize(git, base, 'HEAD')
  if (lines > options.diffLimit) {
    await git.run(['reset', '--mixed', '--quiet', base])
    await emit('diff-refused', { lines, limit: options.diffLimit })
    return {
      status: 'too-large',
      lines,
      limit: options.diffLimit,
      message: `Your change is ${lines} lines (added + removed); the limit per task is ${options.diffLimit}. Make a smaller change that does only this task, and mention the rest in finish.concerns so the planner can split it.`,
    }
  }
  return undefined
}
