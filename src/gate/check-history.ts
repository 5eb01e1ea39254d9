import type { Git } from '../git/index.ts'
import { createCheckRecords } from './check-records.ts'
import { runChecksAt, type CommandRunner } from './run-checks.ts'

export interface CheckHistoryOptions {
  git: Git
  target: string
  commands: readonly string[]
  run: CommandRunner
  timeoutMs: number
  /** The target's tip when the run started (DeepGateOptions.baseline). */
  baseline?: string | undefined
}

export interface TipResult {
  passed: boolean
  report: string
}

/**
 * What the deep gate knows about each command of `checks.full`: its last
 * pass (in git, see check-records.ts), learnt at the baseline when there is
 * none on record, and what failed at which tip in this process, so an
 * unchanged red tip is not checked again.
 */
export function createCheckHistory(options: CheckHistoryOptions) {
  const { git, commands } = options
  const records = createCheckRecords({ git, target: options.target })
  const failures = new Map<string, { tip: string; report: string }>()
  // Commands that failed at the baseline too, so it is not tried again for them.
  const redAtBaseline = new Set<string>()

  /**
   * The first `count` commands at `commit`, run as they run on the tip.
   * PERF: testing a later command runs the ones before it too; put cheap checks first.
   */
  function runAt(scratch: Git, commit: string, count: number, signal?: AbortSignal): Promise<TipResult[]> {
    return runChecksAt(scratch, commit, commands.slice(0, count), { run: options.run, timeoutMs: options.timeoutMs, ...(signal && { signal }) })
  }

  /** Each command's result at the tip: from what is known about this tip when every one is known, otherwise by running them all. */
  async function resultsAtTip(scratch: Git, tip: string, signal?: AbortSignal): Promise<{ results: TipResult[]; ran: boolean }> {
    const known = await Promise.all(
      commands.map(async (command): Promise<TipResult | undefined> => {
        if ((await records.lastPass(command, tip)) === tip) return { passed: true, report: '' }
        const failure = failures.get(command)
        return failure?.tip === tip ? { passed: false, report: failure.report } : undefined
      }),
    )
    if (known.every((result) => result !== undefined)) return { results: known, ran: false }
    const results = await runAt(scratch, tip, commands.length, signal)
    for (const [index, command] of commands.entries()) {
      const result = results[index]!
      if (result.passed) {
        failures.delete(command)
        await records.recordPass(command, tip)
      } else {
        failures.set(command, { tip, report: result.report })
      }
    }
    return { results, ran: true }
  }

  /** The last pass of each failing command (by index): on record, or learnt at the baseline; none for a command red from the start. */
  async function lastPasses(scratch: Git, tip: string, failing: readonly number[], signal?: AbortSignal): Promise<{ since: Map<number, string>; ran: boolean }> {
    const since = new Map<number, string>()
    const unknown: number[] = []
    for (const index of failing) {
      const passed = await records.lastPass(commands[index]!, tip)
      if (passed) since.set(index, passed)
      else if (!redAtBaseline.has(commands[index]!)) unknown.push(index)
    }
    const baseline = options.baseline
    if (unknown.length === 0 || baseline === undefined) return { since, ran: false }
    const usable = baseline !== tip && (await git.run(['merge-base', '--is-ancestor', baseline, tip], { okExitCodes: [1, 128] })).exitCode === 0
    const atBaseline = usable ? await runAt(scratch, baseline, Math.max(...unknown) + 1, signal) : []
    for (const index of unknown) {
      const command = commands[index]!
      if (atBaseline[index]?.passed) {
        await records.recordPass(command, baseline)
        since.set(index, baseline)
      } else {
        redAtBaseline.add(command)
      }
    }
    return { since, ran: usable }
  }

  return { runAt, resultsAtTip, lastPasses }
}
