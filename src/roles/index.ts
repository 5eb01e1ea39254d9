import type { Roles } from '../orchestrator/index.ts'
import { createJudge } from './judge.ts'
import { createPlanner } from './planner.ts'
import type { RoleContext } from './role-context.ts'
import { createWorker } from './worker.ts'

/** The real planner, worker and judge: agents over the run's models, the repository, the sandbox and the gates. */
export function createRoles(context: RoleContext): Roles {
  const worker = createWorker(context)
  return { plan: createPlanner(context), work: worker.work, land: worker.land, judge: createJudge(context) }
}

export type { RoleContext, RoleModel } from './role-context.ts'
export { boardSummary } from './board-summary.ts'
export { createTaskFinish, type TaskFinish, type FinishResult } from './task-finish.ts'
