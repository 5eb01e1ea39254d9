import type { Run, Store } from '../store/index.ts'
import { moveRun, runMoves } from './run-lifecycle.ts'

/** How long an answer of targetProblem stands (each landing checks the target itself before it moves it). */
const askEveryMs = 1_000

/**
 * Pauses the run while the target cannot move (a person has it checked out),
 * and resumes it once it can, unless a person paused it too. The returned
 * function is asked every loop with the run as read; it returns the run as it
 * is now. The problem is looked for at most once a second: the loop runs many
 * times a second with many agents, and looking reads every worktree's HEAD.
 */
export function createTargetGuard(store: Store, targetProblem: (() => Promise<string | undefined>) | undefined, now: () => number = Date.now): (run: Run) => Promise<Run> {
  let pausedForTarget = false
  let last: { at: number; problem: string | undefined } | undefined
  return async (run) => {
    if (!targetProblem || (run.status === 'paused' && !pausedForTarget)) return run
    if (!last || now() - last.at >= askEveryMs) last = { at: now(), problem: await targetProblem() }
    const problem = last.problem
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
