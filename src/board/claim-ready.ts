import { VersionConflictError, type Store, type Task } from '../store/index.ts'

export interface ClaimOptions {
  runId: number
  owner: string
  kinds?: readonly Task['kind'][]
  /** Skip tasks this claimer must not take now (e.g. their scope overlaps running work). */
  accept?: (task: Task) => boolean | Promise<boolean>
}

const claimPageSize = 64

/**
 * Claim order: highest priority first; among tasks of the top priority, each
 * claimer starts at a random one. PERF: with every claimer starting at the same
 * oldest task, 32 processes spent most claims losing races for it (p99 1.4 s in
 * bench/store.ts). Order between equal-priority tasks is not promised: `--after`
 * (depends_on) is how order is asked for.
 */
function spreadEqualPriorities(page: Task[]): Task[] {
  const top = page[0]?.priority
  const topGroup = page.filter((task) => task.priority === top)
  if (topGroup.length < 2) return page
  const start = Math.floor(Math.random() * topGroup.length)
  return [...topGroup.slice(start), ...topGroup.slice(0, start), ...page.slice(topGroup.length)]
}

/** Claims the first ready task (dependencies merged) the claimer accepts, page by page; undefined when there is none. */
export async function claimReady(store: Store, { runId, owner, kinds, accept }: ClaimOptions, leaseUntilFromNow: () => number): Promise<Task | undefined> {
  for (let offset = 0; ; offset += claimPageSize) {
    const page = await store.listTasks({ runId, statuses: ['ready'], dependenciesMerged: true, limit: claimPageSize, offset })
    for (const task of spreadEqualPriorities(page)) {
      if (kinds && !kinds.includes(task.kind)) continue
      if (accept && !(await accept(task))) continue
      const leaseUntil = leaseUntilFromNow()
      try {
        return await store.updateTask(task.id, task.version, { status: 'claimed', owner, leaseUntil }, [
          { type: 'task-claimed', data: { owner, attempt: task.attempt, leaseUntil } },
        ])
      } catch (error) {
        // Lost the race for this task: someone else claimed it. Try the next one.
        if (error instanceof VersionConflictError) continue
        throw error
      }
    }
    if (page.length < claimPageSize) return undefined
  }
}
