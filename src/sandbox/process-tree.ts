import { readdirSync, readFileSync } from 'node:fs'

/** Every process is started with this variable; it survives setsid and reparenting, so leftovers can be found. */
export const markerVariable = 'COLONY_SANDBOX_ID'

/** Pids of live processes whose environment carries the marker (Linux /proc; none elsewhere). */
export function processesWithMarker(marker: string): number[] {
  const needle = Buffer.from(`${markerVariable}=${marker}\0`)
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return []
  }
  const pids: number[] = []
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readFileSync(`/proc/${entry}/environ`).includes(needle)) pids.push(Number(entry))
    } catch {
      // Gone already, or not ours to read.
    }
  }
  return pids
}

/** Resident memory of these processes together, in bytes. */
export function residentBytes(pids: readonly number[]): number {
  let total = 0
  for (const pid of pids) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
      if (match) total += Number(match[1]) * 1024
    } catch {
      // Exited between the scan and now.
    }
  }
  return total
}

/** How many processes this user runs now (for a process-count limit that is per user). */
export function processesOfCurrentUser(): number {
  const uid = process.getuid?.()
  if (uid === undefined) return 0
  let count = 0
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue
      try {
        if (new RegExp(`^Uid:\\s+${uid}\\s`, 'm').test(readFileSync(`/proc/${entry}/status`, 'utf8'))) count++
      } catch {
        // Gone.
      }
    }
  } catch {
    return 0
  }
  return count
}

function signalEach(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal)
    } catch {
      // Already gone.
    }
  }
}

/** A command tree's processes now: its pids cgroup's members, or the processes carrying its marker. */
export type TreeListing = () => number[]

/** Signals the process group and every process of the tree. */
export function signalTree(groupId: number | undefined, tree: TreeListing, signal: NodeJS.Signals): void {
  if (groupId !== undefined) signalEach([-groupId], signal)
  signalEach(tree(), signal)
}

/**
 * Kills the group and every process of the tree until none is left. A fork bomb
 * makes new processes while we kill, so the tree is first frozen with SIGSTOP
 * (a stopped process cannot fork) until a scan finds nothing new, then killed.
 */
export async function killTree(groupId: number | undefined, tree: TreeListing): Promise<number> {
  if (groupId !== undefined) signalEach([-groupId], 'SIGKILL')
  const frozen = new Set<number>()
  for (let round = 0; round < 10; round++) {
    const fresh = tree().filter((pid) => !frozen.has(pid))
    if (fresh.length === 0) break
    signalEach(fresh, 'SIGSTOP')
    for (const pid of fresh) frozen.add(pid)
  }
  signalEach([...frozen], 'SIGKILL')
  let survivors: number[] = []
  for (let round = 0; round < 100; round++) {
    survivors = tree()
    if (survivors.length === 0) return 0
    signalEach(survivors, 'SIGKILL')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return survivors.length
}
