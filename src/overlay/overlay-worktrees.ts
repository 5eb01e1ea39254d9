import { existsSync, linkSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { readdir, readFile, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { createGit, type Git } from '../git/index.ts'
import { createOverlayBases, forgetWorktree, type Base } from './bases.ts'
import { OverlayMountError } from './errors.ts'
import { layerChanges } from './layer-changes.ts'
import { isMounted, mountOverlay, unmountOverlay } from './mounts.ts'
import { mountedElsewhere, ownerAlive, ownerFile } from './workspace-via.ts'
import { prepareDetach, releaseDetach } from './workspace-detach.ts'
import { registerWorktree } from './worktree-registration.ts'

export interface OverlayWorktreesOptions {
  git: Git
  /** `.colony`: bases and layers live under it, beside the worktrees' mount points. */
  colonyDir: string
}

/** Where a git worktree starts: on a branch (made or reset there) or detached. */
export interface WorktreeStart {
  commit: string
  branch?: string
}

/**
 * Git worktrees whose files are an overlay: the target's tree checked out
 * once (a base, shared read-only by every workspace on it) under a writable
 * layer that holds only what this workspace changes. Git sees an ordinary
 * worktree (registered with its branch as `git worktree add --no-checkout`
 * would, see registerWorktree; its `.git` pointer lives in the layer; its index starts as a hard link to the
 * base's, which git replaces, never rewrites, when it writes one), so staging,
 * committing, rebasing, the gate and bubblewrap work on it unchanged. Only a
 * process in Colony's namespace sees the files (see enterWorkspaceNamespace).
 */
export function createOverlayWorktrees({ git, colonyDir }: OverlayWorktreesOptions) {
  const layersDir = join(colonyDir, 'layers')
  const bases = createOverlayBases(git, join(colonyDir, 'bases'))
  const layerOf = (path: string) => join(layersDir, basename(path))

  /** Directories workspaces were mounted in, bound onto themselves for commands to detach (see prepareDetach). */
  const mountedIn = new Set<string>()

  async function mount(path: string, base: Base): Promise<void> {
    const layer = layerOf(path)
    mountedIn.add(dirname(path))
    await prepareDetach(dirname(path), join(colonyDir, 'sandbox-hold'))
    mkdirSync(path, { recursive: true })
    await mountOverlay({ lower: base.tree, upper: join(layer, 'upper'), work: join(layer, 'work') }, path)
  }

  /** Registers a worktree at `path` and mounts its overlay; like `git worktree add` (run it under the worktree administration). */
  async function add(path: string, start: WorktreeStart): Promise<void> {
    try {
      await addOnce(path, start)
    } catch (error) {
      // Nothing half made stays behind for the next attempt to trip over.
      await remove(path).catch(() => undefined)
      throw error
    }
  }

  /**
   * The layer's few small files are written synchronously: each awaited write
   * is three trips through libuv's thread pool, and a thousand workspaces asked
   * at once spent seconds of system time waking its threads.
   */
  async function addOnce(path: string, start: WorktreeStart): Promise<void> {
    const base = await bases.baseFor(start.commit)
    const layer = layerOf(path)
    // What an earlier attempt left may be large (an agent's installed dependencies): removed without holding up the event loop.
    if (existsSync(layer)) await rm(layer, { recursive: true, force: true })
    mkdirSync(join(layer, 'upper'), { recursive: true })
    mkdirSync(join(layer, 'work'))
    // The owner first: a layer whose owner is gone and that git never registered is debris sweep removes.
    writeFileSync(ownerFile(colonyDir, path), `${process.pid}\n`)
    writeFileSync(join(layer, 'base'), `${base.commit}\n`)
    // Locked: a `git worktree prune` run outside Colony's namespace sees an empty directory and would forget a live worktree.
    const administration = await registerWorktree(git, { path, pointerAt: join(layer, 'upper'), commit: start.commit, branch: start.branch })
    for (const file of base.indexFiles) linkSync(file, join(administration, basename(file)))
    await mount(path, base)
    // The worktree's HEAD is `start`; its files and index are the base's until moved there (only what differs is written).
    if (base.commit !== start.commit) await createGit(path).run(['read-tree', '-m', '-u', base.commit, start.commit])
  }

  /** Makes the base of `commit` now, unless it is ready: the first workspaces of a run need not wait for a checkout. */
  async function warm(commit: string): Promise<boolean> {
    if (bases.isReady(commit)) return false
    await bases.exactBase(commit)
    return true
  }

  /** Mounts again the layer a stopped Colony left (its mounts went with its namespace); false when there is none to resume. */
  async function remount(path: string): Promise<boolean> {
    if (isMounted(path)) return true
    const layer = layerOf(path)
    if (!existsSync(join(layer, 'upper', '.git')) || !existsSync(join(layer, 'base'))) return false
    // Another live Colony (a `colony worker`) has it mounted in its own namespace: one upper directory in two mounts corrupts both.
    if (mountedElsewhere(colonyDir, path)) throw new OverlayMountError(path, 'another running Colony process has it mounted')
    const commit = readFileSync(join(layer, 'base'), 'utf8').trim()
    writeFileSync(ownerFile(colonyDir, path), `${process.pid}\n`)
    await mount(path, await bases.exactBase(commit))
    return true
  }

  /** Unmounts and removes a worktree made by `add` with its layer and git's record of it; like `git worktree remove --force`. */
  async function remove(path: string): Promise<void> {
    if (isMounted(path)) await unmountOverlay(path)
    const layer = layerOf(path)
    // The pointer is in the layer, or still in the directory when an add stopped before moving it.
    const pointerAt = [join(layer, 'upper'), path].find((directory) => existsSync(join(directory, '.git')))
    if (pointerAt) await forgetWorktree(git, pointerAt)
    await rm(layer, { recursive: true, force: true })
    await rm(path, { recursive: true, force: true })
  }

  /** Where the worker can have changed the overlay worktree at `path` (see layerChanges); undefined when git should look everywhere. */
  async function changedPaths(path: string): Promise<string[] | undefined> {
    const layer = layerOf(path)
    const commit = existsSync(join(layer, 'base')) ? readFileSync(join(layer, 'base'), 'utf8').trim() : ''
    if (!commit || !isMounted(path)) return undefined
    return layerChanges({ upper: join(layer, 'upper'), lower: bases.treeOf(commit), merged: path })
  }

  /** Whether `path` is (or was, before a restart) an overlay worktree. */
  function isOverlay(path: string): boolean {
    return isMounted(path) || existsSync(join(layerOf(path), 'upper', '.git'))
  }

  /** Mounts again every layer a stopped Colony left, so that git sees those worktrees whole. */
  async function remountAll(worktreesDir: string): Promise<void> {
    if (!existsSync(layersDir)) return
    for (const name of await readdir(layersDir)) {
      const path = join(worktreesDir, name)
      if (!mountedElsewhere(colonyDir, path)) await remount(path)
    }
  }

  /** Removes bases no layer uses; at the end (`final`), the worktrees directories' own mounts too. */
  async function sweep({ final = false }: { final?: boolean } = {}): Promise<void> {
    const inUse = new Set<string>()
    if (existsSync(layersDir)) {
      for (const name of await readdir(layersDir)) {
        const layer = join(layersDir, name)
        // An add that stopped (a crash) before git registered the worktree left only this directory.
        if (!existsSync(join(layer, 'upper', '.git')) && !ownerAlive(join(layer, 'owner'))) {
          await rm(layer, { recursive: true, force: true })
          continue
        }
        const commit = await readFile(join(layer, 'base'), 'utf8').catch(() => undefined)
        if (commit) inUse.add(commit.trim())
      }
    }
    await bases.removeUnused(inUse, final ? { keepNewest: false, graceMs: 0 } : {})
    if (final) for (const directory of mountedIn) await releaseDetach(directory)
  }

  return { add, warm, remount, remountAll, remove, isOverlay, changedPaths, sweep }
}

export type OverlayWorktrees = ReturnType<typeof createOverlayWorktrees>
