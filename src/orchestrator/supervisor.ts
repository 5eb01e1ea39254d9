import { setTimeout as delay } from 'node:timers/promises'
import { isLandingOwner, landingOwner, LeaseLostError, leasedStatuses, settledStatuses, type Board } from '../board/index.ts'
import { isRunEnded, VersionConflictError, type Handoff, type Run, type Store, type Task } from '../store/index.ts'
import { budgetExceeded, type Budget } from './budget.ts'
import { createInstanceId, ownerIsGone } from './owner-id.ts'
import type { Roles, Verdict } from './roles.ts'
import { scopesOverlap } from './scope-overlap.ts'
import { createTaskHandle, type TaskHandle } from './task-handle.ts'

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
  status: 'done' | 'stopped' | 'failed'
  reason: string
  cycles: number
}

interface Slot {
  task: Task
  abort: AbortController
  done: Promise<void>
}

interface WaitingPlan {
  handle: TaskHandle
  turn: number
  complete: boolean
  lastHandoffId: number
}

/** Someone else (another process, a sweeper, a person) changed the task first. */
function changedByAnother(error: unknown): boolean {
  return error instanceof LeaseLostError || error instanceof VersionConflictError
}

const recoveredPrefix = 'recovered after its holder '

/** A task released by recovery after its holder died: its next attempt resumes what that one left. */
function wasRecovered(task: Task): boolean {
  return task.reason?.startsWith(recoveredPrefix) === true
}

class StopRequested extends Error {
  override readonly name = 'StopRequested'
}

class TimeBoxExceeded extends Error {
  override readonly name = 'TimeBoxExceeded'
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
  const leaseMs = options.leaseMs ?? 60_000
  const pollMs = options.pollMs ?? 250
  const maxIdleCycles = options.maxIdleCycles ?? 2
  const attemptMs = (options.attemptMinutes ?? 30) * 60_000
  const cycleMs = (options.cycleMinutes ?? 240) * 60_000
  const instanceId = createInstanceId()
  const slots = new Map<number, Slot>()
  const waitingPlans = new Map<number, WaitingPlan>()
  let slotCounter = 0
  let steeringCursor = 0
  let stopping: string | undefined
  let wake: (() => void) | undefined

  const event = (type: string, data: Record<string, unknown> = {}, taskId?: number) =>
    store.appendEvents([{ runId, type, data, ...(taskId !== undefined && { taskId }) }])

  function signalChange() {
    wake?.()
  }

