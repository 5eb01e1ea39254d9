import { existsSync, statSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'

/** More paths than this and git's own look over the whole worktree is as cheap: the caller scans everything instead. */
const mostPaths = 1_000

/**
 * Where a worker can have changed its overlay worktree, as paths relative to
 * it: every file, symlink and whiteout (a deletion) in its layer, and each
 * directory of the layer that the shared tree lacks or whose entries the
 * merged view no longer all shows (an opaque directory: deleted and made
 * again). Git then looks at these paths only, instead of at every file of
 * the repository: at 50,000 files, `ls-files --others --modified` over the
 * whole worktree is half a second of CPU per landing. Undefined when the
 * layer holds more than a thousand such paths.
 */
export async function layerChanges(layer: { upper: string; lower: string; merged: string }): Promise<string[] | undefined> {
  const paths: string[] = []
  async function walk(relative: string): Promise<boolean> {
    for (const entry of await readdir(join(layer.upper, relative), { withFileTypes: true })) {
      if (relative === '' && entry.name === '.git') continue
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`
      if (!entry.isDirectory() || !isDirectory(join(layer.lower, path)) || (await hidesLower(path))) paths.push(path)
      else if (!(await walk(path))) return false
      if (paths.length > mostPaths) return false
    }
    return true
  }
  /** An opaque directory: it hides an entry of the shared tree that no whiteout of its own deletes. */
  async function hidesLower(path: string): Promise<boolean> {
    const shown = new Set(await readdir(join(layer.merged, path)).catch(() => []))
    const inLayer = new Set(await readdir(join(layer.upper, path)))
    return (await readdir(join(layer.lower, path))).some((name) => !shown.has(name) && !inLayer.has(name))
  }
  return (await walk('')) ? paths : undefined
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory()
}
