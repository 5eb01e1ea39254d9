import { VersionConflictError, type NewEvent, type Store, type Task, type TaskChange } from '../store/index.ts'
import { LeaseLostError } from './errors.ts'

const maxConflictRetries = 20

/** Retries a change when only a concurrent write (a heartbeat, usually) moved the version. */
export async function withFreshTask(store: Store, taskId: number, apply: (task: Task) => Promise<Task>): Promise<Task> {
  for (let tries = 0; ; tries++) {
    const task = await store.getTask(taskId)
    try {
      return await apply(task)
    } catch (error) {
      if (!(error instanceof VersionConflictError) || tries >= maxConflictRetries) throw error
    }
  }
}

/** An owner's write: a concurrent heartbeat of its own is retried; anyone else's change means the lease is lost. */
export async function ownerUpdate(store: Store, task: Task, change: TaskChange, events: NewEvent[]): Promise<Task> {
  let current = task
  for (let tries = 0; ; tries++) {
    try {
      return await store.updateTask(current.id, current.version, change, events)
    } catch (error) {
      if (!(error instanceof VersionConflictError) || tries >= maxConflictRetries) throw error
      const latest = await store.getTask(task.id)
      if (latest.owner !== task.owner || latest.status !== task.status) {
        throw new LeaseLostError(task.id, task.owner ?? 'nobody', `it is now ${latest.status}${latest.owner ? ` (owner ${latest.owner})` : ''}`)
      }
      current = latest
    }
  }
}
