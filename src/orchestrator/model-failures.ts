import type { Store } from '../store/index.ts'

/**
 * Whether every model call of this supervisor's session failed: the run's
 * model calls on record did not grow since the session began, and agents
 * stopped on model errors meanwhile. A run like that did nothing a person
 * asked for, whatever else ended it (no progress, the judge giving no
 * verdict), so it ends failed with the last model error as the reason.
 */
export function createModelFailures(store: Store, runId: number) {
  let session: { calls: number; afterEventId: number } | undefined

  return {
    /** Called once the run is started: what was on record before this session. */
    async begin(): Promise<void> {
      const [started] = (await store.listEvents({ runId, types: ['run-started'] })).slice(-1)
      session = { calls: (await store.usageTotals({ runId })).calls, afterEventId: started?.id ?? 0 }
    },

    /** The reason to end the run failed, when no model call of this session succeeded and some failed; otherwise undefined. */
    async reason(): Promise<string | undefined> {
      if (!session) return undefined
      if ((await store.usageTotals({ runId })).calls > session.calls) return undefined
      const failed = (await store.listEvents({ runId, types: ['agent-stopped'], afterId: session.afterEventId })).filter((event) => event.data.reason === 'model-error')
      const last = failed.at(-1)
      if (!last) return undefined
      return `no model call succeeded (${failed.length} agent${failed.length === 1 ? '' : 's'} stopped on a model error); the last: ${last.data.detail}`
    },
  }
}

export type ModelFailures = ReturnType<typeof createModelFailures>
