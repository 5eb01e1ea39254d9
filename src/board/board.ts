import type { EventData } from '../events/index.ts'
import { VersionConflictError, type NewTask, type Store, type Task, type TaskChange, type TaskStatus } from '../store/index.ts'
import { claimReady, type ClaimOptions } from './claim-ready.ts'
import { afterSettled, blockingStatuses, unblockDependents } from './dependents.ts'
import { IllegalTransitionError, LeaseLostError } from './errors.ts'
import { isLandingOwner } from './landing-owner.ts'
import { createLandingSteps, type LandingGate, type LandingSteps } from './landing-steps.ts'
import { assertLegal, endAttempt, landingInterrupted } from './task-changes.ts'
import { assertTaskFields } from './task-fields.ts'
import { ownerUpdate, withFreshTask } from './task-writes.ts'
import { eventTypeFor, leasedStatuses } from './transitions.ts'

export type { ClaimOptions } from './claim-ready.ts'
export type { LandingGate } from './landing-steps.ts'

/** What a move of a task's status may add to its `task-<status>` event. */
export type TaskMoveData = Pick<EventData<'task-ready'>, 'approved' | 'rejected' | 'recovered' | 'commit' | 'revert' | 'output'>

export interface BoardOptions {
  store: Store
  /** Without one (tests of the board alone), a cancel is a store change only. */
  landings?: LandingGate
  /** How long a claim or heartbeat holds a task. */
  leaseMs?: number
  now?: () => number
}

/**
 * The rules of a task's life over the store: only legal transitions, claims
 * and heartbeats by compare-and-swap, leases that expire, retries up to
 * `maxAttempts`, and readiness from dependencies. Every change appends an event
 * in the same transaction.
 */
export interface Board extends LandingSteps {
  addTask(input: NewTask): Promise<Task>
  /** Takes the most important ready task whose dependencies have merged; undefined when there is none. */
  claim(options: ClaimOptions): Promise<Task | undefined>
  /** Extends the owner's lease. Throws LeaseLostError when the task was taken back. */
  heartbeat(task: Task): Promise<Task>
  /** An owner's move of its task to another status (claimed → running → integrating → merged). */
  advance(task: Task, to: TaskStatus, details?: { result?: Task['result']; reason?: string; data?: TaskMoveData }): Promise<Task>
  /** Ends the owner's attempt as failed: back to ready for another attempt, or failed for good after maxAttempts. */
  failAttempt(task: Task, reason: string): Promise<Task>
  /** Gives a task back without counting the attempt (the run is pausing or stopping). */
  release(task: Task, reason: string): Promise<Task>
  /** Returns tasks whose owners stopped heartbeating to ready (or failed), and says which; an approved change whose lander stopped waits for the next. */
  expireLeases(runId?: number): Promise<Task[]>
  /** A person's (or the orchestrator's) change of a task by id, retried over concurrent heartbeats. */
  transition(taskId: number, to: TaskStatus, details?: { reason?: string; actor?: string; data?: TaskMoveData }): Promise<Task>
  /** Gives a failed, reverted or blocked task a fresh set of attempts. */
  retry(taskId: number, reason?: string, actor?: string): Promise<Task>
}

const defaultLeaseMs = 60_000

