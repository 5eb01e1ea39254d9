import { ColonyError } from '../errors/index.ts'
import { assertNotCheckedOut, createGit } from '../git/index.ts'
import type { RunResult } from '../orchestrator/index.ts'
import { isRunEnded, type Run } from '../store/index.ts'
import { createLiveView } from './live-view.ts'
import { recordModelWarnings } from './model-warnings.ts'
import { prepareAgents, roleModels, type AgentProcessOptions } from './prepare-agents.ts'

export class NothingToJoinError extends ColonyError {
  override readonly name = 'NothingToJoinError'

  constructor(reason: string) {
    super(`there is no run to join: ${reason}`, { hint: 'start one with `colony run --goal "..."` (in this repository, or against the same store), then run `colony worker` beside it' })
  }
}

export interface WorkersResult extends RunResult {
  run: Run
  /** Work tasks this process merged. */
  merged: number
}

/**
 * `colony worker`: more workers for the run a `colony run` process
 * supervises, sharing its board through the store. Only the worker's model is
 * needed here; planners, the judge and the deep gate stay with `colony run`.
 * Ctrl-C (the signal) makes this process leave: its tasks go back to ready and
 * the run goes on.
 */
export async function launchWorkers(options: AgentProcessOptions): Promise<WorkersResult> {
  const { config, store } = options
  await assertNotCheckedOut(createGit(options.layout.root), config.target)
  const run = await store.latestRun()
  if (!run || isRunEnded(run.status)) throw new NothingToJoinError(run ? `run ${run.id} is ${run.status}` : 'no run has been started here')
  const agents = await prepareAgents(options, run, ['worker'], await roleModels(options, ['worker']))
  const workers = agents.superviseWith({ deepGate: undefined })
  const restoreWarnings = recordModelWarnings(store, run.id)
  const view = createLiveView({ store, runId: run.id, output: options.output, budget: config.budget })
  try {
    const result = await workers.join({ ...(options.signal && { signal: options.signal }), describe: agents.description })
    await view.refresh()
    const merged = await store.listEvents({ runId: run.id, types: ['task-merged'] })
    return { ...result, run: await store.getRun(run.id), merged: merged.filter((event) => typeof event.data.owner === 'string' && event.data.owner.startsWith(`${workers.instanceId}/`)).length }
  } finally {
    await view.stop()
    restoreWarnings()
  }
}
