import { readFileSync } from 'node:fs'
import { Command } from 'commander'

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }

type Registrar = (program: Command) => void

/**
 * Each group of commands and the module that registers it, in the order
 * `colony --help` lists them. PERF: a command loads only its own module (and
 * what that imports): loading every command's dependencies, the AI SDK and
 * the HTTP server among them, was most of the start-up of `colony task list`.
 */
const commandModules: readonly { names: readonly string[]; load: () => Promise<Registrar> }[] = [
  { names: ['init'], load: async () => (await import('./commands/init.ts')).registerInit },
  { names: ['task'], load: async () => (await import('./commands/task.ts')).registerTask },
  { names: ['status'], load: async () => (await import('./commands/status.ts')).registerStatus },
  { names: ['events'], load: async () => (await import('./commands/events.ts')).registerEvents },
  { names: ['pause', 'resume', 'stop', 'steer', 'approve', 'reject', 'approvals', 'retry', 'cancel'], load: async () => (await import('./commands/control.ts')).registerControls },
  { names: ['log', 'revert'], load: async () => (await import('./commands/history.ts')).registerHistory },
  { names: ['adopt'], load: async () => (await import('./commands/adopt.ts')).registerAdopt },
  { names: ['pr'], load: async () => (await import('./commands/pr.ts')).registerPullRequest },
  { names: ['diff'], load: async () => (await import('./commands/diff.ts')).registerDiff },
  { names: ['memory'], load: async () => (await import('./commands/memory.ts')).registerMemory },
  { names: ['sandbox'], load: async () => (await import('./commands/sandbox.ts')).registerSandbox },
  { names: ['models'], load: async () => (await import('./commands/models.ts')).registerModels },
  { names: ['run'], load: async () => (await import('./commands/run.ts')).registerRun },
  { names: ['worker'], load: async () => (await import('./commands/worker.ts')).registerWorker },
  { names: ['mcp'], load: async () => (await import('./commands/mcp.ts')).registerMcp },
  { names: ['serve'], load: async () => (await import('./commands/serve.ts')).registerServe },
  { names: ['demo'], load: async () => (await import('./commands/demo.ts')).registerDemo },
  { names: ['scripted-model'], load: async () => (await import('./commands/scripted-model.ts')).registerScriptedModel },
  { names: ['completion'], load: async () => (await import('./commands/completion.ts')).registerCompletion },
]

/**
 * The `colony` command line for `argv` (process.argv: node, the script, then
 * the arguments). Commands are thin: parse, call a domain module, print. Only
 * the command `argv` names is registered; without one (help, a version, an
 * unknown command) all of them are.
 */
export async function createProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const program = new Command()
    .name('colony')
    .description('Run long-lived teams of LLM coding agents on one codebase without losing control of it.')
    .version(packageJson.version)
    .exitOverride()
    // `colony memory` has options of its own and commands taking the same ones: an option after a command's name is that command's.
    .enablePositionalOptions()
    // commander's own parse errors (unknown option, missing argument) read like Colony's: `colony: ...` then the fix.
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'colony: ')) })
  const named = argv[2]
  // `colony completion` describes every command, so it registers them all.
  const only = commandModules.find((module) => named !== undefined && named !== 'completion' && module.names.includes(named))
  for (const module of only ? [only] : commandModules) (await module.load())(program)
  pointToHelp(program, 'colony')
  return program
}

/** After a parse error each command names its own help, e.g. `colony task add --help`. */
function pointToHelp(command: Command, path: string): void {
  command.showHelpAfterError(`  fix: see \`${path} --help\``)
  for (const sub of command.commands) pointToHelp(sub, `${path} ${sub.name()}`)
}
