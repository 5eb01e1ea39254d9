import type { NotifyKind } from '../config/index.ts'
import type { ColonyEventOf, EventType } from '../events/index.ts'
import type { Store } from '../store/index.ts'

/** What a webhook receives (as JSON) and a desktop shows: one per event a person should hear about. */
export interface Notification {
  type: NotifyKind
  run: number
  task?: number
  /** One line a person can act on, with the command to run when there is one. */
  text: string
  /** The dashboard, when colony.json's notify.dashboard gives it. */
  url?: string
  /** When it happened (ISO 8601). */
  at: string
  /** The event it is about: its type and id (a receiver may drop an id it has seen). */
  event: SourceType
  eventId: number
}

/** The events each kind of notification is about. */
const sourcesByKind = {
  'needs-you': ['task-awaiting-approval', 'task-created', 'command-approval-requested'],
  'run-ended': ['run-done', 'run-stopped', 'run-failed'],
  budget: ['budget-threshold-reached'],
} as const satisfies Record<NotifyKind, readonly EventType[]>

export type SourceType = (typeof sourcesByKind)[NotifyKind][number]
export type SourceEvent = ColonyEventOf<SourceType>

export function sourceTypes(kinds: readonly NotifyKind[]): SourceType[] {
  return kinds.flatMap((kind) => sourcesByKind[kind])
}

/** Whether a later event of `types` about the same task exists: the source is then out of date. */
async function overtaken(store: Store, event: SourceEvent, types: readonly EventType[]): Promise<boolean> {
  const later = await store.listEvents({ runId: event.runId ?? undefined, afterId: event.id, types, ...(event.taskId !== null && { taskId: event.taskId }), limit: 1 })
  return later.length > 0
}

/** A task that still waits for a person because of this event (and not of a later one), with its title. */
async function waitingTask(store: Store, event: SourceEvent): Promise<{ id: number; title: string } | undefined> {
  if (event.taskId === null) return undefined
  const task = await store.findTask(event.taskId)
  if (!task || task.status !== 'awaiting_approval') return undefined
  if (await overtaken(store, event, ['task-awaiting-approval'])) return undefined
  return { id: task.id, title: task.title }
}

/** What a person reads about `event`, or undefined when there is nothing to tell (any more). */
async function textFor(store: Store, event: SourceEvent): Promise<{ type: NotifyKind; text: string } | undefined> {
  switch (event.type) {
    case 'task-awaiting-approval': {
      const task = await waitingTask(store, event)
      if (!task) return undefined
      const what = event.data.from === 'integrating' ? 'its change, which passed its gate, before it lands' : 'its plan before it starts'
      return { type: 'needs-you', text: `task ${task.id} "${task.title}" waits for you to approve ${what}: colony approve ${task.id} (or colony reject ${task.id} --reason TEXT)` }
    }
    case 'task-created': {
      if (event.data.status !== 'awaiting_approval') return undefined
      const task = await waitingTask(store, event)
      if (!task) return undefined
      return { type: 'needs-you', text: `task ${task.id} "${task.title}", planned by ${event.data.createdBy}, waits for you to approve it before it starts: colony approve ${task.id} (or colony reject ${task.id} --reason TEXT)` }
    }
    case 'command-approval-requested': {
      const id = event.data.approvalId
      if (id === undefined || (await store.getApproval(id)).status !== 'pending') return undefined
      const asker = event.taskId === null ? 'an agent' : `the agent on task ${event.taskId}`
      return { type: 'needs-you', text: `${asker} asks to run \`${event.data.command}\`${event.data.rule ? ` (sandbox.approve "${event.data.rule}")` : ''}: colony approve --command ${id} (or colony reject --command ${id} --reason TEXT)` }
    }
    case 'run-done':
    case 'run-stopped':
    case 'run-failed': {
      const status = event.type.slice('run-'.length)
      return { type: 'run-ended', text: `run ${event.runId} ${status}: ${event.data.reason} (${event.data.cycles} cycle${event.data.cycles === 1 ? '' : 's'})` }
    }
    case 'budget-threshold-reached':
      return { type: 'budget', text: `run ${event.runId} has used ${Math.round(event.data.threshold * 100)}% of its budget: ${event.data.reason}` }
  }
}

/**
 * The notification `event` calls for, or undefined when there is nothing to
 * tell a person any more: what waited was decided, or the task waits again
 * because of a later event.
 */
export async function notificationFor(store: Store, event: SourceEvent, dashboard: string | undefined): Promise<Notification | undefined> {
  const said = await textFor(store, event)
  if (!said || event.runId === null) return undefined
  return {
    type: said.type,
    run: event.runId,
    ...(event.taskId !== null && { task: event.taskId }),
    text: said.text,
    ...(dashboard !== undefined && { url: dashboard }),
    at: new Date(event.createdAt).toISOString(),
    event: event.type,
    eventId: event.id,
  }
}
