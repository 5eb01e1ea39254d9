import { readFileSync } from 'node:fs'
import { Command } from 'commander'
import { registerControls } from './commands/control.ts'
import { registerDemo } from './commands/demo.ts'
import { registerEvents } from './commands/events.ts'
import { registerHistory } from './commands/history.ts'
import { registerInit } from './commands/init.ts'
import { registerModels } from './commands/models.ts'
import { registerRun } from './commands/run.ts'
import { registerWorker } from './commands/worker.ts'
import { registerServe } from './commands/serve.ts'
import { registerSandbox } from './commands/sandbox.ts'
import { registerScriptedModel } from './commands/scripted-model.ts'
import { registerStatus } from './commands/status.ts'
import { registerTask } from './commands/task.ts'

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }

/** The `colony` command line. Commands are thin: parse, call a domain module, print. */
export function createProgram(): Command {
  const program = new Command()
    .name('colony')
    .description('Run long-lived teams of LLM coding agents on one codebase without losing control of it.')
    .version(packageJson.version)
    .exitOverride()
    .showHelpAfterError('(run colony --help for usage)')
  registerInit(program)
  registerTask(program)
  registerStatus(program)
  registerEvents(program)
  registerControls(program)
  registerHistory(program)
  registerSandbox(program)
  registerModels(program)
  registerRun(program)
  registerWorker(program)
  registerServe(program)
  registerDemo(program)
  registerScriptedModel(program)
  return program
}
