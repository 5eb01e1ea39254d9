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

export function eventToJson(event: ColonyEvent) {
  return {
    id: event.id,
    time: new Date(event.createdAt).toISOString(),
    type: event.type,
    runId: event.runId,
    taskId: event.taskId,
    agentId: event.agentId,
    data: event.data,
  }
}
