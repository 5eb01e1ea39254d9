import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { launchRun, type LaunchResult } from '../../orchestrator/index.ts'
import { addModelOptions, modelOverrides, type ModelFlags } from '../model-options.ts'
import { withSession } from '../session.ts'
import { UsageError } from '../usage-error.ts'

export function describeResult(result: LaunchResult, root: string, target: string): string {
  return [
    '',
    `run ${result.run.id} ${result.status}: ${result.reason}`,
    `${result.merged} of ${result.tasks} work tasks merged in ${result.cycles} cycle${result.cycles === 1 ? '' : 's'}; spent $${result.costUsd.toFixed(4)}`,
    `target ${target} is at ${result.targetTip.slice(0, 12)}`,
    `inspect: git -C ${root} log --oneline ${target}   ·   colony log   ·   colony status   ·   colony events`,
  ].join('\n')
}

/** Ctrl-C once asks the run to stop cleanly (agents finish their step, held tasks go back); twice exits at once. */
export function stopOnInterrupt(what = 'stopping cleanly (agents finish their current step)'): { signal: AbortSignal; dispose(): void } {
  const abort = new AbortController()
  const onSignal = () => {
    if (abort.signal.aborted) process.exit(130)
    process.stderr.write(`\ncolony: ${what}; press Ctrl-C again to quit at once\n`)
    abort.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return { signal: abort.signal, dispose: () => (process.off('SIGINT', onSignal), process.off('SIGTERM', onSignal)) }
}

/** --workers, checked: a whole number of at least 1, or undefined for colony.json's. */
export function parseWorkers(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const workers = Number(text)
  if (!Number.isInteger(workers) || workers < 1) throw new UsageError('--workers', `--workers must be a whole number of at least 1, got "${text}"`, 'for example --workers 8')
  return workers
}

/** `colony run`: start or resume the run in this repository. */
export function registerRun(program: Command): void {
  addModelOptions(
    program
      .command('run')
      .description('start (with a goal) or resume this repository\'s run: planners, workers and the judge until done, stopped or out of budget')
      .option('--goal <text>', 'what the run should achieve')
      .option('--goal-file <file>', 'read the goal from a file')
      .option('--workers <n>', 'agents at once (default: "workers" in colony.json)'),
  ).action(async (options: ModelFlags & { goal?: string; goalFile?: string; workers?: string }) => {
    if (options.goal !== undefined && options.goalFile !== undefined) throw new UsageError('--goal', 'give --goal or --goal-file, not both', 'keep one of them')
    const goal = options.goalFile !== undefined ? (await readFile(options.goalFile, 'utf8')).trim() : options.goal?.trim()
    if (goal === '') throw new UsageError('--goal', 'the goal is empty', 'say what the run should achieve')
    const workers = parseWorkers(options.workers)
    const overrides = modelOverrides(options)
    await withSession(process.cwd(), async ({ layout, config, store, board }) => {
      const interrupt = stopOnInterrupt()
      try {
        const result = await launchRun({ layout, config, store, board, ...(goal !== undefined && { goal }), ...(workers !== undefined && { workers }), models: overrides, output: process.stdout, signal: interrupt.signal })
        process.stdout.write(`${describeResult(result, layout.root, config.target)}\n`)
        if (result.status === 'failed') process.exitCode = 1
      } finally {
        interrupt.dispose()
      }
    })
  })
}
