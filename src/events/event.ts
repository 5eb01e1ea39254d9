import type { z } from 'zod'
import { eventSchemas, type survivedFailureSchemas } from './schemas.ts'

export type EventType = keyof typeof eventSchemas
export type EventData<T extends EventType> = z.infer<(typeof eventSchemas)[T]>
/** Events that record a failure Colony survived; their data always carries `error` (and `name` when it was an Error). */
export type SurvivedFailureType = keyof typeof survivedFailureSchemas

/** A recorded event of the types `T` (a union of types gives the union of their events). */
export type ColonyEventOf<T extends EventType> = T extends EventType
  ? {
      id: number
      runId: number | null
      taskId: number | null
      agentId: number | null
      type: T
      data: EventData<T>
      createdAt: number
    }
  : never

/** Any recorded event: switch on `type` and `data` has that type's keys. */
export type ColonyEvent = ColonyEventOf<EventType>

/** An event of the types `T` as an emitter hands it to the store. */
export type NewColonyEventOf<T extends EventType> = T extends EventType
  ? {
      runId?: number | null
      taskId?: number | null
      agentId?: number | null
      type: T
      data: EventData<T>
    }
  : never

/** Any event an emitter may append. */
export type NewColonyEvent = NewColonyEventOf<EventType>

/** The callback gates and integrators are given to record what they did; the caller adds run, task and agent. */
export type EmitEvent = <T extends EventType>(type: T, data: EventData<T>) => Promise<unknown> | void

/** What a process runs with, as `run-configured` and `workers-joined` record it. */
export type ProcessDescription = Omit<EventData<'run-configured'>, 'instance'>

export const eventTypes = Object.keys(eventSchemas) as EventType[]

/**
 * Joins a type and its data into the union. For code generic over the type
 * (an `emit(type, data)` callback), where TypeScript cannot see that a `T` and
 * an `EventData<T>` together make one of the union's members.
 *
 * @example
 * const event = <T extends EventType>(type: T, data: EventData<T>) => store.appendEvents([newEvent(type, data, { runId })])
 */
export function newEvent<T extends EventType>(type: T, data: EventData<T>, ids: { runId?: number | null; taskId?: number | null; agentId?: number | null } = {}): NewColonyEvent {
  return { ...ids, type, data } as NewColonyEvent
}

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(eventSchemas, type)
}

/**
 * Why an event of `type` carrying `data` is not one Colony records, or
 * undefined when it is: an unknown type, or the first key that does not fit
 * the type's schema.
 *
 * @example
 * eventProblem('verdict', { cycle: 1 }) // 'verdict: decision: Invalid option: ...'
 */
export function eventProblem(type: string, data: unknown): string | undefined {
  if (!isEventType(type)) return `unknown event type "${type}"`
  const result = eventSchemas[type].safeParse(data)
  if (result.success) return undefined
  const issue = result.error.issues[0]!
  return `${type}: ${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`
}

/** An event as Colony records it, or an error naming its type and what does not fit. */
export function parseEvent(event: { type: string; data?: unknown }): NewColonyEvent {
  const problem = eventProblem(event.type, event.data ?? {})
  if (problem) throw new InvalidEventError(event.type, problem)
  return event as NewColonyEvent
}

/** An event outside the union: a bug in its emitter. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError'
  readonly type: string
  readonly problem: string
  constructor(type: string, problem: string) {
    super(`invalid event: ${problem}`)
    this.type = type
    this.problem = problem
  }

  toJSON() {
    return { name: this.name, type: this.type, problem: this.problem, message: this.message }
  }
}
