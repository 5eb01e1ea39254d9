import { setTimeout as delay } from 'node:timers/promises'
import type { Git } from './git.ts'
import type { IntegrationGate } from './integration-gate.ts'
import type { IntegrateOptions, IntegrationEmit, IntegrationOutcome } from './integration-outcome.ts'
import type { LandingCandidate } from './landing-candidate.ts'
import { requireTargetTip } from './target-branch.ts'
import { readTaskOutcome, swapTargetForTask } from './task-outcome.ts'

export interface LandCandidateOptions {
  git: Git
  options: IntegrateOptions
  emit: IntegrationEmit
  candidate: LandingCandidate
  gate: IntegrationGate
}

/**
 * Rebases, gates and swaps the target to the candidate by compare-and-swap,
 * until it lands, the worker has something to fix, or the target kept moving
 * for `maxRaces` lost swaps.
 */
export async function landCandidate({ git, options, emit, candidate, gate }: LandCandidateOptions): Promise<IntegrationOutcome> {
  const { task } = options
  const maxRaces = options.maxRaces ?? 30
  // Without a landing lock, every integrator races for the target and the losers retry.
  const landing = options.landing ?? (<T>(work: () => Promise<T>) => work())
  let race = 0

  /** Catches up with the tip if it moved, then swaps; 'regate' when the catch-up touched the task's files, 'lost' when another swap came first. */
  async function swap(): Promise<IntegrationOutcome | 'regate' | 'lost'> {
    const current = await requireTargetTip(git, options)
    if (current !== candidate.tip) {
      // Another integration landed while this one was gated: catch up (cheap) before the swap.
      race++
      await emit('target-moved', { expected: candidate.tip, actual: current, race, at: 'catch-up' })
      candidate.tip = current
      const conflict = await candidate.rebaseOntoTip()
      if (conflict) return conflict
      const touched = await gate.touchedSinceGate()
      if (touched.length > 0) return 'regate'
      await emit('gate-skipped', { tip: candidate.tip, gatedAt: gate.gatedAt, reason: 'clean rebase, and none of the task\'s files changed on the target since its gate passed' })
    }
    const { tip, commit } = candidate
    await emit('landing-swap', { tip, candidate: commit })
    const key = { runId: task.runId ?? 0, id: task.id }
    const swapped = await swapTargetForTask(git, options, key, commit, tip, `colony: task ${task.id}`)
    if (swapped === 'swapped') {
      return { status: 'merged', commit, races: race, gateRuns: gate.runs, message: `Merged into ${options.target} as ${commit.slice(0, 12)}.` }
    }
    if (swapped === 'target-moved') return 'lost'
    const decided = await readTaskOutcome(git, options, key)
    if (decided.state === 'landed') {
      return { status: 'landed-before', commit: decided.commit, message: `This task already landed on ${options.target} as ${decided.commit.slice(0, 12)}; there is nothing more to merge.` }
    }
    await emit('landing-refused', { reason: 'the task was cancelled before its change landed' })
    return { status: 'cancelled', message: `Task ${task.id} was cancelled before your change landed; nothing was merged. Stop working on it.` }
  }

  while (race <= maxRaces) {
    options.signal?.throwIfAborted()
    // Rebase and gate outside the landing lock: the gate is slow and must not hold others up.
    const stopped = (await candidate.rebaseOntoTip()) ?? (await gate.gateIfNeeded())
    if (stopped) return stopped
    if (options.land === false) {
      await candidate.syncWorktree()
      return { status: 'gated', commit: candidate.commit, tip: candidate.tip, message: `Your change passed its gate on ${options.target} at ${candidate.tip.slice(0, 12)}; it lands when a person approves it (approval.merge).` }
    }
    const landed = await landing(swap)
    if (typeof landed === 'object') {
      // Outside the landing turn: the others need not wait while this worktree catches up with its own commit.
      if (landed.status === 'merged' && !options.worktreeRemovedAfterLanding) await candidate.syncWorktree()
      return landed
    }
    if (landed === 'lost') {
      // Another integrator moved the target between our read and our swap.
      race++
      const moved = await requireTargetTip(git, options)
      await emit('target-moved', { expected: candidate.tip, actual: moved, race, at: 'swap' })
      candidate.tip = moved
      // Exponential back-off with full jitter: integrations that lost together should not
      // all retry together (bench/integrate.ts: about a third fewer lost races than linear back-off).
      await delay(Math.random() * 10 * 2 ** Math.min(race - 1, 6))
    }
  }
  await candidate.syncWorktree()
  return {
    status: 'target-busy',
    races: maxRaces + 1,
    message: `${options.target} kept moving while this change was landing (${maxRaces + 1} lost compare-and-swaps). Call finish again to retry.`,
  }
}
