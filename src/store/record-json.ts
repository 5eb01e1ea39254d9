import type { ColonyEventOf, EventType } from '../events/index.ts'
import type { ColonyEvent, Memory, Task } from './records.ts'

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

/** The JSON form of a memory, served by `colony serve` (docs/api.md): its provenance, whether it is stale or forgotten, times as ISO strings. */
export function memoryToJson(memory: Memory) {
  return {
    id: memory.id,
    kind: memory.kind,
    text: memory.text,
    role: memory.role,
    author: memory.author,
    runId: memory.runId,
    taskId: memory.taskId,
    agentId: memory.agentId,
    commit: memory.commit,
    files: memory.files,
    standing: memory.standing,
    source: memory.source,
    stale: memory.stale && { commit: memory.stale.commit, files: memory.stale.files, at: new Date(memory.stale.at).toISOString() },
    forgotten: memory.forgotten && { by: memory.forgotten.by, at: new Date(memory.forgotten.at).toISOString() },
    createdAt: new Date(memory.createdAt).toISOString(),
  }
}

export type MemoryJson = ReturnType<typeof memoryToJson>
