import { ColonyError } from '../errors/index.ts'

/** A task with no change to show: not worked on yet, a plan, or an attempt whose worktree is gone. */
export class NoTaskChangeError extends ColonyError {
  override readonly name = 'NoTaskChangeError'
  override get httpStatus() {
    return 409 as const
  }
  readonly taskId: number
  readonly status: string

  constructor(taskId: number, status: string, why: string, hint: string) {
    super(`task ${taskId} is ${status}: ${why}`, { hint })
    this.taskId = taskId
    this.status = status
  }
}

/** The task's change names a commit this clone does not have (made by a worker in another clone). */
export class TaskChangeMissingError extends ColonyError {
  override readonly name = 'TaskChangeMissingError'
  override get httpStatus() {
    return 409 as const
  }
  readonly taskId: number
  readonly commit: string

  constructor(taskId: number, commit: string) {
    super(`task ${taskId}'s change is commit ${commit.slice(0, 12)}, which this repository does not have`, {
      hint: 'it was made in another clone (a `colony worker` on another machine): look at it there, or fetch it into this one',
    })
    this.taskId = taskId
    this.commit = commit
  }
}
