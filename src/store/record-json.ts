import type { ColonyEventOf, EventType } from '../events/index.ts'
import type { ColonyEvent, Task } from './records.ts'

/** The stable JSON form of a task for `--json` output (documented in docs/cli.md), also served by `colony serve`. */
export function taskToJson(task: Task) {
  return {
    id: task.id,
    runId: task.runId,
    parentId: task.parentId,
    kind: task.kind,
    title: task.title,
    description: task.description,
    acceptance: task.acceptance,
    scope: task.scope,
    dependsOn: task.dependsOn,
    priority: task.priority,
    status: task.status,
    attempt: task.attempt,
    maxAttempts: task.maxAttempts,
    owner: task.owner,
    leaseUntil: task.leaseUntil === null ? null : new Date(task.leaseUntil).toISOString(),
    version: task.version,
    createdBy: task.createdBy,
    result: task.result,
    reason: task.reason,
    createdAt: new Date(task.createdAt).toISOString(),
    updatedAt: new Date(task.updatedAt).toISOString(),
  }
}

/** An event's JSON form, still one member of the union per type: a reader switching on `type` gets that type's data. */
export type ColonyEventJson = { [T in EventType]: Omit<ColonyEventOf<T>, 'createdAt'> & { time: string } }[EventType]

export function eventToJson(event: ColonyEvent): ColonyEventJson {
  return {
    id: event.id,
    time: new Date(event.createdAt).toISOString(),
    type: event.type,
    runId: event.runId,
    taskId: event.taskId,
    agentId: event.agentId,
    data: event.data,
  } as ColonyEventJson
}
