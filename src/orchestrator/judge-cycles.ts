import { newEvent, type EventData, type EventType } from '../events/index.ts'
import { AlreadyLandedError, changedByAnother, IllegalTransitionError, type Board } from '../board/index.ts'
import type { Store } from '../store/index.ts'
import type { Roles, Verdict } from './role-contract.ts'
import { TimeBoxExceeded } from './slots.ts'
import { recordSurvivedFailure } from './survived-failure.ts'

export interface JudgeCyclesOptions {
  store: Store
  board: Board
  runId: number
  roles: Pick<Roles, 'judge'>
  /** The judge's time box. */
  attemptMs: number
  /** The judge runs when a cycle has lasted this long, even with work left. */
  cycleMs: number
  /** Verdicts in a row after which a run that creates and merges nothing stops. */
  maxIdleCycles: number
  now: () => number
}

/** How a cycle ended: the run is done, it stops for making no progress, or it goes on with the verdict. */
export type CycleEnd = { end: 'done'; reason: string } | { end: 'no-progress'; reason: string } | { end: 'next'; verdict: Verdict }

/**
 * The run's cycles: each ends with the judge (when no work is left, or its
 * time box is over), whose verdict ends the run, or starts the next cycle
 * (cancelling the open tasks first on `replan`). A run whose cycles create
 * and merge nothing `maxIdleCycles` times in a row stops.
 */
export function createJudgeCycles(options: JudgeCyclesOptions) {
  const { store, board, runId, roles, now } = options
  let cycle = 1
  let idleCycles = 0
  let lastProgress = ''
  let startedAt = 0

  const event = <T extends EventType>(type: T, data: EventData<T>) => store.appendEvents([newEvent(type, data, { runId })])

  /** Changes whenever a task is created or merged. */
  async function progressMark(): Promise<string> {
    const counts = await store.countTasksByStatus(runId)
    const total = Object.values(counts).reduce((sum, count) => sum + (count ?? 0), 0)
    return `${total}/${counts.merged ?? 0}`
  }

  async function callJudge(): Promise<Verdict> {
    await event('judge-started', { cycle })
    const run = await store.getRun(runId)
    const abort = new AbortController()
    const timer = setTimeout(() => abort.abort(new TimeBoxExceeded('the judge ran out of time')), options.attemptMs)
    try {
      const verdict = await roles.judge({ run, cycle, signal: abort.signal })
      await event('verdict', { cycle, decision: verdict.decision, reason: verdict.reason })
      return verdict
    } finally {
      clearTimeout(timer)
    }
  }

  /** `replan`: the tasks not started yet go, so the fresh plan starts from what was done. */
  async function cancelOpenTasks(verdict: Verdict) {
    for (const task of await store.listTasks({ runId, statuses: ['ready', 'blocked', 'proposed'] })) {
      try {
        await board.cancel(task.id, `replanned: ${verdict.reason}`, 'judge')
      } catch (error) {
        // The task moved on since the list was read (claimed, or landed): it is work under way, not to cancel.
        if (changedByAnother(error) || error instanceof IllegalTransitionError || error instanceof AlreadyLandedError) continue
        await recordSurvivedFailure(store, { runId, taskId: task.id, type: 'replan-cancel-failed', data: { reason: verdict.reason } }, error)
      }
    }
  }

  return {
    /** The cycle under way, counted from 1 across every process that ran this run. */
    get cycle() {
      return cycle
    },

    /** Picks up after the verdicts already recorded; the idle count starts afresh with this process. */
    async begin() {
      cycle = (await store.listEvents({ runId, types: ['verdict'] })).length + 1
      lastProgress = await progressMark()
      startedAt = now()
    },

    /** Whether the cycle has lasted its time box. */
    timeBoxOver: () => now() - startedAt > options.cycleMs,

    /** Calls the judge and says how the cycle ends; on `next` the next cycle has begun. */
    async close(): Promise<CycleEnd> {
      const verdict = await callJudge()
      if (verdict.decision === 'done') return { end: 'done', reason: verdict.reason }
      // A cycle that neither created nor merged anything will not be followed by a better one.
      const progress = await progressMark()
      idleCycles = progress === lastProgress ? idleCycles + 1 : 0
      lastProgress = progress
      if (idleCycles >= options.maxIdleCycles) {
        await event('run-no-progress', { cycles: idleCycles, verdict: verdict.reason })
        return { end: 'no-progress', reason: `no progress: ${idleCycles} cycles in a row created and merged nothing (last verdict: ${verdict.reason})` }
      }
      cycle++
      startedAt = now()
      if (verdict.decision === 'replan') await cancelOpenTasks(verdict)
      return { end: 'next', verdict }
    },
  }
}

export type JudgeCycles = ReturnType<typeof createJudgeCycles>
