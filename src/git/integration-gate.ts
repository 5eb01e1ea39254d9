import { changedFiles } from './change-limits.ts'
import type { Git } from './git.ts'
import type { IntegrateOptions, IntegrationEmit, IntegrationOutcome } from './integration-outcome.ts'
import type { LandingCandidate } from './landing-candidate.ts'

/** The fast gate of one integration, which remembers where it last passed so that a clean rebase need not run it again. */
export interface IntegrationGate {
  /** How many times the gate ran. */
  readonly runs: number
  /** The tip the gate last passed on. */
  readonly gatedAt: string | undefined
  /** The task's files that changed on the target since the gate passed (all of them before it ran). */
  touchedSinceGate(): Promise<string[]>
  /** The fast gate, unless the rebase was clean and none of the task's files changed on the target since it passed. */
  gateIfNeeded(): Promise<IntegrationOutcome | undefined>
}

export interface IntegrationGateOptions {
  git: Git
  options: IntegrateOptions
  emit: IntegrationEmit
  candidate: LandingCandidate
  /** The files the task's change touches. */
  files: string[]
}

function capOutput(output: string, limit = 12_000): string {
  if (output.length <= limit) return output
  return `... (${output.length - limit} earlier characters cut)\n${output.slice(-limit)}`
}

export function createIntegrationGate({ git, options, emit, candidate, files }: IntegrationGateOptions): IntegrationGate {
  let gatedAt: string | undefined
  let runs = 0

  const gate: IntegrationGate = {
    get runs() {
      return runs
    },
    get gatedAt() {
      return gatedAt
    },

    async touchedSinceGate() {
      return gatedAt ? (await changedFiles(git, gatedAt, candidate.tip)).filter((file) => files.includes(file)) : files
    },

    async gateIfNeeded() {
      const { tip } = candidate
      const touched = await gate.touchedSinceGate()
      if (gatedAt && touched.length === 0) {
        if (gatedAt !== tip) await emit('gate-skipped', { tip, gatedAt, reason: 'clean rebase, and none of the task\'s files changed on the target since its gate passed' })
        return undefined
      }
      await candidate.syncWorktree()
      runs++
      const outcome = await options.gate(git.cwd)
      if (!outcome.passed) {
        await emit('gate-failed', { stage: 'fast', output: capOutput(outcome.output, 4_000) })
        return {
          status: 'gate-failed',
          output: capOutput(outcome.output),
          message: `The gate failed on your change (rebased onto the latest ${options.target}). Fix the failures below in your worktree and call finish again.\n\n${capOutput(outcome.output)}`,
        }
      }
      await emit('gate-passed', { stage: 'fast', tip, ...(gatedAt && { rerunBecause: touched }) })
      gatedAt = tip
      return undefined
    },
  }
  return gate
}
