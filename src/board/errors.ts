import { ColonyError } from '../errors/index.ts'
import type { TaskStatus } from '../store/index.ts'
import { legalTransitions } from './transitions.ts'

const hints: Partial<Record<TaskStatus, string>> = {
  merged: 'a merged task is already on the target branch; undo it with `colony revert ID`',
  cancelled: 'a cancelled task is final; add a new task instead',
}

export class IllegalTransitionError extends ColonyError {
  override readonly name = 'IllegalTransitionError'
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
  readonly taskId: number
  readonly owner: string

  constructor(taskId: number, owner: string, detail: string) {
    super(`${owner} no longer holds task ${taskId}: ${detail}`, {
      hint: 'stop working on it; the board decides who runs it next',
    })
    this.taskId = taskId
    this.owner = owner
  }
}
