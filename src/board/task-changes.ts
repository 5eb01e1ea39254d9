import type { NewEvent, Task, TaskChange, TaskStatus } from '../store/index.ts'
import { IllegalTransitionError } from './errors.ts'
import { canTransition, eventTypeFor } from './transitions.ts'

/** What one move of a task writes: the change to its row and the events recorded with it, in one transaction. */
export interface TaskWrite {
  change: TaskChange
  events: NewEvent[]
}

export function assertLegal(task: Task, to: TaskStatus): void {
  if (!canTransition(task.status, to, task.kind)) throw new IllegalTransitionError(task.id, task.status, to)
}

/** The end of an attempt (failed, or its lease expired): back to ready for another, or failed for good after maxAttempts. */
export function endAttempt(task: Task, reason: string, cause: 'task-attempt-failed' | 'task-lease-expired'): TaskWrite {
  const exhausted = task.attempt >= task.maxAttempts
  const next: TaskStatus = exhausted ? 'failed' : 'ready'
  assertLegal(task, next)
  const nextReason = exhausted ? `${reason} (after ${task.attempt} of ${task.maxAttempts} attempts)` : reason
  const change: TaskChange = exhausted
    ? { status: 'failed', owner: null, leaseUntil: null, reason: nextReason }
    : { status: 'ready', owner: null, leaseUntil: null, attempt: task.attempt + 1, reason: nextReason }
  const events: NewEvent[] = [
    { type: cause, data: { owner: task.owner, attempt: task.attempt, maxAttempts: task.maxAttempts, reason, next } },
    { type: eventTypeFor(next), data: { from: task.status, reason: nextReason, attempt: change.attempt ?? task.attempt } },
  ]
  return { change, events }
}

/** The lander stopped: the change stays approved and integrating, with no owner, for the next lander. */
export function landingInterrupted(task: Task, reason: string): TaskWrite {
  return { change: { owner: null, leaseUntil: null }, events: [{ type: 'task-landing-interrupted', data: { owner: task.owner, reason } }] }
}
