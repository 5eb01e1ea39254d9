import { newEvent, type EmitEvent, type ProcessDescription } from '../events/index.ts'
import { setTimeout as delay } from 'node:timers/promises'
import { createInstanceId, type Board } from '../board/index.ts'
import { isRunEnded, type EndedRunStatus, type Run, type Store } from '../store/index.ts'
import { budgetExceeded, type Budget } from './budget.ts'
import { createClaims, type Claims } from './claims.ts'
import { createJudgeCycles, type JudgeCycles } from './judge-cycles.ts'
import { createModelFailures, type ModelFailures } from './model-failures.ts'
import { createPlannerTurns, type PlannerTurns } from './planner-turns.ts'
import { recoverHeldTasks } from './recovery.ts'
import type { Roles } from './role-contract.ts'
import { moveRun, runMoves } from './run-lifecycle.ts'
import { createSlotPool, StopRequested, type SlotPool } from './slots.ts'
import { recordSurvivedFailure } from './survived-failure.ts'
import { createTargetGuard } from './target-guard.ts'

export interface SupervisorOptions {
  store: Store
  board: Board
  runId: number
  roles: Roles
  workers: number
  budget?: Budget
  /** Per attempt (worker) or turn (planner). */
  attemptMinutes?: number
  /** The judge runs when no work is left, or when a cycle has lasted this long. */
  cycleMinutes?: number
  leaseMs?: number
  /** Let tasks whose scopes overlap run at the same time. */
  allowOverlap?: boolean
  /** Finds the target commit that already carries `Colony-Task: <id>`, for crash recovery. */
  findLandedCommit?: (taskId: number) => Promise<string | undefined>
  pollMs?: number
  /** Told when tasks have merged since the last look, whichever process merged them: the deep gate's cue. */
  onMerged?: () => void
  /**
   * Why the target cannot move now (a person has it checked out), or
   * undefined. Asked every loop: the run pauses while there is a reason and
   * resumes once it is gone (unless a person paused it too).
   */
  targetProblem?: () => Promise<string | undefined>
  /** Judge verdicts in a row after which a run that creates and merges nothing stops. */
  maxIdleCycles?: number
  now?: () => number
}

export interface RunResult {
  status: EndedRunStatus
  reason: string
  cycles: number
}

/** The pieces one supervisor is made of; each owns its part of the state. */
interface Parts {
  options: SupervisorOptions
  instanceId: string
  now: () => number
  slots: SlotPool
  planners: PlannerTurns
  claims: Claims
  cycles: JudgeCycles
  guardTarget: (run: Run) => Promise<Run>
  modelFailures: ModelFailures
  event: EmitEvent
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))

async function recover({ options, instanceId, planners }: Parts) {
  await recoverHeldTasks({ store: options.store, board: options.board, runId: options.runId, instanceId, findLandedCommit: options.findLandedCommit })
  await planners.resumeSteering()
}

/** The goal's root plan task, unless the run has one already (or has no goal yet). */
async function seedRootPlan({ store, board }: SupervisorOptions, run: Run) {
  const existing = await store.listTasks({ runId: run.id, statuses: undefined })
  if (existing.some((task) => task.kind === 'plan' && task.parentId === null) || !run.goal) return
  await board.addTask({ runId: run.id, kind: 'plan', title: `Plan: ${run.goal}`, description: run.goal, createdBy: 'colony', priority: 100 })
}

async function workRemains({ options, slots, planners }: Parts): Promise<boolean> {
  if (slots.size > 0) return true
  const open = await options.store.listTasks({ runId: options.runId, statuses: ['ready', 'claimed', 'running', 'integrating', 'awaiting_approval', 'proposed'] })
  return open.some((task) => !planners.isWaiting(task.id))
}

/** Ends the run: slots stop, waiting plans settle, and the run's status records how it ended. */
async function shutdown({ options, slots, planners }: Parts, status: EndedRunStatus, reason: string, cycles: number): Promise<RunResult> {
  await slots.stopAll(reason)
  await planners.settleAll(status, reason)
  await moveRun(options.store, options.runId, runMoves.end(status, reason, cycles))
  return { status, reason, cycles }
}

