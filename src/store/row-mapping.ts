import type { Selectable } from 'kysely'
import type { Agent, Approval, ApprovalStatus, ColonyEvent, Handoff, Memory, MemoryKind, Run, Task, TaskKind, TaskStatus, RunStatus } from './records.ts'
import type { Tables } from './tables.ts'

// PostgreSQL returns bigint columns as strings; SQLite returns numbers. Both become numbers here.
const number = (value: unknown): number => Number(value)
const nullableNumber = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value))

export function toTask(row: Selectable<Tables['tasks']>, dependsOn: number[]): Task {
  return {
    id: number(row.id),
    runId: number(row.run_id),
    parentId: nullableNumber(row.parent_id),
    kind: row.kind as TaskKind,
    title: row.title,
    description: row.description,
    acceptance: JSON.parse(row.acceptance) as string[],
    scope: JSON.parse(row.scope) as string[],
    dependsOn,
    priority: number(row.priority),
    status: row.status as TaskStatus,
    attempt: number(row.attempt),
    maxAttempts: number(row.max_attempts),
    owner: row.owner,
    leaseUntil: nullableNumber(row.lease_until),
    version: number(row.version),
    createdBy: row.created_by,
    result: row.result === null ? null : (JSON.parse(row.result) as Task['result']),
    reason: row.reason,
    createdAt: number(row.created_at),
    updatedAt: number(row.updated_at),
  }
}

export function toRun(row: Selectable<Tables['runs']>): Run {
  return {
    id: number(row.id),
    goal: row.goal,
    status: row.status as RunStatus,
    target: row.target,
    reason: row.reason,
    version: number(row.version),
    createdAt: number(row.created_at),
    updatedAt: number(row.updated_at),
  }
}

export function toAgent(row: Selectable<Tables['agents']>): Agent {
  return {
    id: number(row.id),
    runId: number(row.run_id),
    role: row.role,
    taskId: nullableNumber(row.task_id),
    status: row.status,
    model: row.model,
    activity: row.activity,
    version: number(row.version),
    createdAt: number(row.created_at),
    updatedAt: number(row.updated_at),
  }
}

export function toEvent(row: Selectable<Tables['events']>): ColonyEvent {
  return {
    id: number(row.id),
    runId: nullableNumber(row.run_id),
    taskId: nullableNumber(row.task_id),
    agentId: nullableNumber(row.agent_id),
    type: row.type,
    data: JSON.parse(row.data) as unknown,
    createdAt: number(row.created_at),
    // The store checked every event against its schema when it was appended.
  } as ColonyEvent
}

export function toHandoff(row: Selectable<Tables['handoffs']>): Handoff {
  return {
    id: number(row.id),
    runId: number(row.run_id),
    taskId: number(row.task_id),
    agentId: nullableNumber(row.agent_id),
    summary: row.summary,
    concerns: row.concerns,
    data: JSON.parse(row.data) as Record<string, unknown>,
    createdAt: number(row.created_at),
  }
}

export function toMemory(row: Selectable<Tables['memories']>): Memory {
  return {
    id: number(row.id),
    kind: row.kind as MemoryKind,
    text: row.text,
    role: row.role,
    author: row.author,
    runId: nullableNumber(row.run_id),
    taskId: nullableNumber(row.task_id),
    agentId: nullableNumber(row.agent_id),
    commit: row.target_commit,
    files: JSON.parse(row.files) as string[],
    standing: Number(row.standing) === 1,
    source: row.source,
    stale: row.stale_at === null ? null : { commit: row.stale_commit ?? '', files: JSON.parse(row.stale_files ?? '[]') as string[], at: number(row.stale_at) },
    forgotten: row.forgotten_at === null ? null : { by: row.forgotten_by ?? '', at: number(row.forgotten_at) },
    createdAt: number(row.created_at),
  }
}

export function toApproval(row: Selectable<Tables['approvals']>): Approval {
  return {
    id: number(row.id),
    runId: number(row.run_id),
    taskId: nullableNumber(row.task_id),
    agentId: nullableNumber(row.agent_id),
    kind: row.kind as Approval['kind'],
    subject: row.subject,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    status: row.status as ApprovalStatus,
    reason: row.reason,
    decidedBy: row.decided_by,
    version: number(row.version),
    createdAt: number(row.created_at),
    updatedAt: number(row.updated_at),
  }
}
