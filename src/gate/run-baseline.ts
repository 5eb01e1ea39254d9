import { targetTip, type Git } from '../git/index.ts'
import type { Store } from '../store/index.ts'

/**
 * The target's tip when a run was first launched, which the deep gate tries
 * a never-passed check at (DeepGateOptions.baseline). Recorded in the run's
 * events (`deep-gate-baseline`) the first time, so a resumed run keeps the
 * same baseline instead of taking its own merges for the starting point.
 */
export async function runBaseline(options: { store: Store; git: Git; runId: number; target: string; remote?: string | undefined }): Promise<string | undefined> {
  const [recorded] = await options.store.listEvents({ runId: options.runId, types: ['deep-gate-baseline'], limit: 1 })
  if (typeof recorded?.data.commit === 'string') return recorded.data.commit
  const tip = await targetTip(options.git, options)
  if (!tip) return undefined
  await options.store.appendEvents([{ runId: options.runId, type: 'deep-gate-baseline', data: { commit: tip, summary: 'the target as the run started: a check that passed here and fails later is bisected from here' } }])
  return tip
}
