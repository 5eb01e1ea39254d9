import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface ProcessCgroup {
  /** Where a process writes its pid to join (and bring all its descendants). */
  procsFile: string
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

/**
 * A pids cgroup capping how many processes a command tree may have at once.
 * The kernel enforces it for every user, root included (RLIMIT_NPROC never
 * binds root). Undefined when no cgroup is writable here (not root, no
 * delegation, not Linux): the caller falls back to RLIMIT_NPROC.
 */
export function createProcessCgroup(name: string, maxProcesses: number): ProcessCgroup | undefined {
  for (const parent of candidateParents()) {
    const directory = join(parent, `colony-${name}`)
    try {
      mkdirSync(directory)
    } catch {
      continue
    }
    try {
      writeFileSync(join(directory, 'pids.max'), String(maxProcesses))
      return {
        procsFile: join(directory, 'cgroup.procs'),
        dispose: () => {
          try {
            rmdirSync(directory)
          } catch {
            // Still has a member that is being reaped; the kernel frees it when empty.
          }
        },
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
