import type { Run, Store } from '../store/index.ts'
import { moveRun, runMoves } from './run-lifecycle.ts'

/**
 * Pauses the run while the target cannot move (a person has it checked out),
 * and resumes it once it can, unless a person paused it too. The returned
 * function is asked every loop with the run as read; it returns the run as it
 * is now.
 */
export function createTargetGuard(store: Store, targetProblem: (() => Promise<string | undefined>) | undefined): (run: Run) => Promise<Run> {
  let pausedForTarget = false
  return async (run) => {
    if (!targetProblem || (run.status === 'paused' && !pausedForTarget)) return run
    const problem = await targetProblem()
    if (problem && run.status === 'running') {
      pausedForTarget = true
      return moveRun(store, run.id, runMoves.pause('colony', problem))
    }
    if (!problem && pausedForTarget && run.status === 'paused') {
      pausedForTarget = false
      return moveRun(store, run.id, runMoves.resume('colony', 'the target branch can move again'))
    }
    return run
  }
}
