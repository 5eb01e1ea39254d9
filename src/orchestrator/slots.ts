import { changedByAnother, landingOwner, leasedStatuses, LeaseLostError, type TaskHandle } from '../board/index.ts'
import type { Store, Task } from '../store/index.ts'
import { recordSurvivedFailure } from './survived-failure.ts'

/** The run is stopping (a person's word, a spent budget, the judge's `done`): agents stop at their next step. */
export class StopRequested extends Error {
  override readonly name = 'StopRequested'
}

/** An attempt, a planner turn or the judge ran past its time box. */
export class TimeBoxExceeded extends Error {
  override readonly name = 'TimeBoxExceeded'
}

export interface SlotPoolOptions {
  store: Store
  runId: number
  /** This process's instance id (createInstanceId): slot owners are named after it. */
  instanceId: string
  /** Each slot's time box. */
  attemptMs: number
  leaseMs: number
  pollMs: number
}

interface Slot {
  task: Task
  abort: AbortController
  done: Promise<void>
}

function abortReason(signal: AbortSignal, error: unknown): string {
  const reason: unknown = signal.aborted ? signal.reason : error
  return reason instanceof Error ? reason.message : String(reason)
}

/**
 * The supervisor's slots, one held task each: a time box on every slot,
 * heartbeats on the task's lease while the slot runs, and a failure settled on
 * the board (the task handed back when the run is stopping, the attempt failed
 * otherwise). `nextChange` waits for a slot to end, a nudge, or the poll.
 */
export function createSlotPool(options: SlotPoolOptions) {
  const { store, runId, instanceId, attemptMs, leaseMs, pollMs } = options
  const slots = new Map<number, Slot>()
  let counter = 0
  let stopping: string | undefined
  let wake: (() => void) | undefined

  function signalChange() {
    wake?.()
  }

  function start(task: Task, body: (signal: AbortSignal) => Promise<void>) {
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
      // The holder settled the task itself (merged, or waiting for approval): no lease is left to keep, and an agent
      // still ending its turn (an agent CLI's last reply, which carries its usage) is not a lost lease.
      if (!leasedStatuses.includes(handle.task.status)) return
      handle.heartbeat().catch((error: unknown) => abort.abort(error))
    }, leaseMs / 3)
    return () => clearInterval(interval)
  }

  async function releaseForStop(handle: TaskHandle, reason: string) {
    try {
      await handle.release(reason)
    } catch (error) {
      // Someone else has the task now (a person cancelled it, its lease ran out): theirs to settle.
      if (changedByAnother(error)) return
      // Otherwise it stays held by this process, and the next supervisor's recovery takes it back.
      await recordSurvivedFailure(store, { runId, taskId: handle.task.id, type: 'task-release-failed', data: { reason } }, error)
    }
  }

  /** A held task whose slot failed: handed back when the run is stopping, its attempt failed otherwise (a handoff tells its planner when that was the last). */
  async function settleFailure(handle: TaskHandle, signal: AbortSignal, error: unknown) {
    const reason: unknown = signal.aborted ? signal.reason : error
    if (reason instanceof LeaseLostError || error instanceof LeaseLostError) return
    if (reason instanceof StopRequested || error instanceof StopRequested || stopping) {
      await releaseForStop(handle, `run stopping: ${stopping ?? abortReason(signal, error)}`)
      return
    }
    const failed = await handle.failAttempt(abortReason(signal, error))
    if (failed.status === 'failed' && failed.parentId !== null) {
      await store.addHandoff({ runId, taskId: failed.id, summary: `failed for good: ${failed.reason ?? 'no reason recorded'}`, data: { failed: true } })
    }
  }

  /** A slot for a task this process holds: its own abort, heartbeats while it runs, a failure settled on the board. */
  function startHeld(handle: TaskHandle, body: (signal: AbortSignal) => Promise<void>) {
    start(handle.task, async (signal) => {
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

  return {
    get size() {
      return slots.size
    },
    has: (taskId: number) => slots.has(taskId),
    /** Why the run is stopping, once `stopAll` was called. */
    get stopping() {
      return stopping
    },
    /** A new owner name for a worker or planner slot (`instance/slot-N`). */
    nextOwner: () => `${instanceId}/slot-${++counter}`,
    /** A new owner name for a landing slot (landingOwner). */
    nextLander: () => landingOwner(instanceId, ++counter),
    startHeld,
    settleFailure,
    signalChange,

    /** Every slot stops at its next step; held tasks are settled as the run stopping. */
    async stopAll(reason: string) {
      stopping = reason
      for (const slot of slots.values()) slot.abort.abort(new StopRequested(reason))
      await Promise.allSettled([...slots.values()].map((slot) => slot.done))
    },

    /** Waits until the next change: a slot ending, a nudge (signalChange), or the poll interval. */
    async nextChange() {
      await Promise.race([
        ...[...slots.values()].map((slot) => slot.done),
        new Promise<void>((resolve) => {
          wake = resolve
          // Not unref'd: while tasks wait for a person, this timer is what keeps the run alive.
          setTimeout(resolve, pollMs)
        }),
      ])
    },
  }
}

export type SlotPool = ReturnType<typeof createSlotPool>