export function createBoard(options: BoardOptions): Board {
  const { store } = options
  const leaseMs = options.leaseMs ?? defaultLeaseMs
  const now = options.now ?? Date.now
  const leaseUntilFromNow = () => now() + leaseMs
  const landingSteps = createLandingSteps({
    store,
    landings: options.landings,
    leaseUntilFromNow,
    transition: (taskId, to, details) => board.transition(taskId, to, details),
  })

  const board: Board = {
    ...landingSteps,

    async addTask(input) {
      assertTaskFields(input)
      // A task that depends on one which cannot merge now starts blocked, not ready.
      const dependencies = await Promise.all((input.dependsOn ?? []).map((id) => store.getTask(id)))
      const blocker = dependencies.find((dependency) => blockingStatuses.includes(dependency.status))
      const status = blocker && (input.status ?? 'ready') === 'ready' ? 'blocked' : (input.status ?? 'ready')
      const reason = blocker && status === 'blocked' ? `dependency ${blocker.id} is ${blocker.status}` : undefined
      return store.createTask({ ...input, status, ...(reason && { reason }) }, [
        { type: 'task-created', data: { title: input.title, kind: input.kind ?? 'work', status, createdBy: input.createdBy, dependsOn: input.dependsOn ?? [], ...(reason && { reason }) } },
      ])
    },

    async claim(claimOptions) {
      await board.expireLeases(claimOptions.runId)
      return claimReady(store, claimOptions, leaseUntilFromNow)
    },

    async heartbeat(task) {
      if (!leasedStatuses.includes(task.status)) throw new LeaseLostError(task.id, task.owner ?? 'nobody', `it is ${task.status}`)
      return ownerUpdate(store, task, { leaseUntil: leaseUntilFromNow() }, [])
    },

    async advance(task, to, details = {}) {
      assertLegal(task, to)
      const leased = leasedStatuses.includes(to)
      const change: TaskChange = {
        status: to,
        ...(leased ? { leaseUntil: leaseUntilFromNow() } : { owner: null, leaseUntil: null }),
        ...(details.result !== undefined && { result: details.result }),
        ...(details.reason !== undefined && { reason: details.reason }),
      }
      const updated = await ownerUpdate(store, task, change, [
        { type: eventTypeFor(to), data: { from: task.status, owner: task.owner, ...(details.reason && { reason: details.reason }), ...details.data, ...(details.result && { result: details.result }) } },
      ])
      return afterSettled(store, updated)
    },

    async failAttempt(task, reason) {
      const { change, events } = endAttempt(task, reason, 'task-attempt-failed')
      return afterSettled(store, await ownerUpdate(store, task, change, events))
    },

    async release(task, reason) {
      assertLegal(task, 'ready')
      return ownerUpdate(store, task, { status: 'ready', owner: null, leaseUntil: null, reason }, [
        { type: 'task-released', data: { from: task.status, owner: task.owner, reason } },
      ])
    },

    async expireLeases(runId) {
      const expired = await store.listTasks({
        ...(runId !== undefined && { runId }),
        statuses: leasedStatuses,
        leaseExpiredBefore: now(),
      })
      const returned: Task[] = []
      for (const task of expired) {
        const reason = `lease expired: ${task.owner ?? 'its owner'} stopped heartbeating`
        const { change, events } = isLandingOwner(task.owner) ? landingInterrupted(task, reason) : endAttempt(task, reason, 'task-lease-expired')
        try {
          returned.push(await afterSettled(store, await store.updateTask(task.id, task.version, change, events)))
        } catch (error) {
          // A heartbeat or another sweeper got there first: the task is in good hands.
          if (!(error instanceof VersionConflictError)) throw error
        }
      }
      return returned
    },

    async transition(taskId, to, details = {}) {
      const updated = await withFreshTask(store, taskId, (task) => {
        assertLegal(task, to)
        const change: TaskChange = {
          status: to,
          ...(!leasedStatuses.includes(to) && { owner: null, leaseUntil: null }),
          ...(details.reason !== undefined && { reason: details.reason }),
        }
        return store.updateTask(task.id, task.version, change, [
          { type: eventTypeFor(to), data: { from: task.status, ...(details.actor && { actor: details.actor }), ...(details.reason && { reason: details.reason }), ...details.data } },
        ])
      })
      return afterSettled(store, updated)
    },

    async retry(taskId, reason = 'retried', actor) {
      const updated = await withFreshTask(store, taskId, (task) => {
        if (!['failed', 'reverted', 'blocked'].includes(task.status)) throw new IllegalTransitionError(task.id, task.status, 'ready')
        // The reason stays on the task so that the next attempt knows what went wrong before.
        const history = `retried (${reason})${task.reason ? `; before that: ${task.reason}` : ''}`
        return store.updateTask(task.id, task.version, { status: 'ready', attempt: 1, owner: null, leaseUntil: null, reason: history }, [
          { type: 'task-retried', data: { from: task.status, reason, previousAttempt: task.attempt, ...(actor && { actor }) } },
        ])
      })
      await unblockDependents(store, updated)
      return updated
    },
  }
  return board
}
