import { spawnSync } from 'node:child_process'
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { overlayOptions } from './mounts.ts'
import { commandMakesNoWorkspaces, namespaceState } from './namespace.ts'

export type OverlayProbe = { available: true } | { available: false; reason: string }

const probes = new Map<string, OverlayProbe>()

/**
 * Whether overlay workspaces work under `colonyDir` here, found by doing what
 * a workspace does: in Colony's namespace, an overlay mounted with its upper
 * directory where workspaces' will be, a file of the lower tree deleted, a
 * lower directory deleted and made again with a new file, a file changed,
 * and all of it read back through the mount and from the upper directory.
 * The kernel (5.11+ for an overlay in a user namespace), the file system
 * under `.colony` (overlayfs itself, or tmpfs before 6.6, cannot be an upper
 * directory) and the path (no `,` or `:`) each can say no.
 */
export function probeOverlays(colonyDir: string): OverlayProbe {
  const known = probes.get(colonyDir)
  if (known) return known
  const probe = probeOnce(colonyDir)
  probes.set(colonyDir, probe)
  return probe
}

function probeOnce(colonyDir: string): OverlayProbe {
  const namespace = namespaceState()
  if (!namespace.inside) return namespace.reason === commandMakesNoWorkspaces ? probeInChild(colonyDir) : { available: false, reason: namespace.reason }
  const directory = join(colonyDir, `overlay-probe-${process.pid}`)
  const [lower, upper, work, merged] = ['lower', 'upper', 'work', 'merged'].map((name) => join(directory, name)) as [string, string, string, string]
  try {
    rmSync(directory, { recursive: true, force: true })
    for (const path of [join(lower, 'kept'), upper, work, merged]) mkdirSync(path, { recursive: true })
    writeFileSync(join(lower, 'deleted'), 'lower\n')
    writeFileSync(join(lower, 'changed'), 'lower\n')
    writeFileSync(join(lower, 'kept', 'old'), 'lower\n')
    let options: string
    try {
      options = overlayOptions({ lower, upper, work })
    } catch (error) {
      return { available: false, reason: (error as Error).message }
    }
    const mount = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', options, merged], { encoding: 'utf8', timeout: 10_000 })
    if (mount.status !== 0) return { available: false, reason: `the kernel refused an overlay mount under ${colonyDir}: ${mount.stderr.trim() || mount.error?.message || `exit ${mount.status}`}` }
    try {
      rmSync(join(merged, 'deleted'))
      writeFileSync(join(merged, 'changed'), 'upper\n')
      rmSync(join(merged, 'kept'), { recursive: true })
      mkdirSync(join(merged, 'kept'))
      writeFileSync(join(merged, 'kept', 'new'), 'upper\n')
      const seen = readdirSync(merged).sort().join(',')
      if (seen !== 'changed,kept' || readdirSync(join(merged, 'kept')).join(',') !== 'new' || readFileSync(join(merged, 'changed'), 'utf8') !== 'upper\n') {
        return { available: false, reason: `an overlay under ${colonyDir} did not show its changes (saw ${seen})` }
      }
    } finally {
      spawnSync('umount', [merged], { timeout: 10_000 })
    }
    const whiteout = lstatSync(join(upper, 'deleted'), { throwIfNoEntry: false })
    if (!whiteout?.isCharacterDevice()) return { available: false, reason: `an overlay under ${colonyDir} did not record a deletion in its upper directory` }
    if (readFileSync(join(lower, 'changed'), 'utf8') !== 'lower\n' || !existsSync(join(lower, 'kept', 'old'))) return { available: false, reason: 'an overlay changed its lower tree' }
    return { available: true }
  } catch (error) {
    return { available: false, reason: `probing an overlay under ${colonyDir} failed: ${(error as Error).message}` }
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}

/**
 * The probe from a command that stays outside the namespace (`colony sandbox
 * status`, which must see the person's other processes as an agent in host
 * mode would): the same probe in a child process that restarts into one.
 */
function probeInChild(colonyDir: string): OverlayProbe {
  const child = spawnSync(process.execPath, [...process.execArgv, probeScript, colonyDir], { encoding: 'utf8', timeout: 30_000 })
  try {
    return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '') as OverlayProbe
  } catch {
    return { available: false, reason: `the overlay probe did not answer: ${child.stderr.trim() || child.error?.message || `exit ${child.status}`}` }
  }
}

// Run as .ts from a clone, bundled as .js in dist/: the script sits beside this module either way.
const probeScript = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './probe-overlays-child.ts' : './probe-overlays-child.js', import.meta.url))
