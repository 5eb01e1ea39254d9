import { ColonyError } from '../errors/index.ts'
import { VersionConflictError, type TaskStatus } from '../store/index.ts'
import { legalTransitions } from './transitions.ts'

const hints: Partial<Record<TaskStatus, string>> = {
  merged: 'a merged task is already on the target branch; undo it with `colony revert ID`',
  cancelled: 'a cancelled task is final; add a new task instead',
}

export class IllegalTransitionError extends ColonyError {
  override readonly name = 'IllegalTransitionError'
  override get httpStatus() {
    return 409 as const
  }
  readonly taskId: number
  readonly from: TaskStatus
  readonly to: TaskStatus

  constructor(taskId: number, from: TaskStatus, to: TaskStatus) {
    const allowed = legalTransitions[from]
    super(`task ${taskId} is ${from}; it cannot become ${to}`, {
      hint:
        hints[from] ??
        (allowed.length > 0 ? `from ${from} a task can become: ${allowed.join(', ')}` : `${from} is final`),
    })
    this.taskId = taskId
    this.from = from
    this.to = to
  }
}

/** The worker no longer holds the task: its lease expired or a person took it back. */
export class LeaseLostError extends ColonyError {
  override readonly name = 'LeaseLostError'
  override get httpStatus() {
    return 409 as const
  }
  readonly taskId: number
  readonly owner: string

  /** Fatal to an agent's attempt: the model cannot fix it (ErrorKind). */
  override get kind() {
    return 'fatal' as const
  }

  constructor(taskId: number, owner: string, detail: string) {
    super(`${owner} no longer holds task ${taskId}: ${detail}`, {
      hint: 'stop working on it; the board decides who runs it next',
    })
    this.taskId = taskId
    this.owner = owner
  }
}

/** Someone else (another process, a sweeper, a person) changed the task first: their change stands. */
export function changedByAnother(error: unknown): boolean {
  return error instanceof LeaseLostError || error instanceof VersionConflictError
}

/** A cancel came after the task's change had landed on the target: the task is recorded merged instead. */
export class AlreadyLandedError extends ColonyError {
  override readonly name = 'AlreadyLandedError'
  override get httpStatus() {
    return 409 as const
  }
  readonly taskId: number
  readonly commit: string

  constructor(taskId: number, commit: string) {
    super(`task ${taskId} had already landed on the target as ${commit.slice(0, 12)} when the cancel came; it is recorded merged`, {
      hint: `undo it with \`colony revert ${taskId} --reason "..."\``,
    })
    this.taskId = taskId
    this.commit = commit
  }
}

/** A field of a task (or of a person's message to a run) that cannot be stored: too long, empty, or leading outside the repository. */
export class InvalidFieldError extends ColonyError {
  override readonly name = 'InvalidFieldError'
  override get httpStatus() {
    return 400 as const
  }
  readonly field: string

  constructor(field: string, problem: string, hint: string) {
    super(problem, { hint })
    this.field = field
  }
}
