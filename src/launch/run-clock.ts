import type { EventType } from '../events/index.ts'
import type { Store } from '../store/index.ts'

/** The events the run's clock is read from: each start (a supervisor taking the run on), and each end. */
export const runClockEvents = ['run-started', 'run-done', 'run-stopped', 'run-failed'] as const satisfies readonly EventType[]

export interface RunClock {
  /** When the run's latest session began (its latest `run-started`): undefined for a run never started. */
  startedAt: number | undefined
  /** When that session ended (`run-done`, `-stopped`, `-failed` after it): undefined while it goes on. */
  endedAt: number | undefined
}

/**
 * The run's clock: from the latest `colony run` that started it (or took it
 * over from one that was killed) to the end it came to, or to now. Not from
 * `colony init` or the first task, which made the run long before anything
 * ran; per session, as budget.hours counts.
 */
export function runClock(events: readonly { type: string; createdAt: number }[]): RunClock {
  let startedAt: number | undefined
  let endedAt: number | undefined
  for (const event of events) {
    if (event.type === 'run-started') {
      startedAt = event.createdAt
      endedAt = undefined
    } else if (startedAt !== undefined && endedAt === undefined && runClockEvents.includes(event.type as (typeof runClockEvents)[number])) {
      endedAt = event.createdAt
    }
  }
  return { startedAt, endedAt }
}

export async function readRunClock(store: Store, runId: number): Promise<RunClock> {
  return runClock(await store.listEvents({ runId, types: runClockEvents }))
}

/** Milliseconds on the clock at `now`: stopped at the end; undefined before the run ever started. */
export function clockElapsedMs(clock: RunClock, now: number): number | undefined {
  return clock.startedAt === undefined ? undefined : Math.max(0, (clock.endedAt ?? now) - clock.startedAt)
}
