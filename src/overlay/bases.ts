import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { isAbsolute, join, relative } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { commonDirOf, createGit, type Git } from '../git/index.ts'
import { runProcess } from '../spawner/index.ts'
import { processAlive } from './process-alive.ts'

/** One checkout of a target commit, shared read-only by every overlay workspace started from it. */
export interface Base {
  commit: string
  /** The files: an overlay's lower directory. */
  tree: string
  /** Its index files (the split index and its shared part), refreshed in the namespace: each workspace starts with hard links to them. */
  indexFiles: string[]
}

/** The least time between two base builds (five times the last build's length when that is longer). */
const minimumBuildIntervalMs = 30_000

/** How long a base no workspace uses is kept after a newer one is ready (another Colony process may be about to mount it). */
const unusedBaseGraceMs = 60_000

/**
 * The shared lower trees of overlay workspaces: `.colony/bases/<commit>`, each
 * a locked git worktree of its own (so that its index is a split index:
 * a small file over a `sharedindex.*` that every workspace hard-links, and a
 * workspace moved to another commit writes only the entries that differ).
 * A workspace asked for at a commit gets that commit's base when it is
 * ready; otherwise the newest ready base (the workspace then moves itself to
 * the commit, writing only the files that differ into its own layer) while
 * the commit's base is built in the background, one build at a time. A
 * checkout costs the repository (seconds and hundreds of MB at 50,000
 * files), so it is paid once per target commit at most, never per agent.
 */