/** An end the run came to by itself (the judge, the budget): failed instead, saying why, when no model call of this session succeeded. */
async function endRun(parts: Parts, status: EndedRunStatus, reason: string, cycles: number): Promise<RunResult> {
  const failure = await parts.modelFailures.reason()
  return failure ? shutdown(parts, 'failed', failure, cycles) : shutdown(parts, status, reason, cycles)
}

/** When the cycle is over (no work left, or its time box ran out) the judge ends it; returns the result when that ends the run. */
async function judgeWhenDue(parts: Parts): Promise<RunResult | undefined> {
  const { options, slots, planners, cycles } = parts
  if (!cycles.timeBoxOver() && (await workRemains(parts))) return undefined
  // Read before the judge runs: a root planner in a turn when a time box ends is not there to plan after it.
  const root = planners.root()
  const ending = await cycles.close()
  if (ending.end === 'done') return endRun(parts, 'done', ending.reason, cycles.cycle)
  if (ending.end === 'no-progress') return endRun(parts, 'stopped', ending.reason, cycles.cycle)
  if (!root) return endRun(parts, 'failed', 'the judge asked for more work but no planner is left to plan it', cycles.cycle)
  if (slots.size < options.workers) await planners.turn(root.handle, root, { fresh: ending.verdict.decision === 'replan', feedback: ending.verdict.reason })
  return undefined
}

/** `Supervisor.run`: recovery, then the loop until the judge, a person, the budget or an error ends the run. */
async function superviseRun(parts: Parts): Promise<RunResult> {
  const { options, slots, planners, claims, cycles, now, event } = parts
  const { store, runId } = options
  await recover(parts)
  const taken = await store.getRun(runId)
  const started = await moveRun(store, runId, runMoves.start(parts.instanceId))
  if (started.status === 'done') return { status: 'done', reason: started.reason ?? 'done', cycles: 0 }
  // A run its last supervisor left running or paused (killed) is taken over as it is; recorded all the same, so the run's clock starts again here.
  if (started.version === taken.version) await event('run-started', { from: started.status, instance: parts.instanceId })
  await parts.modelFailures.begin()
  await seedRootPlan(options, started)
  await cycles.begin()
  const sessionStartedAt = now()
  let mergedSoFar = (await store.countTasksByStatus(runId)).merged ?? 0
  try {
    for (;;) {
      const run = await parts.guardTarget(await store.getRun(runId))
      if (run.status === 'stopping') return await shutdown(parts, 'stopped', 'stopped by a person', cycles.cycle - 1)
      const spent = await budgetExceeded(store, { ...run, createdAt: sessionStartedAt }, options.budget ?? {}, now())
      if (spent) {
        await event('budget-exceeded', { reason: spent })
        return await endRun(parts, 'stopped', `budget exceeded: ${spent}`, cycles.cycle - 1)
      }
      await planners.heartbeat()
      const merged = (await store.countTasksByStatus(runId)).merged ?? 0
      if (merged > mergedSoFar) options.onMerged?.()
      mergedSoFar = merged
      if (run.status !== 'paused') {
        await planners.wake(options.workers)
        await claims.landApproved(options.workers)
        await claims.fill(options.workers)
        const ended = await judgeWhenDue(parts)
        if (ended) return ended
      }
      await slots.nextChange()
    }
  } catch (error) {
    await shutdown(parts, 'failed', messageOf(error), cycles.cycle).catch((failure: unknown) => recordSurvivedFailure(store, { runId, type: 'run-shutdown-failed', data: { cause: messageOf(error) } }, failure))
    throw error
  }
}

/** A worker process leaving: its attempts stop at their next step and their tasks go back to ready; the run is not its to end. */
async function leave({ slots, instanceId, event }: Parts, status: EndedRunStatus, reason: string): Promise<RunResult> {
  await slots.stopAll(reason)
  await event('workers-left', { instance: instanceId, reason })
  return { status, reason, cycles: 0 }
}