  /** Waits while the run is paused; throws when it is stopping. Roles call it before each model call. */
  async function gate(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (stopping) throw new StopRequested(stopping)
      signal?.throwIfAborted()
      const run = await store.getRun(runId)
      if (run.status === 'stopping') throw new StopRequested('stopped by a person')
      if (run.status !== 'paused') return
      await delay(pollMs, undefined, signal ? { signal } : {})
    }
  }

  async function recover() {
    const held = await store.listTasks({ runId, statuses: leasedStatuses })
    for (const task of held) {
      if (!task.owner || !ownerIsGone(task.owner, instanceId)) continue
      const landed = task.kind === 'work' && options.findLandedCommit ? await options.findLandedCommit(task.id) : undefined
      const handle = createTaskHandle(board, task)
      try {
        if (landed && task.status === 'integrating') {
          await handle.advance('merged', { result: { ...task.result, commit: landed }, data: { recovered: true } })
        } else if (task.status === 'integrating' && isLandingOwner(task.owner)) {
          await board.interruptLanding(task, `its lander ${task.owner} stopped`)
        } else {
          await handle.release(`${recoveredPrefix}${task.owner} stopped`)
        }
      } catch (error) {
        if (!changedByAnother(error)) throw error
      }
    }
    const steered = await store.listEvents({ runId, types: ['planner-turn-started'] })
    steeringCursor = Number(steered.at(-1)?.data.steeringCursor ?? 0)
  }

  async function startRun(): Promise<Run> {
    for (;;) {
      const run = await store.getRun(runId)
      if (run.status === 'running' || run.status === 'paused') return run
      if (run.status === 'done') return run
      try {
        return await store.updateRun(run.id, run.version, { status: 'running', reason: null }, [{ type: 'run-started', data: { from: run.status, instance: instanceId } }])
      } catch (error) {
        if (!(error instanceof VersionConflictError)) throw error
      }
    }
  }

  let pausedForTarget = false

  /** Pauses the run while the target cannot move, and resumes it when it can again; returns the run as it is now. */
  async function guardTarget(run: Run): Promise<Run> {
    if (!options.targetProblem || (run.status === 'paused' && !pausedForTarget)) return run
    const problem = await options.targetProblem()
    if (problem && run.status === 'running') {
      pausedForTarget = true
      return changeRun(run, 'paused', 'run-paused', { actor: 'colony', reason: problem })
    }
    if (!problem && pausedForTarget && run.status === 'paused') {
      pausedForTarget = false
      return changeRun(run, 'running', 'run-resumed', { actor: 'colony', reason: 'the target branch can move again' })
    }
    return run
  }

  /** Moves the run to `status` unless someone else changed it first (their change wins). */
  async function changeRun(run: Run, status: Run['status'], type: string, data: Record<string, unknown>): Promise<Run> {
    try {
      return await store.updateRun(run.id, run.version, { status, reason: typeof data.reason === 'string' ? data.reason : null }, [{ type, data: { from: run.status, ...data } }])
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error
      return store.getRun(runId)
    }
  }

  async function seedRootPlan(run: Run) {
    const existing = await store.listTasks({ runId, statuses: undefined })
    if (existing.some((task) => task.kind === 'plan' && task.parentId === null) || !run.goal) return
    await board.addTask({ runId, kind: 'plan', title: `Plan: ${run.goal}`, description: run.goal, createdBy: 'colony', priority: 100 })
  }

  async function newSteering(): Promise<{ texts: string[]; cursor: number }> {
    const events = await store.listEvents({ runId, types: ['run-steered'], afterId: steeringCursor })
    return { texts: events.map((steer) => String(steer.data.text)), cursor: events.at(-1)?.id ?? steeringCursor }
  }

  async function childHandoffs(planId: number, afterId: number): Promise<Handoff[]> {
    const children = new Set((await store.listTasks({ parentId: planId })).map((task) => task.id))
    return (await store.listHandoffs({ runId, afterId })).filter((handoff) => children.has(handoff.taskId))
  }

  async function childrenSettled(planId: number): Promise<boolean> {
    const children = await store.listTasks({ parentId: planId })
    return children.every((task) => settledStatuses.includes(task.status))
  }

  function startSlot(task: Task, body: (signal: AbortSignal) => Promise<void>) {
    const abort = new AbortController()
    const timer = setTimeout(() => abort.abort(new TimeBoxExceeded(`time box of ${attemptMs / 60_000} minutes ran out`)), attemptMs)
    const done = body(abort.signal).finally(() => {
      clearTimeout(timer)
      slots.delete(task.id)
      signalChange()
    })
    slots.set(task.id, { task, abort, done })
  }

  function heartbeatWhile(handle: TaskHandle, abort: AbortController): () => void {
    const interval = setInterval(() => {
      handle.heartbeat().catch((error: unknown) => abort.abort(error))
    }, leaseMs / 3)
    return () => clearInterval(interval)
  }

  function abortReason(signal: AbortSignal, error: unknown): string {
    const reason: unknown = signal.aborted ? signal.reason : error
    return reason instanceof Error ? reason.message : String(reason)
  }

  async function settleFailure(handle: TaskHandle, signal: AbortSignal, error: unknown) {
    const reason: unknown = signal.aborted ? signal.reason : error
    if (reason instanceof LeaseLostError || error instanceof LeaseLostError) return
    if (reason instanceof StopRequested || error instanceof StopRequested || stopping) {
      await handle.release(`run stopping: ${stopping ?? abortReason(signal, error)}`).catch(() => undefined)
      return
    }
    const failed = await handle.failAttempt(abortReason(signal, error))
    if (failed.status === 'failed' && failed.parentId !== null) {
      await store.addHandoff({ runId, taskId: failed.id, summary: `failed for good: ${failed.reason ?? 'no reason recorded'}`, data: { failed: true } })
    }
  }

  /** A slot for a task this process holds: its own abort, heartbeats while it runs, a failure settled on the board. */
  function startHeldSlot(handle: TaskHandle, body: (signal: AbortSignal) => Promise<void>) {
    startSlot(handle.task, async (signal) => {
      const abort = new AbortController()
      signal.addEventListener('abort', () => abort.abort(signal.reason), { once: true })
      const stopBeating = heartbeatWhile(handle, abort)
      try {
        await body(abort.signal)
      } catch (error) {
        await settleFailure(handle, abort.signal, error)
      } finally {
        stopBeating()
      }
    })
  }

  async function runWorker(task: Task, owner: string) {
    const handle = createTaskHandle(board, task)
    startHeldSlot(handle, async (signal) => {
      await handle.advance('running')
      const run = await store.getRun(runId)
      const outcome = await roles.work({ run, handle, owner, signal, resume: wasRecovered(task) })
      if (!outcome.merged && !('awaitingApproval' in outcome)) await settleFailure(handle, signal, new Error(outcome.reason))
    })
  }

  async function planTurn(handle: TaskHandle, plan: Omit<WaitingPlan, 'handle'>, extra: { fresh?: boolean; feedback?: string } = {}) {
    const task = handle.task
    startHeldSlot(handle, async (signal) => {
      waitingPlans.delete(task.id)
      const handoffs = await childHandoffs(task.id, plan.lastHandoffId)
      const steering = await newSteering()
      steeringCursor = steering.cursor
      await event('planner-turn-started', { turn: plan.turn, handoffs: handoffs.length, steeringCursor: steering.cursor }, task.id)
      const run = await store.getRun(runId)
      const outcome = await roles.plan({
        run,
        handle,
        turn: plan.turn,
        handoffs,
        steering: steering.texts,
        fresh: extra.fresh ?? false,
        ...(extra.feedback !== undefined && { feedback: extra.feedback }),
        owner: handle.task.owner ?? 'planner',
        signal,
      })
      await event('planner-turn-finished', { turn: plan.turn, created: outcome.created, complete: outcome.complete }, task.id)
      waitingPlans.set(task.id, {
        handle,
        turn: plan.turn + 1,
        complete: outcome.complete,
        lastHandoffId: handoffs.at(-1)?.id ?? plan.lastHandoffId,
      })
    })
  }

  /** Approved merges (integrating, no owner): adopted by compare-and-swap and landed. */
  async function landApproved(capacity: number) {
    if (!roles.land) return
    for (const task of await store.listTasks({ runId, statuses: ['integrating'] })) {
      if (slots.size >= capacity) return
      if (task.owner !== null || slots.has(task.id)) continue
      let adopted: Task
      try {
        adopted = await board.adoptLanding(task, landingOwner(instanceId, ++slotCounter))
      } catch (error) {
        if (changedByAnother(error)) continue
        throw error
      }
      const handle = createTaskHandle(board, adopted)
      startHeldSlot(handle, async (signal) => {
        const outcome = await roles.land!({ run: await store.getRun(runId), handle, signal })
        if (!outcome.merged && 'reason' in outcome) await handle.release(`the approved change could not land: ${outcome.reason}`)
      })
    }
  }

  async function fillSlots(capacity: number, kinds: readonly Task['kind'][] = ['plan', 'work']) {
    const inFlight = await store.listTasks({ runId, statuses: leasedStatuses })
    const busyScopes = inFlight.filter((task) => task.kind === 'work' && !waitingPlans.has(task.id)).map((task) => task.scope)
    while (slots.size < capacity) {
      const owner = `${instanceId}/slot-${++slotCounter}`
      const task = await board.claim({
        runId,
        owner,
        kinds,
        accept: (candidate) => candidate.kind === 'plan' || options.allowOverlap === true || !busyScopes.some((scope) => scopesOverlap(scope, candidate.scope)),
      })
      if (!task) return
      if (task.kind === 'work') {
        busyScopes.push(task.scope)
        await runWorker(task, owner)
      } else {
        const handle = createTaskHandle(board, task)
        await handle.advance('running')
        const turns = await store.listEvents({ runId, taskId: task.id, types: ['planner-turn-finished'] })
        await planTurn(handle, { turn: turns.length + 1, complete: false, lastHandoffId: 0 })
      }
    }
  }

  async function wakePlanners(capacity: number) {
    for (const [planId, plan] of waitingPlans) {
      if (slots.size >= capacity) return
      const handoffs = await childHandoffs(planId, plan.lastHandoffId)
      const settled = await childrenSettled(planId)
      if (handoffs.length > 0 && (!plan.complete || settled)) {
        await planTurn(plan.handle, plan)
      } else if (plan.complete && settled && plan.handle.task.parentId !== null) {
        waitingPlans.delete(planId)
        const done = await plan.handle.advance('merged', { result: { plan: 'complete' } })
        const children = await store.listTasks({ parentId: planId })
        const merged = children.filter((task) => task.status === 'merged').length
        await store.addHandoff({ runId, taskId: done.id, summary: `plan "${done.title}" complete: ${merged} of ${children.length} tasks merged` })
      }
    }
  }

  async function heartbeatWaitingPlans() {
    for (const [planId, plan] of waitingPlans) {
      try {
        await plan.handle.heartbeat()
      } catch (error) {
        if (!(error instanceof LeaseLostError)) throw error
        waitingPlans.delete(planId)
      }
    }
  }

  async function workRemains(): Promise<boolean> {
    if (slots.size > 0) return true
    const open = await store.listTasks({ runId, statuses: ['ready', 'claimed', 'running', 'integrating', 'awaiting_approval', 'proposed'] })
    return open.some((task) => !waitingPlans.has(task.id))
  }

  /** Changes whenever a task is created or merged. */
  async function progressMark(): Promise<string> {
    const counts = await store.countTasksByStatus(runId)
    const total = Object.values(counts).reduce((sum, count) => sum + (count ?? 0), 0)
    return `${total}/${counts.merged ?? 0}`
  }

  async function rootPlan(): Promise<WaitingPlan | undefined> {
    return [...waitingPlans.values()].find((plan) => plan.handle.task.parentId === null)
  }

  /** Every slot stops at its next step; held tasks are settled as the run stopping. */
  async function stopSlots(reason: string) {
    stopping = reason
    for (const slot of slots.values()) slot.abort.abort(new StopRequested(reason))
    await Promise.allSettled([...slots.values()].map((slot) => slot.done))
  }

  async function shutdown(status: RunResult['status'], reason: string, cycles: number): Promise<RunResult> {
    await stopSlots(reason)
    for (const [planId, plan] of waitingPlans) {
      waitingPlans.delete(planId)
      if (status === 'done') await plan.handle.advance('merged', { result: { plan: 'complete' } }).catch(() => undefined)
      else await plan.handle.release(`run ${status}: ${reason}`).catch(() => undefined)
    }
    for (;;) {
      const run = await store.getRun(runId)
      try {
        await store.updateRun(run.id, run.version, { status, reason }, [{ type: `run-${status}`, data: { reason, cycles } }])
        break
      } catch (error) {
        if (!(error instanceof VersionConflictError)) throw error
      }
    }
    return { status, reason, cycles }
  }

  /** Slots until the next change: one of them ending, a nudge, or the poll interval. */
  async function nextChange() {
    await Promise.race([
      ...[...slots.values()].map((slot) => slot.done),
      new Promise<void>((resolve) => {
        wake = resolve
        // Not unref'd: while tasks wait for a person, this timer is what keeps the run alive.
        setTimeout(resolve, pollMs)
      }),
    ])
  }

  /** A worker process leaving: its attempts stop at their next step and their tasks go back to ready; the run is not its to end. */
  async function leave(status: RunResult['status'], reason: string): Promise<RunResult> {
    await stopSlots(reason)
    await event('workers-left', { instance: instanceId, reason })
    return { status, reason, cycles: 0 }
  }

  async function callJudge(cycle: number): Promise<Verdict> {
    await event('judge-started', { cycle })
    const run = await store.getRun(runId)
    const abort = new AbortController()
    const timer = setTimeout(() => abort.abort(new TimeBoxExceeded('the judge ran out of time')), attemptMs)
    try {
      const verdict = await roles.judge({ run, cycle, signal: abort.signal })
      await event('verdict', { cycle, decision: verdict.decision, reason: verdict.reason })
      return verdict
    } finally {
      clearTimeout(timer)
    }
  }

  return {
    gate,
    instanceId,

    async run(): Promise<RunResult> {
      await recover()
      const started = await startRun()
      if (started.status === 'done') return { status: 'done', reason: started.reason ?? 'done', cycles: 0 }
      await seedRootPlan(started)
      let cycle = (await store.listEvents({ runId, types: ['verdict'] })).length + 1
      let idleCycles = 0
      let lastProgress = await progressMark()
      let cycleStartedAt = now()
      const sessionStartedAt = now()
      let mergedSoFar = (await store.countTasksByStatus(runId)).merged ?? 0
      try {
        for (;;) {
          const run = await guardTarget(await store.getRun(runId))
          if (run.status === 'stopping') return await shutdown('stopped', 'stopped by a person', cycle - 1)
          const spent = await budgetExceeded(store, { ...run, createdAt: sessionStartedAt }, options.budget ?? {}, now())
          if (spent) {
            await event('budget-exceeded', { reason: spent })
            return await shutdown('stopped', `budget exceeded: ${spent}`, cycle - 1)
          }
          await heartbeatWaitingPlans()
          const merged = (await store.countTasksByStatus(runId)).merged ?? 0
          if (merged > mergedSoFar) options.onMerged?.()
          mergedSoFar = merged
          if (run.status !== 'paused') {
            await wakePlanners(options.workers)
            await landApproved(options.workers)
            await fillSlots(options.workers)
          }
          const timeBoxOver = now() - cycleStartedAt > cycleMs
          if (run.status !== 'paused' && (timeBoxOver || !(await workRemains()))) {
            const root = await rootPlan()
            const idle = slots.size === 0
            if (idle || timeBoxOver) {
              const verdict = await callJudge(cycle)
              if (verdict.decision === 'done') return await shutdown('done', verdict.reason, cycle)
              // A cycle that neither created nor merged anything will not be followed by a better one.
              const progress = await progressMark()
              idleCycles = progress === lastProgress ? idleCycles + 1 : 0
              lastProgress = progress
              if (idleCycles >= maxIdleCycles) {
                await event('run-no-progress', { cycles: idleCycles, verdict: verdict.reason })
                return await shutdown('stopped', `no progress: ${idleCycles} cycles in a row created and merged nothing (last verdict: ${verdict.reason})`, cycle)
              }
              cycle++
              cycleStartedAt = now()
              if (verdict.decision === 'replan') {
                for (const task of await store.listTasks({ runId, statuses: ['ready', 'blocked', 'proposed'] })) {
                  await board.cancel(task.id, `replanned: ${verdict.reason}`, 'judge').catch(() => undefined)
                }
              }
              if (root && slots.size < options.workers) {
                await planTurn(root.handle, root, { fresh: verdict.decision === 'replan', feedback: verdict.reason })
              } else if (!root) {
                return await shutdown('failed', 'the judge asked for more work but no planner is left to plan it', cycle)
              }
            }
          }
          await nextChange()
        }
      } catch (error) {
        await shutdown('failed', error instanceof Error ? error.message : String(error), cycle).catch(() => undefined)
        throw error
      }
    },

    /**
     * `colony worker`: joins a run another process supervises with `workers`
     * more slots for work tasks and approved landings (planners and the judge
     * stay with the supervisor), follows its pause and stop, and leaves when it
     * ends. Tasks are shared through the store, so the two never take the same one.
     */
    async join(joining: { signal?: AbortSignal; describe?: Record<string, unknown> } = {}): Promise<RunResult> {
      const { signal } = joining
      signal?.addEventListener('abort', signalChange, { once: true })
      await recover()
      await event('workers-joined', { instance: instanceId, workers: options.workers, ...joining.describe })
      try {
        for (;;) {
          if (signal?.aborted) return await leave('stopped', 'this worker process was interrupted; its tasks went back to ready')
          const run = await store.getRun(runId)
          if (isRunEnded(run.status)) return await leave(run.status, `the run is ${run.status}: ${run.reason ?? ''}`.trim())
          if (run.status === 'stopping') return await leave('stopped', 'the run is stopping')
          if (run.status === 'running') {
            await landApproved(options.workers)
            await fillSlots(options.workers, ['work'])
          }
          await nextChange()
        }
      } catch (error) {
        await leave('failed', error instanceof Error ? error.message : String(error)).catch(() => undefined)
        throw error
      } finally {
        signal?.removeEventListener('abort', signalChange)
      }
    },
  }
}

export type Supervisor = ReturnType<typeof createSupervisor>
