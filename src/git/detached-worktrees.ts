import { existsSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { createGit, type Git } from './git.ts'
import type { WorktreeLayers } from './worktree-layers.ts'
import { registeredWorktrees, type Administer } from './worktree-administration.ts'

export interface DetachedWorktreesOptions {
  git: Git
  worktreesDir: string
  administer: Administer
  /** Prepares a new worktree like a task's. */
  prepare: (path: string) => Promise<void>
  layers?: WorktreeLayers | undefined
}

/** Worktrees Colony keeps for its own work on the target (the deep gate, reverts), by name. */
export function createDetachedWorktrees({ git, worktreesDir, administer, prepare, layers }: DetachedWorktreesOptions) {
  /**
   * A worktree Colony keeps for its own work on the target (the deep gate,
   * reverts), detached at `commit` and prepared like a task's. Reused between calls.
   */
  async function openDetached(name: string, commit: string): Promise<Git> {
    const path = join(worktreesDir, name)
    if (layers?.isOverlay(path) && !(await layers.remount(path))) await removeDetached(name)
    const registered = await registeredWorktrees(git)
    if (registered.has(path) && existsSync(path)) {
      const scratch = createGit(path)
      await scratch.run(['checkout', '--quiet', '--detach', '--force', commit])
      await scratch.run(['clean', '--quiet', '-fd'])
      return scratch
    }
    await administer(async () => {
      if (layers?.isOverlay(path)) await layers.remove(path)
      if (registered.has(path)) await git.run(['worktree', 'prune'])
      if (existsSync(path)) await rm(path, { recursive: true, force: true })
      await mkdir(worktreesDir, { recursive: true })
      if (layers) await layers.add(path, { commit })
      else await git.run(['worktree', 'add', '--quiet', '--detach', path, commit])
    })
    await prepare(path)
    return createGit(path)
  }

  /** Removes a worktree made by `openDetached`. */
  function removeDetached(name: string): Promise<void> {
    const path = join(worktreesDir, name)
    return administer(async () => {
      if (layers?.isOverlay(path)) return layers.remove(path)
      if (existsSync(path)) await git.run(['worktree', 'remove', '--force', '--force', path], { okExitCodes: [128] })
      if (existsSync(path)) await rm(path, { recursive: true, force: true })
      await git.run(['worktree', 'prune'])
    })
  }

  return { openDetached, removeDetached }
}
