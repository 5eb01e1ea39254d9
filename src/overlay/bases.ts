import { existsSync } from 'node:fs'
import { mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises'
import { join } from 'node:path'
import type { Git } from '../git/index.ts'

/** One checkout of a target commit, shared read-only by every overlay workspace started from it. */
export interface Base {
  commit: string
  /** The files: an overlay's lower directory. */
  tree: string
  /** Its index, refreshed in the namespace: each workspace starts with a hard link to it. */
  index: string
}

/** How long a base no workspace uses is kept after a newer one is ready (another Colony process may be about to mount it). */
const unusedBaseGraceMs = 60_000

/**
 * The shared lower trees of overlay workspaces, under `.colony/bases/<commit>`.
 * A workspace asked for at a commit gets that commit's base when it is ready;
 * otherwise the newest ready base (the workspace then moves itself to the
 * commit, writing only the files that differ into its own layer) while the
 * commit's base is built in the background, one build at a time. A checkout
 * costs the repository (seconds and hundreds of MB at 50,000 files), so it is
 * paid once per target commit at most, never per agent.
 */
export function createOverlayBases(git: Git, basesDir: string) {
  const builds = new Map<string, Promise<Base>>()
  let queue: Promise<unknown> = Promise.resolve()

  const baseAt = (commit: string): Base => {
    const directory = join(basesDir, commit)
    return { commit, tree: join(directory, 'tree'), index: join(directory, 'index') }
  }
  const isReady = (commit: string) => existsSync(join(basesDir, commit, 'ready'))

  async function build(commit: string): Promise<Base> {
    const final = baseAt(commit)
    if (isReady(commit)) return final
    const directory = join(basesDir, `.build-${commit}-${process.pid}`)
    await rm(directory, { recursive: true, force: true })
    await mkdir(join(directory, 'tree'), { recursive: true })
    const env = { GIT_INDEX_FILE: join(directory, 'index') }
    await git.run(['read-tree', commit], { env })
    await git.run(['--work-tree', join(directory, 'tree'), 'checkout-index', '--all', '--force', '--quiet'], { env })
    // Stat data recorded here, in the namespace, is what every workspace's git compares with: without it each `git status` re-reads files.
    await git.run(['--work-tree', join(directory, 'tree'), 'update-index', '-q', '--refresh'], { env, okExitCodes: [1] })
    await mkdir(join(directory, 'ready'))
    try {
      await rename(directory, join(basesDir, commit))
    } catch (error) {
      // Another Colony process built the same commit first: its base is as good.
      if (!isReady(commit)) throw error
      await rm(directory, { recursive: true, force: true })
    }
    const now = new Date()
    await utimes(join(basesDir, commit), now, now)
    return final
  }

  function buildInTurn(commit: string): Promise<Base> {
    const known = builds.get(commit)
    if (known) return known
    const next = queue.then(() => build(commit))
    builds.set(commit, next)
    queue = next.catch(() => undefined)
    void next.then(
      () => builds.delete(commit),
      () => builds.delete(commit),
    )
    return next
  }

  /** Ready bases, newest first. */
  async function readyBases(): Promise<{ commit: string; readyAt: number }[]> {
    if (!existsSync(basesDir)) return []
    const found: { commit: string; readyAt: number }[] = []
    for (const name of await readdir(basesDir)) {
      if (!/^[0-9a-f]{40,64}$/.test(name) || !isReady(name)) continue
      found.push({ commit: name, readyAt: (await stat(join(basesDir, name))).mtimeMs })
    }
    return found.sort((a, b) => b.readyAt - a.readyAt)
  }

  /** The base to start a workspace at `commit` from: that commit's own, or the newest while it is built. */
  async function baseFor(commit: string): Promise<Base> {
    if (isReady(commit)) return baseAt(commit)
    const building = buildInTurn(commit)
    const newest = (await readyBases())[0]
    return newest ? baseAt(newest.commit) : building
  }

  /** The base a stopped workspace was mounted on, made again if it is gone (resuming needs the very same lower tree). */
  function exactBase(commit: string): Promise<Base> {
    return isReady(commit) ? Promise.resolve(baseAt(commit)) : buildInTurn(commit)
  }

  /** Removes the bases no workspace uses (`inUse`: their commits), except (unless told) the newest and any made ready within the last minute. */
  async function removeUnused(inUse: ReadonlySet<string>, { keepNewest = true, graceMs = unusedBaseGraceMs } = {}): Promise<string[]> {
    const older = (await readyBases()).slice(keepNewest ? 1 : 0)
    const removed: string[] = []
    for (const base of older) {
      if (inUse.has(base.commit) || builds.has(base.commit) || Date.now() - base.readyAt < graceMs) continue
      await rm(join(basesDir, base.commit), { recursive: true, force: true })
      removed.push(base.commit)
    }
    if (existsSync(basesDir)) {
      // A build a crashed Colony left half done.
      for (const name of await readdir(basesDir)) {
        const match = /^\.build-[0-9a-f]+-(\d+)$/.exec(name)
        if (match && !processAlive(Number(match[1]))) await rm(join(basesDir, name), { recursive: true, force: true })
      }
    }
    return removed
  }

  return { baseFor, exactBase, removeUnused }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export type OverlayBases = ReturnType<typeof createOverlayBases>
