import { InvalidFieldError, messageLimits, textProblem, type Board } from '../board/index.ts'
import { ColonyError } from '../errors/index.ts'
import { isRunEnded, type Run, type RunStatus, type Store, type Task } from '../store/index.ts'
import { moveRun, runMoves, type RunMove } from './run-lifecycle.ts'

export class RunStateError extends ColonyError {
  override readonly name = 'RunStateError'
  override get httpStatus() {
    return 409 as const
  }
  readonly runId: number
  readonly status: RunStatus

  constructor(run: Run, action: string, hint: string) {
    super(`run ${run.id} is ${run.status === 'pending' ? 'pending (not started yet)' : run.status}; cannot ${action}`, { hint })
    this.runId = run.id
    this.status = run.status
  }
}

export class NotAwaitingApprovalError extends ColonyError {
  override readonly name = 'NotAwaitingApprovalError'
  override get httpStatus() {
    return 409 as const
  }
  readonly taskId: number

  constructor(task: Task) {
    super(`task ${task.id} is ${task.status}, not awaiting approval`, {
      hint: 'see what waits for you with `colony task list --status awaiting_approval`',
    })
    this.taskId = task.id
  }
}

export class ApprovalAlreadyDecidedError extends ColonyError {
  override readonly name = 'ApprovalAlreadyDecidedError'
  override get httpStatus() {
    return 409 as const
  }
  readonly approvalId: number

  constructor(approvalId: number, status: string) {
    super(`command request ${approvalId} is already ${status}`, { hint: 'see what still waits for you with `colony approvals`' })
    this.approvalId = approvalId
  }
}

/** What a task waits for a person to approve: its plan (before work) or its merge (after the gate). */
export type ApprovalKind = 'plan' | 'merge'

export function approvalKindOf(task: Task): ApprovalKind {
  return task.result?.awaiting === 'merge' ? 'merge' : 'plan'
}

/**
 * A person's controls over a run, acting through the store so they work from
 * any terminal while the run goes on elsewhere. The supervisor notices each
 * change at its next step.
 */
export function createControls({ store, board, actor = 'person' }: { store: Store; board: Board; actor?: string }) {
  function changeRun(runId: number, action: string, move: RunMove, hint: string) {
    return moveRun(store, runId, move, (run) => {
      if (run.status === 'pending') {
        throw new RunStateError(run, action, `run ${run.id} has not started yet, so there is nothing to ${action}: start it with \`colony run --goal "..."\` (tasks you add wait on the board until then)`)
      }
      throw new RunStateError(run, action, hint)
    })
  }

  return {
    /** Agents finish their current step; nothing new starts until resume. A run that has not started has nothing to pause. */
    pause: (runId: number) => changeRun(runId, 'pause', runMoves.pause(actor), 'only a running run can pause; see `colony status`'),
    resume: (runId: number) => changeRun(runId, 'resume', runMoves.resume(actor), 'only a paused run can resume; see `colony status`'),
    /** The run ends cleanly: agents stop after their current step, held tasks go back to ready. A run that has not started has nothing to stop. */
    stop: (runId: number) => changeRun(runId, 'stop', runMoves.stop(actor), 'the run has already ended; start another with `colony run`'),

    /** A message for the planners' next turn, recorded in the event log. */
    async steer(runId: number, text: string) {
      const problem = textProblem(text, { maxLength: messageLimits.steeringLength, multiline: true, required: true })
      if (problem) throw new InvalidFieldError('text', `the steering message ${problem}`, 'say in a few sentences what should change; planners read it on their next turn')
      const run = await store.getRun(runId)
      if (isRunEnded(run.status)) throw new RunStateError(run, 'steer', 'no planner will read it: start another run with `colony run --goal "..."`')
      const [event] = await store.appendEvents([{ runId: run.id, type: 'run-steered', data: { text, actor } }])
      return event!
    },

    async approve(taskId: number) {
      const task = await store.getTask(taskId)
      if (task.status !== 'awaiting_approval') throw new NotAwaitingApprovalError(task)
      const kind = approvalKindOf(task)
      // An approved merge goes to `integrating` with no owner: the supervisor lands it.
      return board.transition(taskId, kind === 'plan' ? 'ready' : 'integrating', { actor, data: { approved: kind } })
    },

    async reject(taskId: number, reason: string) {
      const task = await store.getTask(taskId)
      if (task.status !== 'awaiting_approval') throw new NotAwaitingApprovalError(task)
      const kind = approvalKindOf(task)
      if (kind === 'plan') return board.transition(taskId, 'cancelled', { actor, reason: `plan rejected: ${reason}`, data: { rejected: kind } })
      // A rejected merge is another attempt's work: the reason reaches the next worker.
      return board.transition(taskId, 'ready', { actor, reason: `merge rejected: ${reason}`, data: { rejected: kind } })
    },

    async approveCommand(approvalId: number) {
      const approval = await store.getApproval(approvalId)
      if (approval.status !== 'pending') throw new ApprovalAlreadyDecidedError(approval.id, approval.status)
      return store.decideApproval(approval.id, approval.version, { status: 'approved', decidedBy: actor }, [{ type: 'command-approved', data: { command: approval.subject, actor } }])
    },

    async rejectCommand(approvalId: number, reason: string) {
      const approval = await store.getApproval(approvalId)
      if (approval.status !== 'pending') throw new ApprovalAlreadyDecidedError(approval.id, approval.status)
      return store.decideApproval(approval.id, approval.version, { status: 'rejected', reason, decidedBy: actor }, [{ type: 'command-rejected', data: { command: approval.subject, reason, actor } }])
    },

    retry: (taskId: number, reason?: string) => board.retry(taskId, reason ?? 'retried by a person', actor),
    cancel: (taskId: number, reason?: string) => board.cancel(taskId, reason ?? 'cancelled by a person', actor),
  }
}

export type Controls = ReturnType<typeof createControls>
