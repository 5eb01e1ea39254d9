import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { runProcess } from '../spawner/index.ts'
import { isMounted, mountedAtOrUnder, mountedOverlayCount, overlayMountedUnder } from './mounts.ts'

/**
 * How a sandboxed command in one overlay workspace leaves every other
 * workspace's mount behind: in a mount namespace of its own it binds its
 * workspace to `hold`, then detaches `mountPoint` (the directory all
 * workspaces are mounted in, bound onto itself so that one lazy unmount takes
 * them all), and bubblewrap binds `hold` back at the workspace's path.
 */
export interface WorkspaceDetach {
  mountPoint: string
  hold: string
}

/**
 * From how many mounted workspaces on a command detaches them. PERF: bwrap
 * reads the whole mount table after each of its mounts; with a thousand
 * workspaces mounted a sandboxed command took 130–165 ms to start against 12–21 ms
 * with five, while detaching costs three small processes (about 10 ms).
 */
export const detachFrom = 64

/** Workspace directories bound onto themselves in this namespace, with the empty directory their commands hold their workspace at. */
const holds = new Map<string, string>()
const binding = new Map<string, Promise<void>>()

/**
 * Makes `worktreesDir` a mount point of its own (bound onto itself) before the
 * first workspace is mounted in it, so that a command can detach them all at
 * once; left as it is when something is mounted there already (a command then
 * starts with every mount, as before). Once per directory per process.
 */
export function prepareDetach(worktreesDir: string, hold: string): Promise<void> {
  let prepared = binding.get(worktreesDir)
  if (!prepared) {
    prepared = (async () => {
      if (mountedAtOrUnder(worktreesDir)) return
      mkdirSync(worktreesDir, { recursive: true })
      mkdirSync(hold, { recursive: true })
      const bound = await runProcess({ file: 'mount', args: ['--bind', worktreesDir, worktreesDir], cwd: '/', env: process.env })
      if (bound.exitCode === 0) holds.set(worktreesDir, hold)
    })().catch(() => undefined)
    binding.set(worktreesDir, prepared)
  }
  return prepared
}

/**
 * Unbinds `worktreesDir` when no workspace is mounted in it any more (at the
 * end of a run: its own mount point would keep anyone in this namespace from
 * removing the directory); a workspace made later binds it again.
 */
export async function releaseDetach(worktreesDir: string): Promise<void> {
  if (!holds.has(worktreesDir) || overlayMountedUnder(worktreesDir)) return
  const unbound = await runProcess({ file: 'umount', args: [worktreesDir], cwd: '/', env: process.env }).catch(() => undefined)
  if (unbound?.exitCode !== 0) return
  holds.delete(worktreesDir)
  binding.delete(worktreesDir)
}

/** How a command in the workspace at `path` detaches the others, when it is an overlay and enough are mounted for that to pay. */
export function workspaceDetach(path: string): WorkspaceDetach | undefined {
  const mountPoint = dirname(path)
  const hold = holds.get(mountPoint)
  if (!hold || mountedOverlayCount() < detachFrom || !isMounted(path)) return undefined
  return { mountPoint, hold }
}

/** The command that runs `argv` detached as `detach` says, the workspace at `path` held for it. */
export function detachedCommand(detach: WorkspaceDetach, path: string, argv: readonly string[]): string[] {
  // -n: no /etc/mtab or utab to write; -c: the paths are Colony's own, already canonical.
  const script = 'mount -n -c --bind -- "$1" "$2" && umount -n -c --lazy -- "$3" && shift 3 && exec "$@"'
  return ['unshare', '--mount', '--propagation', 'private', '--', 'bash', '-c', script, 'colony-detach', path, detach.hold, detach.mountPoint, ...argv]
}
