import type { EventData } from '../events/index.ts'
import {
  VersionConflictError,
  type NewEvent,
  type NewTask,
  type Store,
  type Task,
  type TaskChange,
  type TaskStatus,
} from '../store/index.ts'
import { AlreadyLandedError, IllegalTransitionError, LeaseLostError } from './errors.ts'
import { isLandingOwner } from './landing-owner.ts'
import { assertTaskFields } from './task-fields.ts'
import { canTransition, eventTypeFor, leasedStatuses } from './transitions.ts'

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

export interface ClaimOptions {
  runId: number
  owner: string
  kinds?: readonly Task['kind'][]
  /** Skip tasks this claimer must not take now (e.g. their scope overlaps running work). */
  accept?: (task: Task) => boolean
}

/**
 * The rules of a task's life over the store: only legal transitions, claims
 * and heartbeats by compare-and-swap, leases that expire, retries up to
 * `maxAttempts`, and readiness from dependencies. Every change appends an event
 * in the same transaction.
 */
export interface Board {
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
  /** Takes an approved change (integrating, no owner) to land it, as `owner` (a landingOwner). */
  adoptLanding(task: Task, owner: string): Promise<Task>
  /** The lander stopped: the change stays approved and integrating, with no owner, for the next lander. */
  interruptLanding(task: Task, reason: string): Promise<Task>
  /** A person's (or the orchestrator's) change of a task by id, retried over concurrent heartbeats. */
  transition(taskId: number, to: TaskStatus, details?: { reason?: string; actor?: string; data?: TaskMoveData }): Promise<Task>
  /** Cancels a task; throws AlreadyLandedError (and records it merged) when its change landed before the cancel. */
  cancel(taskId: number, reason?: string, actor?: string): Promise<Task>
  /** The target has the task's commit (git decided): record it merged, from whatever unsettled status the board last knew. */
  recordLanded(taskId: number, commit: string, actor: string): Promise<Task>
  /** Gives a failed, reverted or blocked task a fresh set of attempts. */
  retry(taskId: number, reason?: string, actor?: string): Promise<Task>
}

/** A task in one of these cannot merge until a person or the planner acts, so its dependents wait as blocked. */
const blockingStatuses: readonly TaskStatus[] = ['failed', 'cancelled', 'reverted', 'blocked']

const defaultLeaseMs = 60_000
const maxConflictRetries = 20
const claimPageSize = 64

/**
 * Claim order: highest priority first; among tasks of the top priority, each
 * claimer starts at a random one. PERF: with every claimer starting at the same
 * oldest task, 32 processes spent most claims losing races for it (p99 1.4 s in
 * bench/store.ts). Order between equal-priority tasks is not promised: `--after`
 * (depends_on) is how order is asked for.
 */
function spreadEqualPriorities(page: Task[]): Task[] {
  const top = page[0]?.priority
  const topGroup = page.filter((task) => task.priority === top)
  if (topGroup.length < 2) return page
  const start = Math.floor(Math.random() * topGroup.length)
  return [...topGroup.slice(start), ...topGroup.slice(0, start), ...page.slice(topGroup.length)]
}

