// Run by test/overlay-mount-batches.test.ts under `unshare` (a user and mount
// namespace, as `colony run` restarts into): asks for many overlay mounts and
// unmounts at once in the scratch directory given as argv[2] and prints what
// it saw as JSON.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { mountedOverlays, mountOverlay, unmountOverlay } from '../../src/overlay/mounts.ts'

const scratch = process.argv[2]!
const lower = join(scratch, 'lower')
await mkdir(lower, { recursive: true })
await writeFile(join(lower, 'shared.txt'), 'shared\n')

/**
 * Twenty ordinary overlays, one whose path holds a space and one whose path holds what fstab reads as an escaped
 * space (no fstab line carries either as it is), one whose upper directory is missing.
 */
const names = [...Array.from({ length: 20 }, (_, index) => `overlay-${index}`), 'with space', 'with\\040space', 'no-upper']
const targets = names.map((name) => join(scratch, 'mounts', name))
// Layers by number: overlay's own options cannot carry a `\`, only the mount point may hold one.
for (const [index, name] of names.entries()) {
  await mkdir(targets[index]!, { recursive: true })
  await mkdir(join(scratch, 'work', String(index)), { recursive: true })
  if (name !== 'no-upper') await mkdir(join(scratch, 'upper', String(index)), { recursive: true })
}
const mounting = await Promise.allSettled(names.map((_, index) => mountOverlay({ lower, upper: join(scratch, 'upper', String(index)), work: join(scratch, 'work', String(index)) }, targets[index]!)))
const mountedAfterMounting = [...mountedOverlays()].filter((point) => point.startsWith(scratch)).sort()
const readThrough = targets.filter((_, index) => mounting[index]!.status === 'fulfilled').map((target) => readFileSync(join(target, 'shared.txt'), 'utf8'))

// A process working in the first overlay keeps it busy: its unmount waits, then detaches lazily.
const busy = spawn('sleep', ['30'], { cwd: targets[0]!, stdio: 'ignore' })
await new Promise((resolve) => busy.once('spawn', resolve))
const mountedTargets = targets.filter((_, index) => mounting[index]!.status === 'fulfilled')
const unmounting = await Promise.allSettled(mountedTargets.map((target) => unmountOverlay(target)))
busy.kill()
const mountedAfterUnmounting = [...mountedOverlays()].filter((point) => point.startsWith(scratch))

console.log(
  JSON.stringify({
    mounting: mounting.map((outcome) => (outcome.status === 'fulfilled' ? 'mounted' : (outcome.reason as Error).message)),
    mountedAfterMounting,
    readThrough,
    unmounting: unmounting.map((outcome) => outcome.status),
    mountedAfterUnmounting,
  }),
)
