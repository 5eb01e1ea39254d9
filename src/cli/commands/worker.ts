import type { Command } from 'commander'
import { terminalText } from '../../terminal/index.ts'
import { modelOverrides } from '../model-options.ts'
import { withSession } from '../session.ts'
import { parseWorkers, stopOnInterrupt } from './run.ts'

/** `colony worker`: more workers for the run `colony run` supervises, in another process on this machine. */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('join the running run with more workers in this process: they take work tasks from the same board; planners and the judge stay with `colony run`')
    .option('--workers <n>', 'agents at once in this process (default: "workers" in colony.json)')
    .option('--model <spec>', 'provider:model for these workers (default: the worker model in colony.json)')
    .option('--no-model-check', 'start without first asking the model for a few tokens (the check that refuses an unreachable endpoint, a refused key or an unknown model)')
    .action(async (options: { workers?: string; model?: string; modelCheck: boolean }) => {
      const workers = parseWorkers(options.workers)
      const overrides = modelOverrides({ ...(options.model !== undefined && { workerModel: options.model }) })
      await withSession(process.cwd(), async ({ layout, config, store, board, run }) => {
        // PERF: the orchestrator and the model providers load only once the arguments are known to be good.
        const [{ launchWorkers }, { checkLaunch }] = await Promise.all([import('../../launch/index.ts'), import('../preflight.ts')])
        await checkLaunch({ layout, config, run, resuming: false, roles: ['worker'], models: overrides, modelCheck: options.modelCheck })
        // Ctrl-C here makes this process leave (its tasks go back to ready); the run goes on.
        const interrupt = stopOnInterrupt('this worker process leaves; its tasks go back to ready and the run goes on')
        try {
          const result = await launchWorkers({ layout, config, store, board, ...(workers !== undefined && { workers }), models: overrides, output: process.stdout, signal: interrupt.signal })
          process.stdout.write(`\nworkers left run ${result.run.id} (${result.run.status}): ${terminalText(result.reason)}; ${result.merged} task${result.merged === 1 ? '' : 's'} merged by this process\n`)
          if (result.status === 'failed') process.exitCode = 1
        } finally {
          interrupt.dispose()
        }
      })
    })
}
