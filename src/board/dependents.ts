import type { Store, Task, TaskStatus } from '../store/index.ts'
import { withFreshTask } from './task-writes.ts'

/** A task in one of these cannot merge until a person or the planner acts, so its dependents wait as blocked. */
export const blockingStatuses: readonly TaskStatus[] = ['failed', 'cancelled', 'reverted', 'blocked']

/**
 * Dependents of a task that cannot merge now (failed, cancelled, reverted,
 * or itself blocked) wait as blocked, and so do theirs, all the way down: a
 * ready task that can never start would otherwise count as work left and
 * keep the run from its judge. They come back when the task is retried.
 */
async function blockDependents(store: Store, task: Task): Promise<void> {
  const pending = [task]
  for (let blocker = pending.pop(); blocker; blocker = pending.pop()) {
    const reason = `dependency ${blocker.id} is ${blocker.status}`
    for (const dependent of await store.listTasks({ dependsOn: blocker.id, statuses: ['ready'] })) {
      const blocked = await withFreshTask(store, dependent.id, async (fresh) => {
        if (fresh.status !== 'ready') return fresh
        return store.updateTask(fresh.id, fresh.version, { status: 'blocked', reason }, [
          { type: 'task-blocked', data: { from: 'ready', dependency: blocker.id, reason } },
        ])
      })
      if (blocked.status === 'blocked') pending.push(blocked)
    }
  }
}

/** Blocked dependents whose dependencies can all merge again go back to ready, and theirs after them. */
export async function unblockDependents(store: Store, task: Task): Promise<void> {
  const pending = [task]
  for (let unblocker = pending.pop(); unblocker; unblocker = pending.pop()) {
    for (const dependent of await store.listTasks({ dependsOn: unblocker.id, statuses: ['blocked'] })) {
      const dependencies = await Promise.all(dependent.dependsOn.map((id) => store.getTask(id)))
      if (dependencies.some((dependency) => blockingStatuses.includes(dependency.status))) continue
      const ready = await withFreshTask(store, dependent.id, async (fresh) => {
        if (fresh.status !== 'blocked') return fresh
        return store.updateTask(fresh.id, fresh.version, { status: 'ready', reason: null }, [
          { type: 'task-ready', data: { from: 'blocked', dependency: unblocker.id } },
        ])
      })
      if (ready.status === 'ready') pending.push(ready)
    }
  }
}

/** After a task settles: when it cannot merge now, its dependents wait as blocked. */
export async function afterSettled(store: Store, task: Task): Promise<Task> {
  if (blockingStatuses.includes(task.status)) await blockDependents(store, task)
  return task
}
