import { VersionConflictError, type EndedRunStatus, type Run, type RunStatus, type Store, type NewEvent } from '../store/index.ts'

/**
 * Where a run's status may go from each status. A run starts as running, and
 * starts again after a stop, a failure, or a supervisor that died while
 * stopping; a person (or the supervisor, while the target is checked out)
 * pauses and resumes it; a person asks it to stop; the supervisor ends it as
 * done, stopped or failed. done is final.
 */
export const runTransitions: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  pending: ['running'],
  running: ['paused', 'stopping', 'done', 'stopped', 'failed'],
  paused: ['running', 'stopping', 'done', 'stopped', 'failed'],
  stopping: ['running', 'done', 'stopped', 'failed'],
  stopped: ['running'],
  failed: ['running'],
  done: [],
}

/** One change of a run's status, with the event that records it. */
export interface RunMove {
  to: RunStatus
  /** The statuses the move starts from; a run in any other status is left as it is. */
  from: readonly RunStatus[]
  /** The event written with the change, given the status the run moves `from`. */
  event: (from: RunStatus) => NewEvent
  /** The run's new reason (null clears it); unchanged when undefined. */
  reason?: string | null
}

function move(to: RunStatus, from: readonly RunStatus[], event: (from: RunStatus) => NewEvent, reason?: string | null): RunMove {
  const illegal = from.filter((status) => !runTransitions[status].includes(to))
  if (illegal.length > 0) throw new Error(`a run cannot go from ${illegal.join(', ')} to ${to} (runTransitions)`)
  return { to, from, event, ...(reason !== undefined && { reason }) }
}

/** Every status change a run goes through, by who makes it. */
export const runMoves = {
  /** A supervisor takes the run on: it starts, or resumes after a stop, a failure or a crash. */
  start: (instance: string) => move('running', ['pending', 'stopping', 'stopped', 'failed'], (from) => ({ type: 'run-started', data: { from, instance } }), null),
  pause: (actor: string, reason?: string) => move('paused', ['running'], (from) => ({ type: 'run-paused', data: { from, actor, ...(reason !== undefined && { reason }) } }), reason),
  resume: (actor: string, reason?: string) => move('running', ['paused'], (from) => ({ type: 'run-resumed', data: { from, actor, ...(reason !== undefined && { reason }) } }), reason),
  /** Agents stop after their current step and held tasks go back to ready; the supervisor then ends the run as stopped. */
  stop: (actor: string) => move('stopping', ['running', 'paused'], (from) => ({ type: 'run-stop-requested', data: { from, actor } })),
  /** The supervisor ends the run; one another process ended first stays as that process left it. */
  end: (status: EndedRunStatus, reason: string, cycles: number) => move(status, ['running', 'paused', 'stopping'], (from) => ({ type: `run-${status}`, data: { from, reason, cycles } }), reason),
}

/**
 * Makes one move of a run's status by compare-and-swap: reads the run and,
 * when its status is one the move starts from, writes the new status with the
 * move's event; when another process changed the run first, reads it again
 * and decides again, so a person's change made meanwhile wins. Returns the run
 * as it is afterwards: moved, already where the move goes, or in a status the
 * move does not start from, for which `refuse` may throw instead.
 *
 * @example
 * await moveRun(store, runId, runMoves.stop('person'))
 */
export async function moveRun(store: Store, runId: number, change: RunMove, refuse?: (run: Run) => void): Promise<Run> {
  for (;;) {
    const run = await store.getRun(runId)
    if (run.status === change.to) return run
    if (!change.from.includes(run.status)) {
      refuse?.(run)
      return run
    }
    try {
      return await store.updateRun(run.id, run.version, { status: change.to, ...(change.reason !== undefined && { reason: change.reason }) }, [change.event(run.status)])
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error
    }
  }
}
