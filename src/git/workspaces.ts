import { existsSync, mkdirSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import pLimit from 'p-limit'
import { createDetachedWorktrees } from './detached-worktrees.ts'
import { WorkspaceLinkError } from './errors.ts'
import { createGit, type Git } from './git.ts'
import { resumeWorkspace } from './resume-workspace.ts'
import { targetTip } from './target-branch.ts'
import { taskIdsOnDisk } from './task-ids-on-disk.ts'
import { taskBranch, taskWorktreePath, type Workspace } from './task-workspace.ts'
import type { WorktreeLayers } from './worktree-layers.ts'
import { prepareWorktree, type SetupRunner, type WorkspacePreparation } from './workspace-preparation.ts'
import { createWorktreeAdministration, registeredWorktrees, retryingGitFailures } from './worktree-administration.ts'

export { taskBranch, taskBranchPrefix, type Workspace } from './task-workspace.ts'
export type { WorktreeLayers } from './worktree-layers.ts'
export type { SetupRunner, WorkspacePreparation } from './workspace-preparation.ts'

export interface WorkspacesOptions {
  /** Git at the repository's main working tree (read-only use: Colony never changes that tree). */
  git: Git
  root: string
  worktreesDir: string
  target: string
  /** The git remote holding the target, when it is not local: worktrees start from its tip. */
  remote?: string | undefined
  preparation?: WorkspacePreparation
  runSetup?: SetupRunner
  /** When given, worktrees are overlays instead of full checkouts. */
  layers?: WorktreeLayers | undefined
  /** How many are made at once (the rest wait their turn); 128 per core unless told. */
  opensAtOnce?: number
}

/**
 * One git worktree per task under `.colony/worktrees/task-<id>`, on branch
 * `colony/task/<id>` from the target's tip. A worktree left by a crashed
 * attempt is resumed (its files kept) or, when asked for a fresh start,
 * removed and recreated; `sweep` removes the ones no task needs any more.
 * The repository's main working tree, index and HEAD are never touched.
 */
export function createWorkspaces(options: WorkspacesOptions) {
  const { git, root, worktreesDir, layers } = options

  const pathFor = (taskId: number) => taskWorktreePath(worktreesDir, taskId)
  const administer = createWorktreeAdministration()
  // An overlay touches only its own names in git's administration (no checkout, its own branch), so
  // hundreds are made and removed at once; full worktrees are made one at a time.
  const administerTask = <T>(work: () => Promise<T>) => (layers ? retryingGitFailures(work) : administer(work))
  // A burst of agents asking at once (a planner's 250 tasks claimed together) is made in turns, so that the first are
  // ready first. Many at a time: an open mostly waits (for its mount, made with the others asked meanwhile, behind the
  // gates' and landings' processes). bench/scale.ts, 1,000 agents on 50,000 files: ready p50/p99 3.6/14.6 s at 32 per
  // core, 1.3/3.8 s at 128, 2.1/4.9 s with no limit (all made late together).
  const openTurn = pLimit(options.opensAtOnce ?? availableParallelism() * 128)
  const prepare = (path: string) => prepareWorktree(path, { root, preparation: options.preparation, runSetup: options.runSetup })

  async function removeNow(taskId: number): Promise<void> {
    const path = pathFor(taskId)
    if (layers?.isOverlay(path)) {
      await layers.remove(path)
      await git.run(['branch', '-D', taskBranch(taskId)], { okExitCodes: [1] })
      return
    }
    const registered = await registeredWorktrees(git)
    if (registered.has(path)) {
      if (existsSync(path)) await git.run(['worktree', 'remove', '--force', '--force', path])
      else await git.run(['worktree', 'prune'])
    }
    if (existsSync(path)) await rm(path, { recursive: true, force: true })
    await git.run(['branch', '-D', taskBranch(taskId)], { okExitCodes: [1] })
  }

  /** Removes a task's worktree and branch (after it merged, or was cancelled). */
  function remove(taskId: number): Promise<void> {
    return administerTask(() => removeNow(taskId))
  }

  /**
   * The worktree for a task's attempt (opened a few at a time): a fresh one at the target's tip (or at
   * `at`, e.g. an approved change's commit), replacing whatever an earlier
   * attempt left. With `resume`, a worktree a crashed attempt left is kept
   * with its files and work goes on there (`resumed` says whether one was).
   */
  async function open(taskId: number, openOptions: { resume?: boolean; at?: string } = {}): Promise<Workspace> {
    const asked = performance.now()
    return openTurn(async () => {
      const waitedMs = performance.now() - asked
      return { ...(await openNow(taskId, openOptions)), waitedMs }
    })
  }

  async function openNow(taskId: number, openOptions: { resume?: boolean; at?: string }): Promise<Workspace> {
    const path = pathFor(taskId)
    if (openOptions.resume && existsSync(path)) {
      await layers?.remount(path)
      const resumed = await resumeWorkspace(git, options, taskId, path)
      if (resumed) return { ...resumed, overlay: layers?.isOverlay(path) ?? false, changedPaths: layers && (() => layers.changedPaths(path)) }
    }
    const tip = await targetTip(git, options)
    if (!tip) throw new WorkspaceLinkError(options.target, `the target branch ${options.target} does not exist (run \`colony init\`)`)
    const start = openOptions.at ?? tip
    await administerTask(async () => {
      // What an earlier attempt left (an overlay's branch is reset by `-B` anyway).
      if (!layers || existsSync(path) || layers.isOverlay(path)) await removeNow(taskId)
      mkdirSync(worktreesDir, { recursive: true })
      if (layers) await layers.add(path, { commit: start, branch: taskBranch(taskId) })
      else await git.run(['worktree', 'add', '--quiet', '-B', taskBranch(taskId), path, start])
    })
    try {
      await prepare(path)
    } catch (error) {
      await remove(taskId)
      throw error
    }
    return { taskId, path, branch: taskBranch(taskId), git: createGit(path), base: start, resumed: false, overlay: layers !== undefined, changedPaths: layers && (() => layers.changedPaths(path)) }
  }

  /**
   * Makes the shared checkout overlays start from at the target's tip, if
   * there is none (undefined for full worktrees): at a run's start, so that
   * the first workspaces need not wait for a checkout of the whole tree.
   */
  async function warm(): Promise<{ commit: string; made: boolean } | undefined> {
    if (!layers) return undefined
    const tip = await targetTip(git, options)
    return tip ? { commit: tip, made: await layers.warm(tip) } : undefined
  }

  /** Removes every task worktree and branch whose task `keep` does not claim; returns the task ids removed. */
  async function sweep(keep: (taskId: number) => boolean, sweepOptions: { final?: boolean } = {}): Promise<number[]> {
    // Mounted again first: prune would take an unmounted overlay worktree for one whose directory is gone.
    await layers?.remountAll(worktreesDir)
    await administer(() => git.run(['worktree', 'prune']))
    const removed: number[] = []
    for (const taskId of await taskIdsOnDisk(git, worktreesDir)) {
      if (Number.isNaN(taskId) || keep(taskId)) continue
      await remove(taskId)
      removed.push(taskId)
    }
    await layers?.sweep(sweepOptions)
    return removed
  }

  const { openDetached, removeDetached } = createDetachedWorktrees({ git, worktreesDir, administer, prepare, layers })
  return { open, warm, remove, sweep, pathFor, openDetached, removeDetached }
}

export type Workspaces = ReturnType<typeof createWorkspaces>
