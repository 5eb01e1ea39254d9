import { ColonyError } from '../errors/index.ts'

/** A compare-and-swap lost: someone else changed the row since it was read. */
export class VersionConflictError extends ColonyError {
  override readonly name = 'VersionConflictError'
  override get httpStatus() {
    return 409 as const
  }
  readonly table: string
  readonly id: number
  readonly expectedVersion: number
  readonly actualVersion: number

  constructor(table: string, id: number, expectedVersion: number, actualVersion: number) {
    super(`${table} ${id} changed meanwhile (expected version ${expectedVersion}, found ${actualVersion})`, {
      hint: 'read it again and retry the change',
    })
    this.table = table
    this.id = id
    this.expectedVersion = expectedVersion
    this.actualVersion = actualVersion
  }
}

export class TaskNotFoundError extends ColonyError {
  override readonly name = 'TaskNotFoundError'
  override get httpStatus() {
    return 404 as const
  }
  readonly taskId: number

  constructor(taskId: number) {
    super(`no task with id ${taskId}`, { hint: 'see the tasks with `colony task list`' })
    this.taskId = taskId
  }
}

export class MemoryNotFoundError extends ColonyError {
  override readonly name = 'MemoryNotFoundError'
  override get httpStatus() {
    return 404 as const
  }
  readonly memoryId: number

  constructor(memoryId: number) {
    super(`no memory with id ${memoryId}`, { hint: 'see what Colony remembers with `colony memory` or `colony memory search WORDS`' })
    this.memoryId = memoryId
  }
}

export class RunNotFoundError extends ColonyError {
  override readonly name = 'RunNotFoundError'
  override get httpStatus() {
    return 404 as const
  }
  readonly runId: number

  constructor(runId: number) {
    super(`no run with id ${runId}`, { hint: 'see the current run with `colony status`' })
    this.runId = runId
  }
}

export class AgentNotFoundError extends ColonyError {
  override readonly name = 'AgentNotFoundError'
  override get httpStatus() {
    return 404 as const
  }
  readonly agentId: number

  constructor(agentId: number) {
    super(`no agent with id ${agentId}`, { hint: 'see the agents with `colony status`' })
    this.agentId = agentId
  }
}

/** Another process held the database longer than the busy timeout. */
export class StoreLockedError extends ColonyError {
  override readonly name = 'StoreLockedError'
  override get httpStatus() {
    return 503 as const
  }
  readonly location: string
  /** How long this process waited for the lock (the busy timeout), when known. */
  readonly waitedMs: number | undefined

  /** Fatal to an agent's attempt: the model cannot fix it (ErrorKind). */
  override get kind() {
    return 'fatal' as const
  }

  constructor(location: string, cause: unknown, waitedMs?: number) {
    const waited = waitedMs === undefined ? '' : ` (still locked after waiting ${formatSeconds(waitedMs)})`
    super(`the database ${location} is locked by another process${waited}`, {
      hint: 'wait for the other colony command to finish and retry, or let this one wait longer with COLONY_BUSY_TIMEOUT_MS=60000; if none is running, a crashed process may hold the lock: retry in a moment',
      cause,
    })
    this.location = location
    this.waitedMs = waitedMs
  }
}

function formatSeconds(milliseconds: number): string {
  return `${Number((milliseconds / 1000).toFixed(milliseconds < 1000 ? 2 : 1))} s`
}

/** The database file is not a database, or is damaged. */
export class StoreCorruptError extends ColonyError {
  override readonly name = 'StoreCorruptError'
  override get httpStatus() {
    return 500 as const
  }
  readonly location: string

  /** Fatal to an agent's attempt: the model cannot fix it (ErrorKind). */
  override get kind() {
    return 'fatal' as const
  }

  constructor(location: string, detail: string, cause: unknown) {
    super(`the database ${location} is damaged or not a Colony database (${detail})`, {
      hint: `move it aside (mv ${location} ${location}.broken) and run \`colony init\` to start a fresh one; your git branches are not affected`,
      cause,
    })
    this.location = location
  }
}

/** The store could not be reached or opened for a reason other than a lock or corruption. */
export class StoreUnavailableError extends ColonyError {
  override readonly name = 'StoreUnavailableError'
  override get httpStatus() {
    return 503 as const
  }
  readonly location: string

  /** Fatal to an agent's attempt: the model cannot fix it (ErrorKind). */
  override get kind() {
    return 'fatal' as const
  }

  constructor(location: string, detail: string, cause: unknown) {
    super(`cannot use the database ${location}: ${detail}`, {
      hint: 'check that the path or connection string is right and reachable',
      cause,
    })
    this.location = location
  }
}

export class ApprovalNotFoundError extends ColonyError {
  override readonly name = 'ApprovalNotFoundError'
  override get httpStatus() {
    return 404 as const
  }
  readonly approvalId: number

  constructor(approvalId: number) {
    super(`no approval request with id ${approvalId}`, { hint: 'list the requests that wait for you with `colony approvals`' })
    this.approvalId = approvalId
  }
}
