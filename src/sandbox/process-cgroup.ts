import { mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface ProcessCgroup {
  /** Where a process writes its pid to join (and bring all its descendants). */
  procsFile: string
  /** Its members now: every process of the tree, setsid daemons included (a process cannot leave it from the sandbox). */
  pids(): number[]
  dispose(): void
}

function candidateParents(): string[] {
  const parents = ['/sys/fs/cgroup/pids']
  try {
    // cgroup v2: only a subtree delegated to us (our own cgroup) is writable.
    const own = /^0::(.*)$/m.exec(readFileSync('/proc/self/cgroup', 'utf8'))?.[1]
    if (own !== undefined) parents.push(join('/sys/fs/cgroup', own))
  } catch {
    // Not Linux.
  }
  return parents
}

const staleAfterMs = 10 * 60_000
let swept = false

/**
 * Removes `colony-*` cgroups left empty by a process that died before it
 * could remove its own (SIGKILL, a crash): over days of runs they would pile
 * up in the hierarchy. A cgroup with members cannot be removed, and young ones
 * are left alone, since another process may have just made one for a command
 * it is about to start. Returns how many were removed.
 */
export function sweepStaleCgroups(options: { olderThanMs?: number; prefix?: string } = {}): number {
  const olderThanMs = options.olderThanMs ?? staleAfterMs
  const prefix = `colony-${options.prefix ?? ''}`
  const now = Date.now()
  let removed = 0
  for (const parent of candidateParents()) {
    let names: string[]
    try {
      names = readdirSync(parent).filter((name) => name.startsWith(prefix))
    } catch {
      continue
    }
    for (const name of names) {
      const directory = join(parent, name)
      try {
        if (now - statSync(directory).mtimeMs < olderThanMs) continue
        rmdirSync(directory)
        removed++
      } catch {
        // In use, or not ours to remove.
      }
    }
  }
  return removed
}

/** The processes in a cgroup now (none once it is gone). */
function readMembers(procsFile: string): number[] {
  try {
    return readFileSync(procsFile, 'utf8').split('\n').filter(Boolean).map(Number)
  } catch {
    return []
  }
}

function removeWhenEmpty(directory: string, attempt = 0): void {
  try {
    rmdirSync(directory)
  } catch (error) {
    // EBUSY: the kernel is still reaping the tree's last processes; try again shortly.
    if ((error as NodeJS.ErrnoException).code === 'EBUSY' && attempt < 6) setTimeout(() => removeWhenEmpty(directory, attempt + 1), 25 * 2 ** attempt).unref()
  }
}

/**
 * A pids cgroup capping how many processes a command tree may have at once.
 * The kernel enforces it for every user, root included (RLIMIT_NPROC never
 * binds root). Undefined when no cgroup is writable here (not root, no
 * delegation, not Linux): the caller falls back to RLIMIT_NPROC.
 */
export function createProcessCgroup(name: string, maxProcesses: number): ProcessCgroup | undefined {
  if (!swept) {
    swept = true
    sweepStaleCgroups()
  }
  for (const parent of candidateParents()) {
    const directory = join(parent, `colony-${name}`)
    try {
      mkdirSync(directory)
    } catch {
      continue
    }
    try {
      writeFileSync(join(directory, 'pids.max'), String(maxProcesses))
      const procsFile = join(directory, 'cgroup.procs')
      return {
        procsFile,
        pids: () => readMembers(procsFile),
        dispose: () => removeWhenEmpty(directory),
      }
    } catch {
      try {
        rmdirSync(directory)
      } catch {
        // Nothing to clean.
      }
    }
  }
  return undefined
}