export function createBoard(options: BoardOptions): Board {
  const { store } = options
  const leaseMs = options.leaseMs ?? defaultLeaseMs
  const now = options.now ?? Date.now

  function assertLegal(task: Task, to: TaskStatus) {
    if (!canTransition(task.status, to, task.kind)) throw new IllegalTransitionError(task.id, task.status, to)
  }

  /** Retries a change when only a concurrent write (a heartbeat, usually) moved the version. */
  async function withFreshTask(taskId: number, apply: (task: Task) => Promise<Task>): Promise<Task> {
    for (let tries = 0; ; tries++) {
      const task = await store.getTask(taskId)
      try {
        return await apply(task)
      } catch (error) {
        if (!(error instanceof VersionConflictError) || tries >= maxConflictRetries) throw error
      }
    }
  }

  /** An owner's write: a concurrent heartbeat of its own is retried; anyone else's change means the lease is lost. */
  async function ownerUpdate(task: Task, change: TaskChange, events: NewEvent[]): Promise<Task> {
    let current = task
    for (let tries = 0; ; tries++) {
      try {
        return await store.updateTask(current.id, current.version, change, events)
      } catch (error) {
        if (!(error instanceof VersionConflictError) || tries >= maxConflictRetries) throw error
        const latest = await store.getTask(task.id)
        if (latest.owner !== task.owner || latest.status !== task.status) {
          throw new LeaseLostError(task.id, task.owner ?? 'nobody', `it is now ${latest.status}${latest.owner ? ` (owner ${latest.owner})` : ''}`)
        }
        current = latest
      }
    }
  }

  function endAttempt(task: Task, reason: string, cause: 'task-attempt-failed' | 'task-lease-expired'): { change: TaskChange; events: NewEvent[] } {
    const exhausted = task.attempt >= task.maxAttempts
    const next: TaskStatus = exhausted ? 'failed' : 'ready'
    assertLegal(task, next)
    const nextReason = exhausted ? `${reason} (after ${task.attempt} of ${task.maxAttempts} attempts)` : reason
    const change: TaskChange = exhausted
      ? { status: 'failed', owner: null, leaseUntil: null, reason: nextReason }
      : { status: 'ready', owner: null, leaseUntil: null, attempt: task.attempt + 1, reason: nextReason }
    const events: NewEvent[] = [
      { type: cause, data: { owner: task.owner, attempt: task.attempt, maxAttempts: task.maxAttempts, reason, next } },
      { type: eventTypeFor(next), data: { from: task.status, reason: nextReason, attempt: change.attempt ?? task.attempt } },
    ]
    return { change, events }
  }

  function landingInterrupted(task: Task, reason: string): { change: TaskChange; events: NewEvent[] } {
    return { change: { owner: null, leaseUntil: null }, events: [{ type: 'task-landing-interrupted', data: { owner: task.owner, reason } }] }
  }

  /**
   * Dependents of a task that cannot merge now (failed, cancelled, reverted,
   * or itself blocked) wait as blocked, and so do theirs, all the way down: a
   * ready task that can never start would otherwise count as work left and
   * keep the run from its judge. They come back when the task is retried.
   */
  async function blockDependents(task: Task) {
    const pending = [task]
    for (let blocker = pending.pop(); blocker; blocker = pending.pop()) {
      const reason = `dependency ${blocker.id} is ${blocker.status}`
      for (const dependent of await store.listTasks({ dependsOn: blocker.id, statuses: ['ready'] })) {
        const blocked = await withFreshTask(dependent.id, async (fresh) => {
          if (fresh.status !== 'ready') return fresh
          return store.updateTask(fresh.id, fresh.version, { status: 'blocked', reason }, [
            { type: 'task-blocked', data: { from: 'ready', dependency: blocker.id, reason } },
          ])
        })
        if (blocked.status === 'blocked') pending.push(blocked)
      }
    }
  }

  /** Blocked dependents whose dependencies can all merge again go back to ready, and theirs after them. */
  async function unblockDependents(task: Task) {
    const pending = [task]
    for (let unblocker = pending.pop(); unblocker; unblocker = pending.pop()) {
      for (const dependent of await store.listTasks({ dependsOn: unblocker.id, statuses: ['blocked'] })) {
        const dependencies = await Promise.all(dependent.dependsOn.map((id) => store.getTask(id)))
        if (dependencies.some((dependency) => blockingStatuses.includes(dependency.status))) continue
        const ready = await withFreshTask(dependent.id, async (fresh) => {
          if (fresh.status !== 'blocked') return fresh
          return store.updateTask(fresh.id, fresh.version, { status: 'ready', reason: null }, [
            { type: 'task-ready', data: { from: 'blocked', dependency: unblocker.id } },
          ])
        })
        if (ready.status === 'ready') pending.push(ready)
      }
    }
  }

  async function afterSettled(task: Task) {
    if (blockingStatuses.includes(task.status)) await blockDependents(task)
    return task
  }

  const board: Board = {
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

    async claim({ runId, owner, kinds, accept }) {
      await board.expireLeases(runId)
      for (let offset = 0; ; offset += claimPageSize) {
        const page = await store.listTasks({ runId, statuses: ['ready'], dependenciesMerged: true, limit: claimPageSize, offset })
        for (const task of spreadEqualPriorities(page)) {
          if (kinds && !kinds.includes(task.kind)) continue
          if (accept && !accept(task)) continue
          const leaseUntil = now() + leaseMs
          try {
            return await store.updateTask(task.id, task.version, { status: 'claimed', owner, leaseUntil }, [
              { type: 'task-claimed', data: { owner, attempt: task.attempt, leaseUntil } },
            ])
          } catch (error) {
            // Lost the race for this task: someone else claimed it. Try the next one.
            if (error instanceof VersionConflictError) continue
            throw error
          }
        }
        if (page.length < claimPageSize) return undefined
      }
    },

    async heartbeat(task) {
      if (!leasedStatuses.includes(task.status)) throw new LeaseLostError(task.id, task.owner ?? 'nobody', `it is ${task.status}`)
      return ownerUpdate(task, { leaseUntil: now() + leaseMs }, [])
    },

    async advance(task, to, details = {}) {
      assertLegal(task, to)
      const leased = leasedStatuses.includes(to)
      const change: TaskChange = {
        status: to,
        ...(leased ? { leaseUntil: now() + leaseMs } : { owner: null, leaseUntil: null }),
        ...(details.result !== undefined && { result: details.result }),
        ...(details.reason !== undefined && { reason: details.reason }),
      }
      const updated = await ownerUpdate(task, change, [
        { type: eventTypeFor(to), data: { from: task.status, owner: task.owner, ...(details.reason && { reason: details.reason }), ...details.data, ...(details.result && { result: details.result }) } },
      ])
      return afterSettled(updated)
    },

    async failAttempt(task, reason) {
      const { change, events } = endAttempt(task, reason, 'task-attempt-failed')
      return afterSettled(await ownerUpdate(task, change, events))
    },

    async release(task, reason) {
      assertLegal(task, 'ready')
      return ownerUpdate(task, { status: 'ready', owner: null, leaseUntil: null, reason }, [
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
          returned.push(await afterSettled(await store.updateTask(task.id, task.version, change, events)))
        } catch (error) {
          // A heartbeat or another sweeper got there first: the task is in good hands.
          if (!(error instanceof VersionConflictError)) throw error
        }
      }
      return returned
    },

    async adoptLanding(task, owner) {
      if (task.status !== 'integrating' || task.owner !== null) throw new LeaseLostError(task.id, task.owner ?? 'nobody', `it is ${task.status}${task.owner ? `, held by ${task.owner}` : ''}`)
      return store.updateTask(task.id, task.version, { owner, leaseUntil: now() + leaseMs }, [{ type: 'task-landing', data: { owner } }])
    },

    async interruptLanding(task, reason) {
      const { change, events } = landingInterrupted(task, reason)
      return store.updateTask(task.id, task.version, change, events)
    },

    async transition(taskId, to, details = {}) {
      const updated = await withFreshTask(taskId, (task) => {
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
      return afterSettled(updated)
    },

    async cancel(taskId, reason = 'cancelled', actor) {
      const task = await store.getTask(taskId)
      assertLegal(task, 'cancelled')
      const gate = options.landings
      if (!gate || task.kind === 'plan') return board.transition(taskId, 'cancelled', { reason, ...(actor && { actor }) })
      const closed = await gate.close(task, reason)
      if ('landed' in closed) {
        await board.recordLanded(taskId, closed.landed, actor ?? 'colony')
        throw new AlreadyLandedError(taskId, closed.landed)
      }
      try {
        return await board.transition(taskId, 'cancelled', { reason, ...(actor && { actor }) })
      } catch (error) {
        await gate.reopen(task, closed.closed)
        throw error
      }
    },

    async recordLanded(taskId, commit, actor) {
      return withFreshTask(taskId, async (task) => {
        if (task.status === 'merged') return task
        if (!['claimed', 'running', 'integrating', 'awaiting_approval', 'ready', 'blocked'].includes(task.status)) throw new IllegalTransitionError(task.id, task.status, 'merged')
        return store.updateTask(task.id, task.version, { status: 'merged', owner: null, leaseUntil: null, result: { ...task.result, commit } }, [
          { type: 'task-merged', data: { from: task.status, owner: task.owner, actor, commit, recorded: 'the target branch has the task\'s commit' } },
        ])
      })
    },

    async retry(taskId, reason = 'retried', actor) {
      const updated = await withFreshTask(taskId, (task) => {
        if (!['failed', 'reverted', 'blocked'].includes(task.status)) throw new IllegalTransitionError(task.id, task.status, 'ready')
        // The reason stays on the task so that the next attempt knows what went wrong before.
        const history = `retried (${reason})${task.reason ? `; before that: ${task.reason}` : ''}`
        return store.updateTask(task.id, task.version, { status: 'ready', attempt: 1, owner: null, leaseUntil: null, reason: history }, [
          { type: 'task-retried', data: { from: task.status, reason, previousAttempt: task.attempt, ...(actor && { actor }) } },
        ])
      })
      await unblockDependents(updated)
      return updated
    },
  }
  return board
}
