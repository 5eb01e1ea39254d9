import { existsSync } from 'node:fs'
import { branchRef, createGit, type Git } from './git.ts'
import { targetTip, type TargetLocation } from './target-branch.ts'
import { taskBranch, type Workspace } from './task-workspace.ts'
import { registeredWorktrees } from './worktree-administration.ts'

/**
 * Picks up the worktree a crashed attempt left at `path`, files and all, when
 * it is still registered on the task's branch (undefined when it is not). A
 * rebase it stopped in is aborted; `base` is where it meets the target's tip.
 */
export async function resumeWorkspace(git: Git, target: TargetLocation, taskId: number, path: string): Promise<Workspace | undefined> {
  const registered = await registeredWorktrees(git)
  if (registered.get(path) !== branchRef(taskBranch(taskId))) return undefined
  const workspaceGit = createGit(path)
  const rebasing = existsSync(await workspaceGit.text(['rev-parse', '--path-format=absolute', '--git-path', 'rebase-merge']))
  if (rebasing) await workspaceGit.run(['rebase', '--abort'])
  const tip = await targetTip(git, target)
  const base = tip ? await workspaceGit.text(['merge-base', 'HEAD', tip]) : await workspaceGit.text(['rev-parse', 'HEAD'])
  return { taskId, path, branch: taskBranch(taskId), git: workspaceGit, base, resumed: true, overlay: false }
}
