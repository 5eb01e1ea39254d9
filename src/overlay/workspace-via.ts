import { existsSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { OverlayNotMountedError } from './errors.ts'
import { processAlive } from './process-alive.ts'

/** The file in a workspace's layer naming the Colony process whose namespace mounts it. */
export function ownerFile(colonyDir: string, path: string): string {
  return join(colonyDir, 'layers', basename(path), 'owner')
}

/** The pid an owner file names, when that process still runs (this one included). */
function livingOwner(owner: string): number | undefined {
  const pid = Number(existsSync(owner) ? readFileSync(owner, 'utf8').trim() : '')
  return processAlive(pid) ? pid : undefined
}

/** Whether the Colony process an owner file names is alive (this one included). */
export function ownerAlive(owner: string): boolean {
  return livingOwner(owner) !== undefined
}

/** Whether a live Colony process other than this one mounts the overlay at `path` (in its own namespace). */
export function mountedElsewhere(colonyDir: string, path: string): boolean {
  const pid = livingOwner(ownerFile(colonyDir, path))
  return pid !== undefined && pid !== process.pid
}

/**
 * How to reach a workspace from a process outside the namespace that mounts
 * it (`colony diff` and the dashboard, started by a person): undefined when
 * this process sees it already (a git worktree, or an overlay it mounted);
 * else `nsenter` into its owner's user and mount namespaces, which the same
 * user may join without privilege. An overlay whose owner has ended is
 * mounted nowhere: its files wait in the layer for the run to resume.
 */
export function workspaceVia(colonyDir: string, path: string): readonly string[] | undefined {
  if (existsSync(join(path, '.git'))) return undefined
  const owner = ownerFile(colonyDir, path)
  if (!existsSync(owner)) return undefined
  const pid = livingOwner(owner)
  if (pid === undefined) throw new OverlayNotMountedError(path)
  return ['nsenter', `--target=${pid}`, '--user', '--mount', '--']
}