/** `Supervisor.join`: work and landings only, following the run's pause and stop, until it ends or the signal. */
async function joinRun(parts: Parts, joining: { signal?: AbortSignal; describe?: ProcessDescription }): Promise<RunResult> {
  const { options, slots, claims, instanceId, event } = parts
  const { signal } = joining
  signal?.addEventListener('abort', slots.signalChange, { once: true })
  await recover(parts)
  await event('workers-joined', { instance: instanceId, workers: options.workers, ...joining.describe })
  try {
    for (;;) {
      if (signal?.aborted) return await leave(parts, 'stopped', 'this worker process was interrupted; its tasks went back to ready')
      const run = await options.store.getRun(options.runId)
      if (isRunEnded(run.status)) return await leave(parts, run.status, `the run is ${run.status}: ${run.reason ?? ''}`.trim())
      if (run.status === 'stopping') return await leave(parts, 'stopped', 'the run is stopping')
      if (run.status === 'running') {
        await claims.landApproved(options.workers)
        await claims.fill(options.workers, ['work'])
      }
      await slots.nextChange()
    }
  } catch (error) {
    await leave(parts, 'failed', messageOf(error)).catch((failure: unknown) => recordSurvivedFailure(options.store, { runId: options.runId, type: 'workers-leave-failed', data: { instance: instanceId, cause: messageOf(error) } }, failure))
    throw error
  } finally {
    signal?.removeEventListener('abort', slots.signalChange)
  }
}

/**
 * Runs a goal to its end: claims tasks into a pool of `workers` slots (plan
 * tasks get planner turns, work tasks get worker attempts), keeps their leases,
 * time-boxes every attempt, wakes planners when their tasks report back, calls
 * the judge at the end of each cycle, and stops cleanly on a person's word, a
 * spent budget, or the judge's `done`. Everything it decides is in the store,
 * so a killed supervisor is resumed by starting another.
 */
export function createSupervisor(options: SupervisorOptions) {
  const { store, board, roles, runId } = options
  const now = options.now ?? Date.now
  const pollMs = options.pollMs ?? 250
  const attemptMs = (options.attemptMinutes ?? 30) * 60_000
  const instanceId = createInstanceId()
  const leaseMs = options.leaseMs ?? 60_000
  const slots = createSlotPool({ store, runId, instanceId, attemptMs, leaseMs, pollMs })
  const planners = createPlannerTurns({ store, board, runId, roles, slots, leaseMs, now })
  const parts: Parts = {
    options,
    instanceId,
    now,
    slots,
    planners,
    claims: createClaims({ store, board, runId, roles, slots, planners, allowOverlap: options.allowOverlap }),
    cycles: createJudgeCycles({ store, board, runId, roles, attemptMs, cycleMs: (options.cycleMinutes ?? 240) * 60_000, maxIdleCycles: options.maxIdleCycles ?? 2, now }),
    guardTarget: createTargetGuard(store, options.targetProblem, now),
    modelFailures: createModelFailures(store, runId),
    event: (type, data) => store.appendEvents([newEvent(type, data, { runId })]),
  }

  /** Waits while the run is paused; throws when it is stopping. Roles call it before each model call. */
  async function gate(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (slots.stopping) throw new StopRequested(slots.stopping)
      signal?.throwIfAborted()
      const run = await store.getRun(runId)
      if (run.status === 'stopping') throw new StopRequested('stopped by a person')
      if (run.status !== 'paused') return
      await delay(pollMs, undefined, signal ? { signal } : {})
    }
  }

  return {
    gate,
    instanceId,
    run: (): Promise<RunResult> => superviseRun(parts),
    /**
     * `colony worker`: joins a run another process supervises with `workers`
     * more slots for work tasks and approved landings (planners and the judge
     * stay with the supervisor), follows its pause and stop, and leaves when it
     * ends. Tasks are shared through the store, so the two never take the same one.
     */
    join: (joining: { signal?: AbortSignal; describe?: ProcessDescription } = {}): Promise<RunResult> => joinRun(parts, joining),
  }
}

export type Supervisor = ReturnType<typeof createSupervisor>
