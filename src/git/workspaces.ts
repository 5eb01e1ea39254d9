import { existsSync } from 'node:fs'
import { cp, lstat, mkdir, readdir, realpath, rm } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { GitError, WorkspaceLinkError, WorkspaceSetupError } from './errors.ts'
import { branchRef, createGit, type Git } from './git.ts'
import { linkIntoWorktree } from './link-farm.ts'
import { resolveLinkedPaths } from './linked-paths.ts'
import { targetTip } from './target-branch.ts'

/** What prepares each new worktree (colony.json `workspace`). */
export interface WorkspacePreparation {
  link: string[]
  copy: string[]
  setup: string[]
}

export type SetupRunner = (command: string, cwd: string) => Promise<{ ok: boolean; output: string }>

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
}

export interface Workspace {
  taskId: number
  path: string
  branch: string
  git: Git
  /** The target commit the branch started from (or was last rebased onto). */
  base: string
  /** An earlier attempt's worktree was picked up with its files, instead of a fresh one. */
  resumed: boolean
}

export const taskBranchPrefix = 'colony/task/'

export function taskBranch(taskId: number): string {
  return `${taskBranchPrefix}${taskId}`
}

/**
 * One git worktree per task under `.colony/worktrees/task-<id>`, on branch
 * `colony/task/<id>` from the target's tip. A worktree left by a crashed
 * attempt is resumed (its files kept) or, when asked for a fresh start,
 * removed and recreated; `sweep` removes the ones no task needs any more.
 * The repository's main working tree, index and HEAD are never touched.
 */
