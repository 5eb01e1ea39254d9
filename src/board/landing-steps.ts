import type { Store, Task, TaskStatus } from '../store/index.ts'
import { AlreadyLandedError, IllegalTransitionError, LeaseLostError } from './errors.ts'
import { assertLegal, landingInterrupted } from './task-changes.ts'
import { withFreshTask } from './task-writes.ts'

/**
 * Where the landing of a task is decided (the target branch's outcome refs,
 * src/git/task-outcome.ts). A cancel closes the task there first, so that a
 * landing under way either lands before it (and the task is recorded merged)
 * or not at all.
 */
export interface LandingGate {
  /** Closes the task to landings; `landed` with the commit when it had landed already. */
  close(task: Task, reason: string): Promise<{ landed: string } | { closed: string }>
  /** Undoes `close` when the cancel itself did not go through. */
  reopen(task: Task, marker: string): Promise<void>
}

/** The board's moves that meet the landing of a task's change on the target branch. */
export interface LandingSteps {
  /** Takes an approved change (integrating, no owner) to land it, as `owner` (a landingOwner). */
  adoptLanding(task: Task, owner: string): Promise<Task>
  /** The lander stopped: the change stays approved and integrating, with no owner, for the next lander. */
  interruptLanding(task: Task, reason: string): Promise<Task>
  /** Cancels a task; throws AlreadyLandedError (and records it merged) when its change landed before the cancel. */
  cancel(taskId: number, reason?: string, actor?: string): Promise<Task>
  /** The target has the task's commit (git decided): record it merged, from whatever unsettled status the board last knew. */
  recordLanded(taskId: number, commit: string, actor: string): Promise<Task>
}

export interface LandingStepsOptions {
  store: Store
  /** Without one (tests of the board alone), a cancel is a store change only. */
  landings: LandingGate | undefined
  leaseUntilFromNow: () => number
  /** The board's own person-made transition, which a cancel ends with. */
  transition: (taskId: number, to: TaskStatus, details: { reason?: string; actor?: string }) => Promise<Task>
}

export function createLandingSteps({ store, landings, leaseUntilFromNow, transition }: LandingStepsOptions): LandingSteps {
  const steps: LandingSteps = {
    async adoptLanding(task, owner) {
      if (task.status !== 'integrating' || task.owner !== null) throw new LeaseLostError(task.id, task.owner ?? 'nobody', `it is ${task.status}${task.owner ? `, held by ${task.owner}` : ''}`)
      return store.updateTask(task.id, task.version, { owner, leaseUntil: leaseUntilFromNow() }, [{ type: 'task-landing', data: { owner } }])
    },

    async interruptLanding(task, reason) {
      const { change, events } = landingInterrupted(task, reason)
      return store.updateTask(task.id, task.version, change, events)
    },

    async cancel(taskId, reason = 'cancelled', actor) {
      const task = await store.getTask(taskId)
      assertLegal(task, 'cancelled')
      if (!landings || task.kind === 'plan') return transition(taskId, 'cancelled', { reason, ...(actor && { actor }) })
      const closed = await landings.close(task, reason)
      if ('landed' in closed) {
        await steps.recordLanded(taskId, closed.landed, actor ?? 'colony')
        throw new AlreadyLandedError(taskId, closed.landed)
      }
      try {
        return await transition(taskId, 'cancelled', { reason, ...(actor && { actor }) })
      } catch (error) {
        await landings.reopen(task, closed.closed)
        throw error
      }
    },

    async recordLanded(taskId, commit, actor) {
      return withFreshTask(store, taskId, async (task) => {
        if (task.status === 'merged') return task
        if (!['claimed', 'running', 'integrating', 'awaiting_approval', 'ready', 'blocked'].includes(task.status)) throw new IllegalTransitionError(task.id, task.status, 'merged')
        return store.updateTask(task.id, task.version, { status: 'merged', owner: null, leaseUntil: null, result: { ...task.result, commit } }, [
          { type: 'task-merged', data: { from: task.status, owner: task.owner, actor, commit, recorded: 'the target branch has the task\'s commit' } },
        ])
      })
    },
  }
  return steps
}
