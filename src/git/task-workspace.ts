import { join } from 'node:path'
import type { Git } from './git.ts'

export interface Workspace {
  taskId: number
  path: string
  branch: string
  git: Git
  /** The target commit the branch started from (or was last rebased onto). */
  base: string
  /** An earlier attempt's worktree was picked up with its files, instead of a fresh one. */
  resumed: boolean
  /** Its files are an overlay over a shared checkout (src/overlay), not a checkout of their own. */
  overlay: boolean
  /** How long its opening waited for others' to end (workspaces are made a few at a time). */
  waitedMs?: number
  /** Where the worker can have changed files, when the workspace knows (an overlay's layer); undefined: anywhere. */
  changedPaths?: (() => Promise<string[] | undefined>) | undefined
}

export const taskBranchPrefix = 'colony/task/'

export function taskBranch(taskId: number): string {
  return `${taskBranchPrefix}${taskId}`
}

/** Where a task's worktree lives: `<worktreesDir>/task-<id>`. */
export function taskWorktreePath(worktreesDir: string, taskId: number): string {
  return join(worktreesDir, `task-${taskId}`)
}
