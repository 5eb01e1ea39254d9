import { CommanderError } from 'commander'
import { isColonyError } from '../errors/index.ts'
import { createProgram } from './program.ts'

/** Runs one CLI invocation and returns its exit code: 0 ok, 1 failed, 2 bad usage. */
export async function runCli(argv: string[]): Promise<number> {
  const program = createProgram()
  try {
    await program.parseAsync(argv)
    // A command that ran but whose outcome is a failure (a command it ran exited non-zero) sets process.exitCode.
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2
    if (isColonyError(error)) {
      process.stderr.write(`colony: ${error.message}\n${error.hint ? `  fix: ${error.hint}\n` : ''}`)
      return 1
    }
    process.stderr.write(`colony: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    return 1
  }
}
