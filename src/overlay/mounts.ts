import { readFileSync } from 'node:fs'
import { setTimeout as delay } from 'node:timers/promises'
import { runProcess } from '../spawner/index.ts'
import { OverlayMountError } from './errors.ts'

/** Runs a mount command through Colony's spawn helper; rejects with its stderr when it fails. */
async function run(file: string, args: string[]): Promise<void> {
  const result = await runProcess({ file, args, cwd: '/', env: process.env })
  if (result.exitCode !== 0) throw Object.assign(new Error(`${file} exited ${result.exitCode}`), { stderr: result.stderr })
}

export interface OverlayLayers {
  /** The shared, read-only tree. */
  lower: string
  /** This workspace's changes. */
  upper: string
  /** overlayfs's scratch directory, on the upper's file system. */
  work: string
}

/**
 * Mount options for an overlay made without privilege: `userxattr` keeps
 * overlay's own marks in `user.*` attributes, which a user namespace may
 * write (without it deleting a directory of the lower tree fails with EIO).
 */
export function overlayOptions({ lower, upper, work }: OverlayLayers): string {
  for (const path of [lower, upper, work]) {
    // The option string separates with `,` and lowerdir with `:`; probeOverlays refuses such a repository first.
    if (/[,:\\]/.test(path)) throw new OverlayMountError(path, 'the path holds a `,`, `:` or `\\`, which overlay mount options cannot carry')
  }
  return `userxattr,lowerdir=${lower},upperdir=${upper},workdir=${work}`
}

/**
 * The overlays mounted in this namespace, as last read from mountinfo and
 * kept up to date by this process's own mounts and unmounts (nothing else
 * mounts in Colony's private namespace); read again after a command failed.
 * PERF: reading mountinfo (a line per mount: a thousand with a thousand
 * agents) on every question was 2% of Colony's CPU at 400 agents.
 */
let mounted: Set<string> | undefined

/** Mounts `layers` at `target` (this process must be in Colony's workspace namespace). */
export async function mountOverlay(layers: OverlayLayers, target: string): Promise<void> {
  try {
    await run('mount', ['-t', 'overlay', 'overlay', '-o', overlayOptions(layers), target])
    mounted?.add(target)
  } catch (error) {
    mounted = undefined
    throw new OverlayMountError(target, (error as { stderr?: string }).stderr?.trim() || (error as Error).message)
  }
}

/** Unmounts `target`; a process still holding a file there is given a few moments, then the mount is detached lazily. */
export async function unmountOverlay(target: string): Promise<void> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      await run('umount', [target])
      mounted?.delete(target)
      return
    } catch {
      mounted = undefined
      if (!isMounted(target)) return
    }
    await delay(200 * attempt)
  }
  await run('umount', ['--lazy', target]).finally(() => (mounted = undefined))
}

/** Whether an overlay is mounted at `target` in this process's mount namespace. */
export function isMounted(target: string): boolean {
  mounted ??= mountedOverlays()
  return mounted.has(target)
}

/** Mount points of the overlays in this process's mount namespace. */
export function mountedOverlays(): Set<string> {
  const points = new Set<string>()
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const fields = line.split(' ')
    const separator = fields.indexOf('-')
    if (separator < 0 || fields[separator + 1] !== 'overlay') continue
    points.add(unescapeMountPath(fields[4]!))
  }
  return points
}

/** mountinfo writes space, tab, newline and backslash in paths as octal escapes. */
function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_match, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)))
}
