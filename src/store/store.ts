import type { ColonyEventOf, EventType } from '../events/index.ts'
import type {
  Agent,
  Approval,
  ApprovalDecision,
  ApprovalStatus,
  NewApproval,
  AgentChange,
  ColonyEvent,
  Handoff,
  NewAgent,
  NewEvent,
  NewHandoff,
  NewMemory,
  NewTask,
  Memory,
  MemoryHit,
  MemoryKind,
  Run,
  RunChange,
  Task,
  TaskChange,
  TaskStatus,
  TranscriptEntry,
  UsageRecord,
  UsageTotals,
} from './records.ts'
import type { StoreKind } from './kysely/context.ts'

export interface TaskFilter {
  runId?: number
  statuses?: readonly TaskStatus[]
  /** Only tasks whose dependencies have all merged. */
  dependenciesMerged?: boolean
  /** Only tasks holding a lease that ended before this time (epoch ms). */
  leaseExpiredBefore?: number
  /** Only tasks that depend on this task. */
  dependsOn?: number
  parentId?: number
  /** Only tasks nobody holds (no owner). */
  unowned?: boolean
  /** At most this many, in priority order (highest first, then oldest). */
  limit?: number
  offset?: number
}

export interface HandoffFilter {
  runId?: number
  taskId?: number
  /** Only the handoffs of the tasks whose parent (plan) is this task. */
  parentId?: number
  /** Handoffs with an id greater than this one. */
  afterId?: number
}

export interface EventFilter<T extends EventType = EventType> {
  /** Events with an id greater than this one, oldest first. */
  afterId?: number
  runId?: number
  taskId?: number
  types?: readonly T[]
  limit?: number
}

export interface MemoryFilter {
  kinds?: readonly MemoryKind[]
  taskId?: number
  runId?: number
  /** Memories about any of these paths (a directory ends in `/`): the path itself, a directory holding it, a file inside it. */
  files?: readonly string[]
  standing?: boolean
  includeForgotten?: boolean
  /** Older than this memory (paging newest first). */
  beforeId?: number
  limit?: number
}

export interface UsageFilter {
  runId?: number
  taskId?: number
  agentId?: number
}

/**
 * Colony's durable state. Every mutable row carries a `version`; every update
 * names the version it read and fails with VersionConflictError when someone
 * else got there first, so no update is ever silently lost. Events passed with
 * an update are written in the same transaction as the update.
 *
 * Implementations run the same contract suite (store-contract.ts).
 */
export interface Store {
  readonly kind: StoreKind
  /** Where the data lives: a file path or a connection string without password. */
  readonly location: string

  createRun(input: { goal?: string | null; target: string }, events?: NewEvent[]): Promise<Run>
  getRun(id: number): Promise<Run>
  latestRun(): Promise<Run | undefined>
  updateRun(id: number, expectedVersion: number, change: RunChange, events?: NewEvent[]): Promise<Run>

  createTask(input: NewTask, events?: NewEvent[]): Promise<Task>
  getTask(id: number): Promise<Task>
  findTask(id: number): Promise<Task | undefined>
  listTasks(filter?: TaskFilter): Promise<Task[]>
  /** Whether any task matches (`limit` and `offset` aside): one index probe, where listTasks sorts every match. */
  hasTasks(filter: TaskFilter): Promise<boolean>
  countTasksByStatus(runId?: number): Promise<Partial<Record<TaskStatus, number>>>
  updateTask(id: number, expectedVersion: number, change: TaskChange, events?: NewEvent[]): Promise<Task>

  createAgent(input: NewAgent, events?: NewEvent[]): Promise<Agent>
  getAgent(id: number): Promise<Agent>
  listAgents(filter?: { runId?: number; statuses?: readonly string[] }): Promise<Agent[]>
  updateAgent(id: number, expectedVersion: number, change: AgentChange, events?: NewEvent[]): Promise<Agent>

  appendEvents(events: NewEvent[]): Promise<ColonyEvent[]>
  /** Events of `filter.types` come back typed as those types. */
  listEvents<T extends EventType = EventType>(filter?: EventFilter<T>): Promise<ColonyEventOf<T>[]>

  addHandoff(input: NewHandoff, events?: NewEvent[]): Promise<Handoff>
  listHandoffs(filter: HandoffFilter): Promise<Handoff[]>

  appendTranscript(agentId: number, entries: { role: string; content: unknown }[]): Promise<void>
  getTranscript(agentId: number): Promise<TranscriptEntry[]>

  recordUsage(record: UsageRecord): Promise<void>
  usageTotals(filter?: UsageFilter): Promise<UsageTotals>

  /** Records a request that waits for a person (status `pending`). */
  requestApproval(input: NewApproval, events?: NewEvent[]): Promise<Approval>
  getApproval(id: number): Promise<Approval>
  listApprovals(filter?: { runId?: number; statuses?: readonly ApprovalStatus[] }): Promise<Approval[]>
  /** Decides a request by compare-and-swap on its version; only a pending request can be decided. */
  decideApproval(id: number, expectedVersion: number, decision: ApprovalDecision, events?: NewEvent[]): Promise<Approval>

  /**
   * Takes (or, for its owner, extends) the named lock for `ttlMs`; false while
   * someone else holds it and it has not expired. Every process sharing the
   * store sees the same lock.
   */
  tryLock(name: string, owner: string, ttlMs: number): Promise<boolean>
  /** Lets the named lock go, if `owner` still holds it. */
  unlock(name: string, owner: string): Promise<void>
  /** Who holds the named lock now (undefined when nobody does, or their time ran out). */
  lockHolder(name: string): Promise<string | undefined>

  /** A memory written by an agent or a person; handoffs, verdicts, steering and ended attempts become memories as they are written. */
  addMemory(input: NewMemory, events?: (memory: Memory) => NewEvent[]): Promise<Memory>
  getMemory(id: number): Promise<Memory>
  /** Newest first (at most `limit`, 50 unless told); forgotten ones only when asked. */
  listMemories(filter?: MemoryFilter): Promise<Memory[]>
  /** Full-text search, best first (at most `limit`, 10 unless told). Plain words, stemmed, any of them; no query syntax. */
  recallMemories(query: string, filter?: MemoryFilter): Promise<MemoryHit[]>
  forgetMemory(id: number, by: string, events?: NewEvent[]): Promise<Memory>
  /** A change to `files` landed at `commit`: memories about them written before (not by `taskId`) become stale. Returns how many. */
  markMemoriesStale(change: { files: readonly string[]; commit: string; taskId?: number | null }): Promise<number>

  close(): Promise<void>
}
