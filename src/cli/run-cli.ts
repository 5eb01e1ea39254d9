import { CommanderError } from 'commander'
import { isColonyError } from '../errors/index.ts'
import { terminalText } from '../terminal/index.ts'
import { createProgram } from './program.ts'
import { UsageError } from './usage-error.ts'

/**
 * Runs one CLI invocation and returns its exit code (docs/cli.md): 0 ok, 1
 * Colony refused or failed, 2 arguments or options it cannot use (commander's
 * own parse errors, already printed, and UsageError).
 */
export async function runCli(argv: string[]): Promise<number> {
  const program = await createProgram(argv)
  try {
    await program.parseAsync(argv)
    // A command that ran but whose outcome is a failure (a command it ran exited non-zero) sets process.exitCode.
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2
    if (isColonyError(error)) {
      // Messages quote what was typed or what a model wrote: shown, never interpreted by the terminal.
      process.stderr.write(`colony: ${terminalText(error.message, { multiline: true })}\n${error.hint ? `  fix: ${terminalText(error.hint, { multiline: true })}\n` : ''}`)
      return error instanceof UsageError ? 2 : 1
    }
    process.stderr.write(`colony: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    return 1
  }
}
