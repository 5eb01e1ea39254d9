import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { runProcess } from '../spawner/index.ts'
import { OverlayMountError } from './errors.ts'
import { takeTurnsInBatches, type BatchItem } from './take-turns-in-batches.ts'

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

interface UnmountAsked extends BatchItem {
  target: string
}

interface MountAsked extends UnmountAsked {
  options: string
}

/** The most mounts or unmounts one `mount` or `umount` process is given (its arguments stay well under the kernel's limit). */
const mostAtOnce = 256
let fstabs = 0

/**
 * Mounts a batch of overlays with one `mount --all` over an fstab of theirs:
 * a burst of agents asking at once (a planner's hundreds of tasks claimed
 * together) waits for one process instead of a process each, which on 2 cores
 * with a thousand agents was most of a workspace's making. One that did not
 * mount (or whose paths an fstab line cannot carry) is mounted alone, for its
 * own error.
 */
async function mountBatch(batch: MountAsked[]): Promise<void> {
  let alone = batch
  if (batch.length > 1) {
    // fstab separates fields with white space and reads `\` as the start of an octal escape.
    const together = batch.filter((asked) => !/[\s\\]/.test(asked.target + asked.options))
    const fstab = join(tmpdir(), `colony-overlays-${process.pid}-${++fstabs}.fstab`)
    // Written and removed synchronously: a small file, where awaited file calls wait for libuv's thread pool, which a thousand
    // agents' file tools keep busy (a batch took ~300 ms longer than its `mount`, written and removed through it).
    writeFileSync(fstab, together.map((asked) => `overlay ${asked.target} overlay ${asked.options} 0 0\n`).join(''))
    const allMounted = await run('mount', ['--all', '--fstab', fstab]).then(
      () => true,
      () => false,
    )
    rmSync(fstab, { force: true })
    // mountinfo is read only when one failed: with a thousand mounts it is a thousand lines.
    const now = allMounted ? undefined : mountedOverlays()
    const made = new Set(together.filter((asked) => !now || now.has(asked.target)))
    for (const asked of made) {
      mounted?.add(asked.target)
      asked.resolve()
    }
    if (now) mounted = now
    alone = batch.filter((asked) => !made.has(asked))
  }
  for (const asked of alone) {
    try {
      await run('mount', ['-t', 'overlay', 'overlay', '-o', asked.options, asked.target])
      mounted?.add(asked.target)
      asked.resolve()
    } catch (error) {
      mounted = undefined
      asked.reject(new OverlayMountError(asked.target, (error as { stderr?: string }).stderr?.trim() || (error as Error).message))
    }
  }
}

/**
 * Several `mount` processes at a time. PERF: a batch's `mount` takes ~10 ms, but its lane stays taken until the
 * orchestrator hears it end, ~90 ms later on a loop busy with a thousand agents; with one lane, workspaces waited
 * for that (bench/scale.ts, 1,000 agents on 50,000 files).
 */
const mountLanes = 4
const mountInTurns = takeTurnsInBatches(mountBatch, mostAtOnce, mountLanes)

/** Mounts `layers` at `target` (this process must be in Colony's workspace namespace); mounts asked for together are made together. */
export function mountOverlay(layers: OverlayLayers, target: string): Promise<void> {
  const { promise, resolve, reject } = Promise.withResolvers<void>()
  mountInTurns({ target, options: overlayOptions(layers), resolve, reject })
  return promise
}

/**
 * Unmounts a batch with one `umount` (it goes on past a target it cannot
 * unmount); those still mounted after it are tried again alone.
 */
async function unmountBatch(batch: UnmountAsked[]): Promise<void> {
  const allUnmounted = await run('umount', batch.map((asked) => asked.target)).then(
    () => true,
    () => false,
  )
  const now = allUnmounted ? undefined : mountedOverlays()
  for (const asked of batch) {
    if (!now?.has(asked.target)) {
      mounted?.delete(asked.target)
      asked.resolve()
    }
    // Not awaited: a workspace whose files a process still holds must not hold up the next batch.
    else void unmountAlone(asked.target).then(asked.resolve, asked.reject)
  }
  if (now) mounted = now
}

const unmountInTurns = takeTurnsInBatches(unmountBatch, mostAtOnce)

/** Unmounts `target`; unmounts asked for together are made together. */
export function unmountOverlay(target: string): Promise<void> {
  const { promise, resolve, reject } = Promise.withResolvers<void>()
  unmountInTurns({ target, resolve, reject })
  return promise
}

/** A process still holding a file at `target` is given a few moments, then the mount is detached lazily. */
async function unmountAlone(target: string): Promise<void> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    await delay(200 * attempt)
    try {
      await run('umount', [target])
      mounted?.delete(target)
      return
    } catch {
      mounted = undefined
      if (!isMounted(target)) return
    }
  }
  await run('umount', ['--lazy', target]).finally(() => (mounted = undefined))
}

/** The overlays mounted in this namespace, as kept (read from mountinfo when not known). */
function knownMounts(): Set<string> {
  mounted ??= mountedOverlays()
  return mounted
}

/** Whether an overlay is mounted at `target` in this process's mount namespace. */
export function isMounted(target: string): boolean {
  return knownMounts().has(target)
}

/** How many overlays are mounted in this process's mount namespace. */
export function mountedOverlayCount(): number {
  return knownMounts().size
}

/** Whether an overlay is mounted under `directory` in this process's mount namespace. */
export function overlayMountedUnder(directory: string): boolean {
  for (const point of knownMounts()) if (point.startsWith(`${directory}/`)) return true
  return false
}

/** Whether anything (of any kind) is mounted at or under `directory` in this process's mount namespace. */
export function mountedAtOrUnder(directory: string): boolean {
  return mountTable().some(({ point }) => point === directory || point.startsWith(`${directory}/`))
}

/** Mount points of the overlays in this process's mount namespace. */
export function mountedOverlays(): Set<string> {
  return new Set(
    mountTable()
      .filter((mount) => mount.type === 'overlay')
      .map((mount) => mount.point),
  )
}

/** Every mount in this process's namespace: where, and of what file system type. */
function mountTable(): { point: string; type: string }[] {
  const table: { point: string; type: string }[] = []
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const fields = line.split(' ')
    const separator = fields.indexOf('-')
    if (separator < 0 || fields[4] === undefined) continue
    table.push({ point: unescapeMountPath(fields[4]), type: fields[separator + 1] ?? '' })
  }
  return table
}

/** mountinfo writes space, tab, newline and backslash in paths as octal escapes. */
function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_match, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)))
}
