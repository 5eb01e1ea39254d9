import type { EventType } from '../events/index.ts'
import type { TaskKind, TaskStatus } from '../store/index.ts'

/**
 * The task state machine (DESIGN.md, Contracts: Task). A status maps to the
 * statuses it may move to; anything else is an illegal transition.
 */
export const legalTransitions: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  proposed: ['ready', 'awaiting_approval', 'cancelled'],
  awaiting_approval: ['ready', 'integrating', 'running', 'cancelled'],
  ready: ['claimed', 'blocked', 'awaiting_approval', 'cancelled'],
  blocked: ['ready', 'cancelled'],
  claimed: ['running', 'ready', 'failed', 'cancelled'],
  running: ['integrating', 'ready', 'failed', 'cancelled'],
  integrating: ['merged', 'running', 'awaiting_approval', 'ready', 'failed', 'cancelled'],
  merged: ['reverted'],
  reverted: ['ready', 'cancelled'],
  failed: ['ready', 'cancelled'],
  cancelled: [],
}

/** Statuses in which a worker holds the task under a lease. */
export const leasedStatuses: readonly TaskStatus[] = ['claimed', 'running', 'integrating']

/** Statuses a task never leaves on its own. */
export const settledStatuses: readonly TaskStatus[] = ['merged', 'failed', 'cancelled']

/**
 * Whether a task may move from one status to another. A plan task has no code to
 * integrate: it goes from running straight to merged when its plan is complete.
 */
export function canTransition(from: TaskStatus, to: TaskStatus, kind: TaskKind = 'work'): boolean {
  if (kind === 'plan' && from === 'running' && to === 'merged') return true
  return legalTransitions[from].includes(to)
}

/** The event type recorded when a task enters `status`. */
export function eventTypeFor<S extends TaskStatus>(status: S): (typeof taskEventTypes)[S] {
  return taskEventTypes[status]
}

const taskEventTypes = {
    proposed: 'task-proposed',
    awaiting_approval: 'task-awaiting-approval',
    ready: 'task-ready',
    claimed: 'task-claimed',
    running: 'task-started',
    integrating: 'task-integrating',
    merged: 'task-merged',
    failed: 'task-failed',
    blocked: 'task-blocked',
    cancelled: 'task-cancelled',
  reverted: 'task-reverted',
} as const satisfies Record<TaskStatus, EventType>