export function createWorkspaces(options: WorkspacesOptions) {
  const { git, root, worktreesDir } = options

  const pathFor = (taskId: number) => join(worktreesDir, `task-${taskId}`)

  // git's worktree administration (add, remove, prune) is not safe to run concurrently
  // on one repository, so this process runs it one at a time, and retries a failure
  // caused by another process doing the same.
  let administration: Promise<unknown> = Promise.resolve()
  function administer<T>(work: () => Promise<T>): Promise<T> {
    const next = administration.then(async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await work()
        } catch (error) {
          if (attempt >= 4 || !(error instanceof GitError)) throw error
          await delay(50 * attempt + Math.random() * 50)
        }
      }
    })
    // The queue only orders worktree administration; the caller receives the failure from `next`.
    administration = next.catch(() => undefined)
    return next
  }

  async function registeredWorktrees(): Promise<Map<string, string | undefined>> {
    const lines = await git.lines(['worktree', 'list', '--porcelain'])
    const worktrees = new Map<string, string | undefined>()
    let current: string | undefined
    for (const line of lines) {
      if (line.startsWith('worktree ')) {
        current = line.slice('worktree '.length)
        worktrees.set(current, undefined)
      } else if (line.startsWith('branch ') && current) {
        worktrees.set(current, line.slice('branch '.length))
      }
    }
    return worktrees
  }

  async function removeNow(taskId: number): Promise<void> {
    const path = pathFor(taskId)
    const registered = await registeredWorktrees()
    if (registered.has(path)) {
      if (existsSync(path)) await git.run(['worktree', 'remove', '--force', '--force', path])
      else await git.run(['worktree', 'prune'])
    }
    if (existsSync(path)) await rm(path, { recursive: true, force: true })
    await git.run(['branch', '-D', taskBranch(taskId)], { okExitCodes: [1] })
  }

  /** Removes a task's worktree and branch (after it merged, or was cancelled). */
  function remove(taskId: number): Promise<void> {
    return administer(() => removeNow(taskId))
  }

  async function prepare(path: string): Promise<void> {
    const preparation = options.preparation ?? { link: [], copy: [], setup: [] }
    const linked = resolveLinkedPaths(root, preparation.link)
    const places = { repositoryRoot: await realpath(root), worktree: path, linkedRealPaths: await Promise.all(linked.map((entry) => realpath(join(root, entry)))) }
    for (const relativePath of linked) {
      const destination = join(path, relativePath)
      if (existsSync(destination)) continue
      await mkdir(dirname(destination), { recursive: true })
      await linkIntoWorktree(join(root, relativePath), destination, places)
    }
    for (const relativePath of resolveLinkedPaths(root, preparation.copy)) {
      await cp(join(root, relativePath), join(path, relativePath), { recursive: true, force: true })
    }
    for (const command of preparation.setup) {
      if (!options.runSetup) throw new WorkspaceSetupError(command, 'no command runner was given to run workspace setup')
      const result = await options.runSetup(command, path)
      if (!result.ok) throw new WorkspaceSetupError(command, result.output)
    }
  }

  async function resume(taskId: number, path: string): Promise<Workspace | undefined> {
    const registered = await registeredWorktrees()
    if (registered.get(path) !== branchRef(taskBranch(taskId))) return undefined
    const workspaceGit = createGit(path)
    const rebasing = existsSync(await workspaceGit.text(['rev-parse', '--path-format=absolute', '--git-path', 'rebase-merge']))
    if (rebasing) await workspaceGit.run(['rebase', '--abort'])
    const tip = await targetTip(git, options)
    const base = tip ? await workspaceGit.text(['merge-base', 'HEAD', tip]) : await workspaceGit.text(['rev-parse', 'HEAD'])
    return { taskId, path, branch: taskBranch(taskId), git: workspaceGit, base, resumed: true }
  }

  /**
   * The worktree for a task's attempt: a fresh one at the target's tip (or at
   * `at`, e.g. an approved change's commit), replacing whatever an earlier
   * attempt left. With `resume`, a worktree a crashed attempt left is kept
   * with its files and work goes on there (`resumed` says whether one was).
   */
  async function open(taskId: number, openOptions: { resume?: boolean; at?: string } = {}): Promise<Workspace> {
    const path = pathFor(taskId)
    if (openOptions.resume && existsSync(path)) {
      const resumed = await resume(taskId, path)
      if (resumed) return resumed
    }
    const tip = await targetTip(git, options)
    if (!tip) throw new WorkspaceLinkError(options.target, `the target branch ${options.target} does not exist (run \`colony init\`)`)
    const start = openOptions.at ?? tip
    await administer(async () => {
      await removeNow(taskId)
      await mkdir(worktreesDir, { recursive: true })
      await git.run(['worktree', 'add', '--quiet', '-B', taskBranch(taskId), path, start])
    })
    try {
      await prepare(path)
    } catch (error) {
      await remove(taskId)
      throw error
    }
    return { taskId, path, branch: taskBranch(taskId), git: createGit(path), base: start, resumed: false }
  }

  /**
   * A worktree Colony keeps for its own work on the target (the deep gate,
   * reverts), detached at `commit` and prepared like a task's. Reused between calls.
   */
  async function openDetached(name: string, commit: string): Promise<Git> {
    const path = join(worktreesDir, name)
    const registered = await registeredWorktrees()
    if (registered.has(path) && existsSync(path)) {
      const scratch = createGit(path)
      await scratch.run(['checkout', '--quiet', '--detach', '--force', commit])
      await scratch.run(['clean', '--quiet', '-fd'])
      return scratch
    }
    await administer(async () => {
      if (registered.has(path)) await git.run(['worktree', 'prune'])
      if (existsSync(path)) await rm(path, { recursive: true, force: true })
      await mkdir(worktreesDir, { recursive: true })
      await git.run(['worktree', 'add', '--quiet', '--detach', path, commit])
    })
    await prepare(path)
    return createGit(path)
  }

  /** Removes a worktree made by `openDetached`. */
  function removeDetached(name: string): Promise<void> {
    const path = join(worktreesDir, name)
    return administer(async () => {
      if (existsSync(path)) await git.run(['worktree', 'remove', '--force', '--force', path], { okExitCodes: [128] })
      if (existsSync(path)) await rm(path, { recursive: true, force: true })
      await git.run(['worktree', 'prune'])
    })
  }

  /** Removes every task worktree and branch whose task `keep` does not claim; returns the task ids removed. */
  async function sweep(keep: (taskId: number) => boolean): Promise<number[]> {
    await administer(() => git.run(['worktree', 'prune']))
    const found = new Set<number>()
    for (const path of (await registeredWorktrees()).keys()) {
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
    const removed: number[] = []
    for (const taskId of [...found].sort((a, b) => a - b)) {
      if (Number.isNaN(taskId) || keep(taskId)) continue
      await remove(taskId)
      removed.push(taskId)
    }
    return removed
  }

  return { open, remove, sweep, pathFor, openDetached, removeDetached }
}

export type Workspaces = ReturnType<typeof createWorkspaces>
