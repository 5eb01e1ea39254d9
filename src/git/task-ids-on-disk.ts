import { existsSync } from 'node:fs'
import { lstat, readdir } from 'node:fs/promises'
import { join, relative } from 'node:path'
import type { Git } from './git.ts'
import { taskBranchPrefix } from './task-workspace.ts'
import { registeredWorktrees } from './worktree-administration.ts'

/** Every task id that has a registered worktree, a task branch or a `task-<id>` directory left under `worktreesDir`, in order. */
export async function taskIdsOnDisk(git: Git, worktreesDir: string): Promise<number[]> {
  const found = new Set<number>()
  for (const path of (await registeredWorktrees(git)).keys()) {
    const match = /^task-(\d+)$/.exec(relative(worktreesDir, path))
    if (match) found.add(Number(match[1]))
  }
  for (const branch of await git.lines(['for-each-ref', '--format=%(refname:short)', `refs/heads/${taskBranchPrefix}`])) {
    found.add(Number(branch.slice(taskBranchPrefix.length)))
  }
  if (existsSync(worktreesDir)) {
    for (const name of await readdir(worktreesDir)) {
      const match = /^task-(\d+)$/.exec(name)
      if (match && (await lstat(join(worktreesDir, name))).isDirectory()) found.add(Number(match[1]))
    }
  }
  return [...found].sort((a, b) => a - b)
}
