import { existsSync } from 'node:fs'
import { mkdir, readdir, realpath, stat, symlink } from 'node:fs/promises'
import { isAbsolute, join, relative } from 'node:path'

/**
 * Entries of a linked directory that tools create and write as caches: vitest
 * 1.x's `node_modules/.vitest`, `node_modules/.cache` (babel-loader, eslint,
 * webpack, terser, nx, turbo), Vite's `.vite` and `.vite-temp`, Parcel's,
 * Turborepo's, Nx's, Angular's and Astro's caches, ESLint's `.eslintcache`.
 * They are never linked: a workspace that writes one creates its own, and the
 * shared copy never changes.
 */
export const workspaceCacheEntries: readonly string[] = ['.cache', '.vite', '.vite-temp', '.vitest', '.eslintcache', '.parcel-cache', '.turbo', '.nx', '.angular', '.astro']

export interface LinkFarmPlaces {
  /** The real path of the person's checkout. */
  repositoryRoot: string
  worktree: string
  /** Real paths of everything workspace.link names: entries leading into them stay shared. */
  linkedRealPaths: readonly string[]
}

function isInside(root: string, candidate: string): boolean {
  const path = relative(root, candidate)
  return path === '' || (!path.startsWith('..') && !isAbsolute(path))
}

/** Where a farm entry for `entry` (inside `directory`) leads; undefined for a link that dangles already. */
async function destinationOf(entry: string, directory: string, places: LinkFarmPlaces): Promise<string | undefined> {
  let target: string
  try {
    target = await realpath(entry)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  if (isInside(directory, target) || !isInside(places.repositoryRoot, target) || places.linkedRealPaths.some((path) => isInside(path, target))) return target
  // A workspace package (`node_modules/@org/lib -> ../../packages/lib`): the task's own copy, which it may be changing.
  const own = join(places.worktree, relative(places.repositoryRoot, target))
  return existsSync(own) ? own : target
}

/**
 * Puts `source` (a linked path in the person's checkout) at `destination` in
 * a worktree. A file becomes a symlink to its real location. A directory
 * becomes a real directory whose entries are symlinks to the real location of
 * the source's entries (a shallow link farm; npm scopes such as `@types` are
 * farmed one level deeper), leaving out workspaceCacheEntries: Node resolves
 * modules by real path, so dependencies still load from the shared copy, while
 * a tool writing its cache creates it inside the workspace. An entry leading
 * back into the repository leads to the worktree's own copy of that path.
 * Following links to their real location here means nothing in the worktree
 * leads through the repository, which the sandbox hides.
 */
export async function linkIntoWorktree(source: string, destination: string, places: LinkFarmPlaces): Promise<void> {
  const real = await realpath(source)
  if (!(await stat(real)).isDirectory()) {
    await symlink(real, destination)
    return
  }
  await mkdir(destination)
  for (const entry of await readdir(real, { withFileTypes: true })) {
    if (workspaceCacheEntries.includes(entry.name)) continue
    const entrySource = join(real, entry.name)
    if (entry.name.startsWith('@') && entry.isDirectory()) {
      await linkIntoWorktree(entrySource, join(destination, entry.name), places)
      continue
    }
    const target = await destinationOf(entrySource, real, places)
    if (target) await symlink(target, join(destination, entry.name))
  }
}
