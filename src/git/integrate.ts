import { changedFiles } from './change-limits.ts'
import { refuseChange } from './change-checks.ts'
import { createIntegrationGate } from './integration-gate.ts'
import { authorEnvironment, type IntegrateOptions, type IntegrationEmit, type IntegrationOutcome } from './integration-outcome.ts'
import { landCandidate } from './land-candidate.ts'
import { createLandingCandidate } from './landing-candidate.ts'
import { continueRebase, rebaseInProgress } from './rebase-resolution.ts'
import { requireTargetTip } from './target-branch.ts'
import { squashTaskCommit } from './task-commit.ts'

export type { GateOutcome, IntegrateOptions, IntegrationOutcome, IntegrationTask } from './integration-outcome.ts'
export { taskTrailer } from './task-commit.ts'

/**
 * Lands a worker's changes on the target branch (DESIGN.md, "Finishing is
 * integrating"): squash them into one commit carrying `Colony-Task: <id>`,
 * refuse files outside the task's scope or a diff over the limit, rebase onto
 * the target's tip, run the fast gate, and move the target by compare-and-swap;
 * when another integration moved it first, rebase and try again. Anything the
 * worker must fix comes back as an outcome whose `message` says what and how;
 * the worker fixes it in the same worktree and calls this again.
 */
export async function integrate(options: IntegrateOptions): Promise<IntegrationOutcome> {
  const { git, task } = options
  const emit: IntegrationEmit = async (type, data) => options.emit?.(type, data)
  const excluded = options.exclude ?? []
  const authorEnv = authorEnvironment(options.author)

  if (await rebaseInProgress(git)) {
    const stopped = await continueRebase({ git, target: options.target, excluded, authorEnv, emit })
    if (stopped) return stopped
  }

  const tip = await requireTargetTip(git, options)
  const within = await options.changedPaths?.()
  const base = await squashTaskCommit(git, task, tip, excluded, authorEnv, within)
  if (base === undefined) {
    return { status: 'nothing-to-commit', message: 'There are no changes to integrate: the worktree matches the target. Make the change the task asks for, then call finish.' }
  }
  const files = await changedFiles(git, base, 'HEAD')
  const refused = await refuseChange(git, options, base, files, emit, within)
  if (refused) return refused

  const candidate = await createLandingCandidate({ git, options, authorEnv, emit, base, tip })
  const gate = createIntegrationGate({ git, options, emit, candidate, files })
  return landCandidate({ git, options, emit, candidate, gate })
}