export function createOverlayBases(git: Git, basesDir: string) {
  const builds = new Map<string, Promise<Base>>()
  let queue: Promise<unknown> = Promise.resolve()
  let lastBuild = { endedAt: 0, ms: 0 }

  const treeOf = (commit: string) => join(basesDir, commit)
  const readyMarker = (commit: string) => join(basesDir, `${commit}.ready`)
  const builderMarker = (commit: string) => join(basesDir, `${commit}.building`)
  const isReady = (commit: string) => existsSync(readyMarker(commit))

  /**
   * Ready bases by commit, with the time their ready marker was written. A base never changes once ready (no git
   * writes its index again), but another Colony process on the repository may remove it and build it again, with
   * index files of other names and a new marker.
   */
  const known = new Map<string, { base: Base; readyAt: number }>()

  /**
   * PERF: synchronous and listed once per build: every workspace made asks for its base, and in a
   * burst of a thousand an awaited directory listing each waited ~120 ms for libuv's thread pool.
   */
  function baseAt(commit: string): Base {
    const readyAt = statSync(readyMarker(commit)).mtimeMs
    const cached = known.get(commit)
    if (cached?.readyAt === readyAt) return cached.base
    const administration = administrationOf(treeOf(commit))
    const indexFiles = readdirSync(administration).filter((name) => name === 'index' || name.startsWith('sharedindex.')).map((name) => join(administration, name))
    const base = { commit, tree: treeOf(commit), indexFiles }
    known.set(commit, { base, readyAt })
    return base
  }

  async function build(commit: string): Promise<Base> {
    if (isReady(commit)) return baseAt(commit)
    const tree = treeOf(commit)
    const builder = await readFile(builderMarker(commit), 'utf8').catch(() => undefined)
    if (builder && Number(builder) !== process.pid && processAlive(Number(builder))) {
      // Another Colony process on this repository is building it.
      while (!isReady(commit) && processAlive(Number(builder))) await delay(200)
      if (isReady(commit)) return baseAt(commit)
    }
    const started = performance.now()
    await removeBase(commit)
    await mkdir(basesDir, { recursive: true })
    await writeFile(builderMarker(commit), `${process.pid}\n`)
    // Locked: a `git worktree prune` outside Colony's namespace must not take it for a worktree that is gone.
    await git.run(['worktree', 'add', '--no-checkout', '--lock', '--detach', '--quiet', tree, commit])
    const base = createGit(tree)
    await base.run(['read-tree', commit])
    await base.run(['checkout-index', '--all', '--force', '--quiet'])
    // Files written in the second the index is written are "racily clean" and would be re-read by every `git status`.
    await delay(1_100)
    // Stat data recorded here, in the namespace, is what every workspace's git compares with.
    await base.run(['update-index', '-q', '--refresh'], { okExitCodes: [1] })
    await base.run(['update-index', '--split-index'])
    await writeFile(readyMarker(commit), `${new Date().toISOString()}\n`)
    await rm(builderMarker(commit), { force: true })
    lastBuild = { endedAt: Date.now(), ms: performance.now() - started }
    return baseAt(commit)
  }

  function buildInTurn(commit: string): Promise<Base> {
    const known = builds.get(commit)
    if (known) return known
    const next = queue.then(() =>
      build(commit).catch(async (error: unknown) => {
        // A build that failed half way leaves no registered worktree and no marker naming this (live) process.
        await removeBase(commit).catch(() => undefined)
        throw error
      }),
    )
    builds.set(commit, next)
    queue = next.catch(() => undefined)
    void next.then(
      () => builds.delete(commit),
      () => builds.delete(commit),
    )
    return next
  }

  /** Ready bases, newest first. */
  function readyBases(): { commit: string; readyAt: number }[] {
    if (!existsSync(basesDir)) return []
    const found: { commit: string; readyAt: number }[] = []
    // Synchronously: asked by every workspace made, of a directory of a few entries.
    for (const name of readdirSync(basesDir)) {
      const match = /^([0-9a-f]{40,64})\.ready$/.exec(name)
      if (match) found.push({ commit: match[1]!, readyAt: statSync(join(basesDir, name)).mtimeMs })
    }
    return found.sort((a, b) => b.readyAt - a.readyAt)
  }

  /**
   * The base to start a workspace at `commit` from: that commit's own when it
   * is ready, else the newest (the workspace moves itself to `commit`). A
   * base for `commit` is built meanwhile, unless one is being built or the
   * last one finished less than a minimum interval ago: a checkout of a
   * large repository for every landing would keep the disk busy, while
   * moving a workspace over a few landings' changes costs only those files.
   */
  async function baseFor(commit: string): Promise<Base> {
    if (isReady(commit)) return baseAt(commit)
    const newest = readyBases()[0]
    if (!newest) return buildInTurn(commit)
    if (builds.size === 0 && Date.now() - lastBuild.endedAt >= Math.max(minimumBuildIntervalMs, 5 * lastBuild.ms)) buildInTurn(commit).catch(() => undefined)
    return baseAt(newest.commit)
  }

  /** The base a stopped workspace was mounted on, made again if it is gone (resuming needs the very same lower tree). */
  function exactBase(commit: string): Promise<Base> {
    return isReady(commit) ? Promise.resolve(baseAt(commit)) : buildInTurn(commit)
  }

  async function removeBase(commit: string): Promise<void> {
    known.delete(commit)
    const tree = treeOf(commit)
    if (existsSync(join(tree, '.git'))) await forgetWorktree(git, tree)
    await rm(readyMarker(commit), { force: true })
    // PERF: by `rm` through the spawn helper: removing a checkout of 50,000 files here took seconds of Colony's event loop.
    const removed = await runProcess({ file: 'rm', args: ['-rf', '--', tree], cwd: '/', env: process.env }).catch(() => undefined)
    if (removed?.exitCode !== 0) await rm(tree, { recursive: true, force: true })
    await rm(builderMarker(commit), { force: true })
  }

  /** Removes the bases no workspace uses (`inUse`: their commits), except (unless told) the newest and any made ready within the last minute. */
  async function removeUnused(inUse: ReadonlySet<string>, { keepNewest = true, graceMs = unusedBaseGraceMs } = {}): Promise<string[]> {
    // At a run's end a build started for a later landing may still be writing its base.
    if (!keepNewest) await Promise.allSettled([...builds.values()])
    const older = readyBases().slice(keepNewest ? 1 : 0)
    const removed: string[] = []
    for (const base of older) {
      if (inUse.has(base.commit) || builds.has(base.commit) || Date.now() - base.readyAt < graceMs) continue
      await removeBase(base.commit)
      removed.push(base.commit)
    }
    if (existsSync(basesDir)) {
      // A build a crashed Colony left half done.
      for (const name of await readdir(basesDir)) {
        const match = /^([0-9a-f]{40,64})\.building$/.exec(name)
        if (!match || builds.has(match[1]!)) continue
        const builder = Number((await readFile(join(basesDir, name), 'utf8').catch(() => '')).trim())
        if (!processAlive(builder)) await removeBase(match[1]!)
      }
    }
    return removed
  }

  return { baseFor, exactBase, isReady, removeUnused, treeOf }
}

/** A worktree's directory under `.git/worktrees`, from the `.git` pointer at its root. */
export function administrationOf(tree: string): string {
  const pointer = readFileSync(join(tree, '.git'), 'utf8')
  const match = /^gitdir: (.+)$/m.exec(pointer)
  if (!match) throw new Error(`${join(tree, '.git')} is not a git worktree pointer`)
  return match[1]!.trim()
}

/**
 * Removes git's record of the worktree whose `.git` pointer is in `directory`:
 * its directory under .git/worktrees, and never anything else, which is what
 * `git worktree prune` does for a worktree that is gone.
 */
export async function forgetWorktree(git: Git, directory: string): Promise<void> {
  const administration = administrationOf(directory)
  const inside = relative(join(await commonDirOf(git), 'worktrees'), administration)
  // Synchronously: a few small files (an index the largest), asked for by every workspace removed.
  if (inside && !inside.startsWith('..') && !isAbsolute(inside)) rmSync(administration, { recursive: true, force: true })
}

export type OverlayBases = ReturnType<typeof createOverlayBases>
