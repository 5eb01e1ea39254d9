import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { textProblem } from '../../board/index.ts'
import type { LaunchResult } from '../../launch/index.ts'
import { terminalText } from '../../terminal/index.ts'
import { addModelOptions, modelOverrides, type ModelFlags } from '../model-options.ts'
import { withSession } from '../session.ts'
import { UsageError, parseWholeNumber } from '../usage-error.ts'

export function describeResult(result: LaunchResult, root: string, target: string): string {
  return [
    '',
    `run ${result.run.id} ${result.status}: ${terminalText(result.reason)}`,
    `${result.merged} of ${result.tasks} work tasks merged${result.cancelled > 0 ? `, ${result.cancelled} cancelled,` : ''} in ${result.cycles} cycle${result.cycles === 1 ? '' : 's'}; spent $${result.costUsd.toFixed(4)}`,
    `target ${target} is at ${result.targetTip.slice(0, 12)}`,
    `inspect: git -C ${root} log --oneline ${target}   ·   colony log   ·   colony diff TASK   ·   colony status   ·   colony events`,
    ...(result.merged > 0
      ? [
          `take the result home: \`colony adopt\` merges ${target} into your checked-out branch (a fast-forward, else a merge commit)`,
          `                      \`colony pr\` pushes it to colony/run-${result.run.id} and opens a pull request`,
        ]
      : []),
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

/** --workers, checked: a whole number from 1 to 1000 (as in colony.json), or undefined for colony.json's. */
export function parseWorkers(text: string | undefined): number | undefined {
  return text === undefined ? undefined : parseWholeNumber(text, '--workers', 1, 1000, 8)
}

/** The longest goal Colony takes: planners read it on every turn. */
const maxGoalLength = 50_000

/** The goal from --goal or --goal-file, checked; undefined when neither is given (resume). */
async function readGoal(options: { goal?: string; goalFile?: string }): Promise<string | undefined> {
  if (options.goal !== undefined && options.goalFile !== undefined) throw new UsageError('--goal', 'give --goal or --goal-file, not both', 'keep one of them')
  const flag = options.goalFile !== undefined ? '--goal-file' : '--goal'
  let text = options.goal
  if (options.goalFile !== undefined) {
    try {
      text = await readFile(options.goalFile, 'utf8')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      const why = code === 'ENOENT' ? 'there is no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message
      throw new UsageError('--goal-file', `cannot read the goal file ${JSON.stringify(options.goalFile)}: ${why}`, 'give the path of a text file that holds the goal (relative to this directory), or the goal itself with --goal TEXT')
    }
  }
  if (text === undefined) return undefined
  const goal = text.trim()
  if (goal === '') throw new UsageError(flag, `the goal${flag === '--goal-file' ? ` in ${JSON.stringify(options.goalFile)}` : ''} is empty`, 'say what the run should achieve')
  const problem = textProblem(goal, { maxLength: maxGoalLength, multiline: true })
  if (problem) throw new UsageError(flag, `the goal ${problem}`, flag === '--goal-file' ? 'give a text file that says what the run should achieve' : 'say what the run should achieve; put a long specification in a file the planners can read')
  return goal
}

/** `colony run`: start or resume the run in this repository. */
export function registerRun(program: Command): void {
  addModelOptions(
    program
      .command('run')
      .description('start (with a goal) or resume this repository\'s run: planners, workers and the judge until done, stopped or out of budget')
      .option('--goal <text>', 'what the run should achieve')
      .option('--goal-file <file>', 'read the goal from a file')
      .option('--workers <n>', 'agents at once (default: "workers" in colony.json)')
      .option('--no-model-check', 'start without first asking each model for a few tokens (the check that refuses an unreachable endpoint, a refused key or an unknown model)'),
  ).action(async (options: ModelFlags & { goal?: string; goalFile?: string; workers?: string; modelCheck: boolean }) => {
    const workers = parseWorkers(options.workers)
    const overrides = modelOverrides(options)
    const goal = await readGoal(options)
    await withSession(process.cwd(), async ({ layout, config, store, board, run }) => {
      // PERF: the orchestrator and the model providers load only once the arguments are known to be good.
      const [{ launchRun }, { roles }, { checkLaunch }] = await Promise.all([import('../../launch/index.ts'), import('../../model/index.ts'), import('../preflight.ts')])
      await checkLaunch({ layout, config, run, resuming: goal === undefined, roles, models: overrides, modelCheck: options.modelCheck })
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
