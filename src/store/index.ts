export type { Store, TaskFilter, EventFilter, UsageFilter } from './store.ts'
export type { StoreKind } from './migrations.ts'
export { openStore, isPostgresUrl, type OpenStoreOptions } from './open-store.ts'
export {
  VersionConflictError,
  TaskNotFoundError,
  RunNotFoundError,
  AgentNotFoundError,
  ApprovalNotFoundError,
  StoreLockedError,
  StoreCorruptError,
  StoreUnavailableError,
} from './errors.ts'
export {
  taskStatuses,
  taskKinds,
  runStatuses,
  isRunEnded,
  type Task,
  type TaskStatus,
  type TaskKind,
  type TaskResult,
  type NewTask,
  type TaskChange,
  type Run,
  type RunStatus,
  type EndedRunStatus,
  type RunChange,
  type Agent,
  type NewAgent,
  type AgentChange,
  type ColonyEvent,
  type NewEvent,
  type Handoff,
  type NewHandoff,
  type TranscriptEntry,
  type UsageRecord,
  type UsageTotals,
  type Note,
  type NewNote,
  approvalStatuses,
  type Approval,
  type ApprovalStatus,
  type NewApproval,
  type ApprovalDecision,
} from './records.ts'
export { eventToJson, taskToJson } from './record-json.ts'
export type { ColonyEventJson } from './record-json.ts'
