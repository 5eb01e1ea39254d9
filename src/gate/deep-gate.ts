import type { EmitEvent } from '../events/index.ts'
import { targetTip, type Git, type Workspaces } from '../git/index.ts'
import { attributeBreak } from './attribute-break.ts'
import { createCheckHistory } from './check-history.ts'
import { isFailing, outputDigestChars, type CheckReport, type Culprit } from './check-status.ts'
import type { CommandRunner } from './run-checks.ts'

export interface DeepGateOptions {
  /** Git at the repository. */
  git: Git
  workspaces: Workspaces
  target: string
  /** The git remote holding the target, when it is not local. */
  remote?: string | undefined
  /** `checks.full`. */
  commands: readonly string[]
  run: CommandRunner
  timeoutMs: number
  /**
   * The target's tip when the run started. A check that fails and has no
   * pass on record is tried here once: if it passed then, a merge since
   * broke it and is bisected; if not, it is red from the start.
   */
  baseline?: string | undefined
  /** Marks a task reverted on the board once its commit has been reverted on the target. */
  onReverted: (culprit: { taskId: number; commit: string; revert: string; output: string; command: string }) => Promise<void>
  emit?: EmitEvent
  /** Where the last commit that passed all of `checks.full` is kept. */
  verifiedRef?: string
}

export interface DeepGateReport {
  /** `unchanged`: the tip had passed every check already; `green`: it passes every check now; `reverted`: it does after reverting `culprits`; `red`: a check fails. */
  status: 'unchanged' | 'green' | 'reverted' | 'red'
  tip: string
  /** One per command of `checks.full`, in order. */
  checks: CheckReport[]
  /** Tasks reverted by this check of the target, oldest first. */
  culprits: Culprit[]
}

const scratchName = 'deep-gate'
const maxRevertsPerCheck = 8

/**
 * The deep gate on the target branch: runs each command of `checks.full` on
 * the tip (all of them, in order, whatever each answers) and keeps, per
 * command, the last target commit where it passed (a git ref, so it survives
 * restarts). A command that passed before and fails now is bisected between
 * those two commits by that command (the commands before it run first, as on
 * the tip, whatever they answer); the first bad commit's task is
 * reverted (a compare-and-swap on the target), reported, and the tip checked
 * again. A command that has never passed is red from the start: reported as
 * work to do, never blamed on a merge. So a target that starts red still has
 * its green checks guarded.
 *
 * @example
 *   const gate = createDeepGate({ git, workspaces, target: 'colony/main', commands: ['npm test', 'npm run lint'], baseline, run, timeoutMs, onReverted })
 *   const report = await gate.check() // report.checks: [{ command: 'npm test', status: 'red-from-start', ... }, { command: 'npm run lint', status: 'reverted', culprits: [...] }]
 */
