import { newEvent, type EventData, type EventType } from '../events/index.ts'
import { changedByAnother, createTaskHandle, LeaseLostError, settledStatuses, type Board, type TaskHandle } from '../board/index.ts'
import { taskStatuses, type Handoff, type Store, type Task } from '../store/index.ts'
import type { Roles } from './role-contract.ts'
import type { SlotPool } from './slots.ts'
import { recordSurvivedFailure } from './survived-failure.ts'

/** A plan task between turns: its planner waits for its tasks to report back. */
export interface WaitingPlan {
  handle: TaskHandle
  turn: number
  complete: boolean
  lastHandoffId: number
}

export interface PlannerTurnsOptions {
  store: Store
  board: Board
  runId: number
  roles: Pick<Roles, 'plan'>
  slots: SlotPool
  /** A waiting plan's lease is renewed a third of this after the last renewal. */
  leaseMs: number
  now?: () => number
}

const unsettledStatuses = taskStatuses.filter((status) => !settledStatuses.includes(status))

/**
 * Planner turns: a claimed plan task gets its first turn, then waits (holding
 * its lease) until its tasks report back, when it gets the next turn with the
 * handoffs and people's steering since; a plan that said it was complete is
 * merged once its tasks settle. The root plan waits for the judge instead.
 */
export function createPlannerTurns(options: PlannerTurnsOptions) {
  const { store, board, runId, roles, slots } = options
  const now = options.now ?? Date.now
  const waiting = new Map<number, WaitingPlan>()
  /** When each waiting plan's lease was last renewed. */
  const renewedAt = new Map<number, number>()
  let steeringCursor = 0

  const event = <T extends EventType>(type: T, data: EventData<T>, taskId: number) => store.appendEvents([newEvent(type, data, { runId, taskId })])

  async function newSteering(): Promise<{ texts: string[]; cursor: number }> {
    const events = await store.listEvents({ runId, types: ['run-steered'], afterId: steeringCursor })
    return { texts: events.map((steer) => steer.data.text), cursor: events.at(-1)?.id ?? steeringCursor }
  }

  async function childHandoffs(planId: number, afterId: number): Promise<Handoff[]> {
    // PERF: only the plan's own tasks' handoffs: the root plan waits on every loop while its areas work, and reading all
    // of the run's handoffs since its last turn grew with every task that landed.
    return store.listHandoffs({ runId, afterId, parentId: planId })
  }

  async function childrenSettled(planId: number): Promise<boolean> {
    // PERF: asked on every loop for every waiting plan: an index probe (listing even one row sorted all of a thousand children).
    return !(await store.hasTasks({ parentId: planId, statuses: unsettledStatuses }))
  }

  /** One turn in a slot; the plan waits again when it ends. */
  async function turn(handle: TaskHandle, plan: Omit<WaitingPlan, 'handle'>, extra: { fresh?: boolean; feedback?: string } = {}) {
    const task = handle.task
    slots.startHeld(handle, async (signal) => {
      waiting.delete(task.id)
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
      waiting.set(task.id, { handle, turn: plan.turn + 1, complete: outcome.complete, lastHandoffId: handoffs.at(-1)?.id ?? plan.lastHandoffId })
    })
  }

  /** Settles a waiting plan when the run ends: merged when the run is done, handed back otherwise. */
  async function settle(plan: WaitingPlan, status: string, reason: string) {
    try {
      if (status === 'done') await plan.handle.advance('merged', { result: { plan: 'complete' } })
      else await plan.handle.release(`run ${status}: ${reason}`)
    } catch (error) {
      // Someone else changed the plan task first (a person cancelled it, its lease ran out): their change stands.
      if (changedByAnother(error)) return
      await recordSurvivedFailure(store, { runId, taskId: plan.handle.task.id, type: 'plan-settle-failed', data: { run: status, reason } }, error)
    }
  }

  return {
    /** Picks up the steering cursor where the last recorded turn left it, so no message is read twice or lost. */
    async resumeSteering() {
      const steered = await store.listEvents({ runId, types: ['planner-turn-started'] })
      steeringCursor = steered.at(-1)?.data.steeringCursor ?? 0
    },

    turn,

    /** The first turn on a plan task just claimed (or the next, when a crashed process held it). */
    async first(task: Task) {
      const handle = createTaskHandle(board, task)
      await handle.advance('running')
      const turns = await store.listEvents({ runId, taskId: task.id, types: ['planner-turn-finished'] })
      await turn(handle, { turn: turns.length + 1, complete: false, lastHandoffId: 0 })
    },

    /** Gives waiting plans whose tasks reported back their next turn, and merges complete plans whose tasks settled. */
    async wake(capacity: number) {
      for (const [planId, plan] of waiting) {
        if (slots.size >= capacity) return
        const settled = await childrenSettled(planId)
        // PERF: a complete plan waits for its tasks to settle, whatever they hand off: reading the run's
        // handoffs on every loop for it grew with the run (a thousand tasks made each landing wait on it).
        if (plan.complete && !settled) continue
        const handoffs = await childHandoffs(planId, plan.lastHandoffId)
        if (handoffs.length > 0 && (!plan.complete || settled)) {
          await turn(plan.handle, plan)
        } else if (plan.complete && settled && plan.handle.task.parentId !== null) {
          waiting.delete(planId)
          const done = await plan.handle.advance('merged', { result: { plan: 'complete' } })
          const children = await store.listTasks({ parentId: planId })
          const merged = children.filter((task) => task.status === 'merged').length
          await store.addHandoff({ runId, taskId: done.id, summary: `plan "${done.title}" complete: ${merged} of ${children.length} tasks merged` })
        }
      }
    },

    /** Keeps the waiting plans' leases; a plan whose lease was lost stops waiting here. */
    async heartbeat() {
      for (const [planId, plan] of waiting) {
        // PERF: the supervisor's loop asks many times a second; a lease needs renewing a few times per lease.
        if (now() - (renewedAt.get(planId) ?? 0) < options.leaseMs / 3) continue
        try {
          await plan.handle.heartbeat()
          renewedAt.set(planId, now())
        } catch (error) {
          if (!(error instanceof LeaseLostError)) throw error
          waiting.delete(planId)
        }
      }
    },

    isWaiting: (taskId: number) => waiting.has(taskId),

    /** The root plan, when it waits for the judge (not in a turn). */
    root: (): WaitingPlan | undefined => [...waiting.values()].find((plan) => plan.handle.task.parentId === null),

    /** The run ends: every waiting plan is settled. */
    async settleAll(status: string, reason: string) {
      for (const [planId, plan] of waiting) {
        waiting.delete(planId)
        await settle(plan, status, reason)
      }
    },
  }
}

export type PlannerTurns = ReturnType<typeof createPlannerTurns>
