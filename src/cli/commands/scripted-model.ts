import type { Command } from 'commander'
import { loadScenario, ScenarioFileError, scriptFromScenario, startScriptedServer, type Scenario } from '../../model/scripted/index.ts'
import { terminalText } from '../../terminal/index.ts'
import { UsageError } from '../usage-error.ts'

/** `colony scripted-model`: the scripted model server on its own, for trying Colony (or anything else) without a real model. */
export function registerScriptedModel(program: Command): void {
  program
    .command('scripted-model')
    .description('serve a scenario file as a model on 127.0.0.1 (OpenAI chat and Responses, Anthropic Messages); replies are scripted, not generated')
    .requiredOption('--scenario <file>', 'JSON scenario: replies by role, task and turn (see docs/scripted-model.md)')
    .option('--port <n>', 'port (default: any free one)', '0')
    .action(async (options: { scenario: string; port: string }) => {
      const port = Number(options.port)
      if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError('--port', `--port must be a port number, got "${options.port}"`, 'for example --port 8787, or leave it out for any free port')
      let scenario: Scenario
      try {
        scenario = await loadScenario(options.scenario)
      } catch (error) {
        // The file is what --scenario names: one that cannot be served is an unusable argument (exit 2), like --goal-file's.
        if (error instanceof ScenarioFileError) throw new UsageError('--scenario', error.message, error.hint ?? 'see docs/scripted-model.md')
        throw error
      }
      const server = await startScriptedServer({ script: scriptFromScenario(scenario), port })
      process.stdout.write(
        `scripted model serving ${terminalText(options.scenario)} at ${server.url}\n` +
          `point a provider at it in colony.json, e.g. "providers": { "scripted": { "type": "openai-compatible", "baseURL": "${server.url}" } } and "models": { "default": "scripted:demo" }\n` +
          'stop it with Ctrl-C\n',
      )
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve)
        process.once('SIGTERM', resolve)
      })
      await server.close()
      process.stdout.write(`answered ${server.requests.length} requests\n`)
    })
}