export function createDeepGate(options: DeepGateOptions) {
  const { git, commands } = options
  const verifiedRef = options.verifiedRef ?? `refs/colony/verified/${options.target}`
  const emit: EmitEvent = async (type, data) => void (await options.emit?.(type, data))
  const history = createCheckHistory({ git, target: options.target, commands, run: options.run, timeoutMs: options.timeoutMs, baseline: options.baseline })
  // Commands whose break was bisected to a commit that is no task's, so they are not bisected again until they pass again.
  const unattributable = new Map<string, { since: string; reason: string }>()
  let running: Promise<DeepGateReport> | undefined
  let requested = false

  async function checkOnce(signal?: AbortSignal): Promise<DeepGateReport> {
    const culprits: Culprit[] = []
    const brokeBy = new Map<string, Culprit[]>()
    let ran = false
    for (let round = 0; ; round++) {
      const tip = await targetTip(git, options)
      if (!tip) throw new Error(`the target branch ${options.target} does not exist`)
      const verified = await git.resolveRef(verifiedRef)
      const passing = (command: string): CheckReport => ({ command, status: brokeBy.has(command) ? 'reverted' : 'passing', culprits: brokeBy.get(command) ?? [] })
      if (verified === tip) return finish({ status: culprits.length > 0 ? 'reverted' : 'unchanged', tip, checks: commands.map(passing), culprits }, ran)
      // No checks, nothing to run at the tip: no checkout of it either (a long run moves the tip hundreds of times).
      const checkout = commands.length > 0 ? await options.workspaces.openDetached(scratchName, tip) : undefined
      const atTip = checkout ? await history.resultsAtTip(checkout, tip, signal) : { ran: false, results: [] }
      ran ||= atTip.ran
      const failing = [...commands.keys()].filter((index) => !atTip.results[index]!.passed)
      if (failing.length === 0) {
        const merges = verified ? Number(await git.text(['rev-list', '--count', '--first-parent', `${verified}..${tip}`])) : undefined
        await git.run(['update-ref', '-m', 'colony: deep gate passed', verifiedRef, tip, verified ?? '0'.repeat(tip.length)], { okExitCodes: [128] })
        await emit('deep-gate-passed', { tip, ...(merges !== undefined && { merges }) })
        return finish({ status: culprits.length > 0 ? 'reverted' : 'green', tip, checks: commands.map(passing), culprits }, ran)
      }
      // A check failed, so there are checks and a checkout of the tip.
      const scratch = checkout!
      const { since, ran: learnt } = await history.lastPasses(scratch, tip, failing, signal)
      ran ||= learnt
      let reverted = false
      for (const index of failing) {
        const command = commands[index]!
        const last = since.get(index)
        if (!last || unattributable.get(command)?.since === last) continue
        if (round >= maxRevertsPerCheck) continue
        ran = true
        const outcome = await attributeBreak({
          git,
          scratch,
          target: options.target,
          remote: options.remote,
          command,
          since: last,
          tip,
          tipReport: atTip.results[index]!.report,
          testAt: async (commit) => (await history.runAt(scratch, commit, index + 1, signal))[index]!,
          emit,
          onReverted: options.onReverted,
        })
        if ('culprit' in outcome) {
          culprits.push(outcome.culprit)
          brokeBy.set(command, [...(brokeBy.get(command) ?? []), outcome.culprit])
          reverted = true
          break
        }
        unattributable.set(command, { since: last, reason: outcome.reason })
        await emit('deep-gate-failed', { tip, command, reason: outcome.reason, output: atTip.results[index]!.report.slice(-outputDigestChars), commit: outcome.commit })
      }
      if (reverted) continue
      const checks = commands.map((command, index): CheckReport => {
        const result = atTip.results[index]!
        if (result.passed) return passing(command)
        const output = result.report.slice(-outputDigestChars)
        const last = since.get(index)
        if (!last) {
          const reason = options.baseline === undefined ? 'it has not passed on the target on record' : 'it failed when the run started too'
          return { command, status: 'red-from-start', culprits: brokeBy.get(command) ?? [], output, reason }
        }
        const known = unattributable.get(command)
        const reason = known?.since === last ? known.reason : `still red after ${round} reverts`
        return { command, status: 'still-red', since: last, culprits: brokeBy.get(command) ?? [], output, reason }
      })
      return finish({ status: 'red', tip, checks, culprits }, ran)
    }
  }

  /** Reports a check that ran anything as a `deep-gate-report` event (its summary is what the live view shows). */
  async function finish(report: DeepGateReport, ran: boolean): Promise<DeepGateReport> {
    if (ran) {
      const failing = report.checks.filter(isFailing)
      const summary = failing.length === 0
        ? `all ${report.checks.length} checks pass`
        : `${failing.length} of ${report.checks.length} checks fail: ${failing.map((check) => `${check.command} (${check.status})`).join(', ')}`
      await emit('deep-gate-report', { tip: report.tip, status: report.status, summary, checks: report.checks, culprits: report.culprits })
    }
    return report
  }

  /** Checks the target now (waits for a check already under way, then runs another). */
  async function check(signal?: AbortSignal): Promise<DeepGateReport> {
    // Only waits its turn: the check under way reports its own failure to whoever started it.
    while (running) await running.catch(() => undefined)
    running = checkOnce(signal)
    try {
      return await running
    } finally {
      running = undefined
    }
  }

  /**
   * Asks for a check after merges; merges that land while one runs are
   * batched into the next. Resolves when no check is pending.
   */
  async function request(signal?: AbortSignal): Promise<void> {
    requested = true
    if (running) return
    while (requested) {
      requested = false
      await check(signal)
    }
  }

  return { check, request, verifiedRef }
}

export type DeepGate = ReturnType<typeof createDeepGate>
