/** The shapes Colony keeps in its store, as callers see them (parsed, camelCase). */

import { runStatuses, taskStatuses } from '../events/index.ts'

export { taskStatuses, runStatuses }
export type { ColonyEvent, NewColonyEvent as NewEvent } from '../events/index.ts'
export type TaskStatus = (typeof taskStatuses)[number]

export const taskKinds = ['plan', 'work'] as const
export type TaskKind = (typeof taskKinds)[number]

export interface TaskResult {
  commit?: string
  handoff?: string
  [key: string]: unknown
}

export interface Task {
  id: number
  runId: number
  parentId: number | null
  kind: TaskKind
  title: string
  description: string
  acceptance: string[]
  scope: string[]
  dependsOn: number[]
  priority: number
  status: TaskStatus
  attempt: number
  maxAttempts: number
  owner: string | null
  /** Epoch milliseconds; null when nobody holds the task. */
  leaseUntil: number | null
  version: number
  createdBy: string
  result: TaskResult | null
  /** Why the task is in its current state, when that needs saying (failed, blocked, reverted). */
  reason: string | null
  createdAt: number
  updatedAt: number
}

export interface NewTask {
  runId: number
  parentId?: number | null
  kind?: TaskKind
  title: string
  description?: string
  acceptance?: string[]
  scope?: string[]
  dependsOn?: number[]
  priority?: number
  status?: TaskStatus
  maxAttempts?: number
  createdBy: string
  /** Why the task starts in its status (e.g. blocked by a dependency that failed). */
  reason?: string
}

/** The fields of a task that change over its life; `version` is handled by the store. */
export type TaskChange = Partial<
  Pick<Task, 'status' | 'attempt' | 'owner' | 'leaseUntil' | 'result' | 'reason' | 'priority' | 'title' | 'description'>
>

export type RunStatus = (typeof runStatuses)[number]
export type EndedRunStatus = Extract<RunStatus, 'done' | 'stopped' | 'failed'>

/** Whether a run has ended (done, stopped or failed); every other status is a run still going. */
export function isRunEnded(status: RunStatus): status is EndedRunStatus {
  return status === 'done' || status === 'stopped' || status === 'failed'
}

export interface Run {
  id: number
  goal: string | null
  status: RunStatus
  target: string
  reason: string | null
  version: number
  createdAt: number
  updatedAt: number
}

export type RunChange = Partial<Pick<Run, 'goal' | 'status' | 'target' | 'reason'>>

export interface Agent {
  id: number
  runId: number
  role: string
  taskId: number | null
  status: string
  model: string | null
  activity: string | null
  version: number
  createdAt: number
  updatedAt: number
}

export interface NewAgent {
  runId: number
  role: string
  taskId?: number | null
  status?: string
  model?: string | null
}

export type AgentChange = Partial<Pick<Agent, 'status' | 'taskId' | 'activity' | 'model'>>


export interface Handoff {
  id: number
  runId: number
  taskId: number
  agentId: number | null
  summary: string
  concerns: string | null
  data: Record<string, unknown>
  createdAt: number
}

export type NewHandoff = Omit<Handoff, 'id' | 'createdAt' | 'concerns' | 'data' | 'agentId'> & {
  agentId?: number | null
  concerns?: string | null
  data?: Record<string, unknown>
}

export interface TranscriptEntry {
  agentId: number
  seq: number
  role: string
  content: unknown
  createdAt: number
}

export interface UsageRecord {
  runId: number
  agentId?: number | null
  taskId?: number | null
  role?: string | null
  model: string
  inputTokens: number
  outputTokens: number
  cachedTokens?: number
  costUsd: number
}

export interface UsageTotals {
  calls: number
  inputTokens: number
  outputTokens: number
  cachedTokens: number
  costUsd: number
}

export const memoryKinds = ['note', 'handoff', 'failure', 'verdict', 'steer'] as const
/** note: an agent's finding or decision; handoff: a worker's summary and concerns; failure: why an attempt ended; verdict: the judge's reasoning; steer: a person's instruction. */
export type MemoryKind = (typeof memoryKinds)[number]

/**
 * Something agents and people should remember past a task and a run, with
 * where it came from. Notes and a person's own memories are their own
 * record; the other kinds are read from the record they come from (a
 * handoff, an event) as it is written, and name it in `source`.
 */
export interface Memory {
  id: number
  kind: MemoryKind
  text: string
  /** The role that wrote it (worker, planner, judge), or `person` or `colony`. */
  role: string
  /** A person's name, or the worker instance that held the task; null for an agent, which agentId names. */
  author: string | null
  runId: number | null
  taskId: number | null
  agentId: number | null
  /** The target commit it was written at (or, for a handoff, the commit that landed). */
  commit: string | null
  /** The files it is about (a path ending in `/` is a directory). */
  files: string[]
  /** A person's standing instruction: shown to planners and workers until forgotten. */
  standing: boolean
  /** The record it was read from: `handoff 7`, `event 42`; null when the memory is the record. */
  source: string | null
  /** Set once a change to its files landed on the target after it was written. */
  stale: { commit: string; files: string[]; at: number } | null
  forgotten: { by: string; at: number } | null
  createdAt: number
}

export type NewMemory = Pick<Memory, 'kind' | 'text' | 'role'> & Partial<Pick<Memory, 'author' | 'runId' | 'taskId' | 'agentId' | 'commit' | 'files' | 'standing' | 'source'>>

/** A recalled memory and how well it matched (higher is better; stale ones count half). */
export interface MemoryHit extends Memory {
  score: number
}

export const approvalStatuses = ['pending', 'approved', 'rejected'] as const
export type ApprovalStatus = (typeof approvalStatuses)[number]

/** Something an agent may do only once a person says yes (today: a command the sandbox policy holds). */
export interface Approval {
  id: number
  runId: number
  taskId: number | null
  agentId: number | null
  kind: 'command'
  /** What is asked for, e.g. the command line. */
  subject: string
  /** Why it waits, e.g. the rule that matched. */
  detail: Record<string, unknown>
  status: ApprovalStatus
  reason: string | null
  decidedBy: string | null
  version: number
  createdAt: number
  updatedAt: number
}

export type NewApproval = Pick<Approval, 'runId' | 'kind' | 'subject'> & Partial<Pick<Approval, 'taskId' | 'agentId' | 'detail'>>
export type ApprovalDecision = { status: 'approved' | 'rejected'; reason?: string | null; decidedBy: string }
