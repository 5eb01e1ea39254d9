import { setTimeout as delay } from 'node:timers/promises'

/** A lock every process landing on the same target shares (the store's named lock). */
export interface SharedLock {
  /** Takes the lock, or extends it for its holder, for `ttlMs`; false while another holds it. */
  tryLock(ttlMs: number): Promise<boolean>
  unlock(): Promise<void>
}

const sharedTtlMs = 30_000

/**
 * Runs one landing at a time, in arrival order (see IntegrateOptions.landing):
 * among this process's workers by a queue, and, given a shared lock, among
 * every process and machine landing on the same target. A holder that dies
 * loses the shared lock when its time runs out; one that lives renews it.
 */
export function createLandingLock(shared?: SharedLock): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve()
  const withShared = async <T>(work: () => Promise<T>): Promise<T> => {
    if (!shared) return work()
    for (let wait = 5; !(await shared.tryLock(sharedTtlMs)); wait = Math.min(wait * 1.5, 100)) await delay(wait * (0.5 + Math.random()))
    // A renewal that fails is retried at the next tick; if the lock expires meanwhile, the landing's compare-and-swap still refuses a second writer.
    const renew = setInterval(() => void shared.tryLock(sharedTtlMs).catch(() => undefined), sharedTtlMs / 3)
    try {
      return await work()
    } finally {
      clearInterval(renew)
      // An unlock that fails leaves a lock that expires by itself in sharedTtlMs; the landing's own outcome is already decided.
      await shared.unlock().catch(() => undefined)
    }
  }
  return <T>(work: () => Promise<T>) => {
    const turn = tail.then(() => withShared(work))
    // The queue only orders turns; each caller receives its own turn's failure from `turn`.
    tail = turn.catch(() => undefined)
    return turn
  }
}
