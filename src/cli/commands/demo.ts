import { realpathSync } from 'node:fs'
import type { Command } from 'commander'
import { createDemoDirectory, runDemo } from '../../demo/index.ts'
import { terminalText } from '../../terminal/index.ts'
import { describeResult, parseWorkers, stopOnInterrupt } from './run.ts'
import { UsageError } from '../usage-error.ts'

/** `colony demo`: the whole system on the bundled sample project, with scripted agents. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run Colony end to end on a bundled sample project with scripted agents (no API key needed)')
    .option('--dir <path>', 'where to create the sample repository (default: a new temporary directory)')
    .option('--workers <n>', 'agents at once', '4')
    .action(async (options: { dir?: string; workers: string }) => {
      const workers = parseWorkers(options.workers)
      if (options.dir !== undefined && options.dir.trim() === '') throw new UsageError('--dir', '--dir is empty', 'give --dir a path that does not exist yet, or leave it out for a temporary directory')
      // Made (or refused) before anything is said about the run: a refusal prints only why.
      const place = await createDemoDirectory(options.dir)
      process.stdout.write(
        'colony demo: the agents below are SCRIPTED (a local server replays prepared model replies over the real OpenAI wire protocol);\n' +
          'everything else is real: git worktrees, integration, gates, the sandbox, the store.\n\n',
      )
      // How this very command was started, so the hints below work without colony on PATH.
      const colony = `${process.execPath} ${realpathSync(process.argv[1] ?? 'colony')}`
      const interrupt = stopOnInterrupt()
      try {
        const { result, modelRequests } = await runDemo({ directory: place, workers, output: process.stdout, signal: interrupt.signal })
        // The path as given may hold anything; it is shown, not obeyed.
        const directory = terminalText(place.path)
        process.stdout.write(`${describeResult(result, directory, 'colony/main')}\n`)
        process.stdout.write(
          [
            `${modelRequests} scripted model calls.`,
            '',
            `The sample repository is at ${directory}. Look around:`,
            `  cd ${directory} && ${colony} log && ${colony} events | less && git switch -q --detach colony/main && npm test`,
            '',
            'To run the same thing with a real model, in that directory (or your own repository):',
            '  export ANTHROPIC_API_KEY=...        # or OPENAI_API_KEY, or an openai-compatible server in colony.json',
            '  edit colony.json: "models": { "default": "anthropic:claude-sonnet-4-5" } and remove "providers.scripted"',
            `  ${colony} run --goal "Implement textkit as SPEC.md describes"`,
          ].join('\n') + '\n',
        )
        if (result.status !== 'done') process.exitCode = 1
      } finally {
        interrupt.dispose()
      }
    })
}
