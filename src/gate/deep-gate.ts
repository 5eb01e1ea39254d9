import { revertOnTarget, targetLog, targetTip, type Git, type Workspaces } from '../git/index.ts'
import { firstBadCommit } from './bisect.ts'
import { runChecks, type CommandRunner } from './run-checks.ts'

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
  /** Marks a task reverted on the board once its commit has been reverted on the target. */
  onReverted: (culprit: { taskId: number; commit: string; revert: string; output: string }) => Promise<void>
  emit?: (type: string, data: Record<string, unknown>) => Promise<void> | void
  /** Where the last commit that passed `checks.full` is kept. */
  verifiedRef?: string
}

export type DeepGateReport =
  | { status: 'unchanged' | 'green'; tip: string }
  | { status: 'reverted'; tip: string; culprits: { taskId: number; commit: string }[] }
  | { status: 'red'; tip: string; output: string; reason: string }

const scratchName = 'deep-gate'
const maxRevertsPerCheck = 8

/**
 * The deep gate on the target branch: runs `checks.full` on the tip, covering
 * every merge since the last green commit in one run. When the tip is red it
 * bisects those merges to the first bad commit, reverts that task's commit
 * (a compare-and-swap on the target), reports it, and checks again. The last
 * green commit is a git ref, so it survives restarts.
 */
export function createDeepGate(options: DeepGateOptions) {
  const { git } = options
  const verifiedRef = options.verifiedRef ?? `refs/colony/verified/${options.target}`
  const emit = async (type: string, data: Record<string, unknown>) => options.emit?.(type, data)
  let running: Promise<DeepGateReport> | undefined
  let requested = false

  async function checksAt(scratch: Git, commit: string, signal?: AbortSignal) {
    await scratch.run(['checkout', '--quiet', '--detach', '--force', commit])
    await scratch.run(['clean', '--quiet', '-fd'])
    return runChecks(options.commands, { cwd: scratch.cwd, run: options.run, timeoutMs: options.timeoutMs, ...(signal && { signal }) })
  }

  async function checkOnce(signal?: AbortSignal): Promise<DeepGateReport> {
    const culprits: { taskId: number; commit: string }[] = []
    for (let round = 0; ; round++) {
      const tip = await targetTip(git, options)
      if (!tip) throw new Error(`the target branch ${options.target} does not exist`)
      const verified = await git.resolveRef(verifiedRef)
      if (verified === tip) return culprits.length > 0 ? { status: 'reverted', tip, culprits } : { status: 'unchanged', tip }
      const scratch = await options.workspaces.openDetached(scratchName, tip)
      const atTip = await checksAt(scratch, tip, signal)
      const merges = verified ? Number(await git.text(['rev-list', '--count', '--first-parent', `${verified}..${tip}`])) : undefined
      if (atTip.passed) {
        await git.run(['update-ref', '-m', 'colony: deep gate passed', verifiedRef, tip, verified ?? '0'.repeat(tip.length)], { okExitCodes: [128] })
        await emit('deep-gate-passed', { tip, ...(merges !== undefined && { merges }) })
        return culprits.length > 0 ? { status: 'reverted', tip, culprits } : { status: 'green', tip }
      }
      if (!verified) {
        const reason = 'the target has not passed checks.full yet, so there is no green commit to bisect from'
        await emit('deep-gate-failed', { tip, reason, output: atTip.output })
        return { status: 'red', tip, output: atTip.output, reason }
      }
      if (round >= maxRevertsPerCheck) {
        const reason = `still red after ${round} reverts`
        await emit('deep-gate-failed', { tip, reason, output: atTip.output })
        return { status: 'red', tip, output: atTip.output, reason }
      }
      const range = (await targetLog(git, options.target, { range: `${verified}..${tip}` })).reverse()
      await emit('deep-gate-bisecting', { tip, verified, merges: range.length })
      const found = await firstBadCommit(
        range.map((commit) => commit.commit),
        async (commit) => (await checksAt(scratch, commit, signal)).passed,
      )
      const culprit = range.find((commit) => commit.commit === found.commit)
      if (culprit?.taskId === undefined) {
        const reason = `the first bad commit ${found.commit.slice(0, 12)} is not a task's commit, so there is nothing to revert automatically`
        await emit('deep-gate-failed', { tip, reason, output: atTip.output, commit: found.commit })
        return { status: 'red', tip, output: atTip.output, reason }
      }
      const failing = await checksAt(scratch, culprit.commit, signal)
      const revert = await revertOnTarget({
        scratch,
        target: options.target,
        remote: options.remote,
        commit: culprit.commit,
        taskId: culprit.taskId,
        reason: `checks.full failed first at this commit (found by bisecting ${range.length} merges, ${found.tested.length} tested)`,
      })
      await options.onReverted({ taskId: culprit.taskId, commit: culprit.commit, revert, output: failing.output })
      culprits.push({ taskId: culprit.taskId, commit: culprit.commit })
    }
  }

  /** Checks the target now (waits for a check already under way, then runs another). */
  async function check(signal?: AbortSignal): Promise<DeepGateReport> {
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
