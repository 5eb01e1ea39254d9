/** Runs one shell command line in a directory; the sandbox provides the real one. */
export type CommandRunner = (
  command: string,
  options: { cwd: string; timeoutMs: number; signal?: AbortSignal },
) => Promise<{ exitCode: number | null; output: string; timedOut: boolean }>

export interface CheckResult {
  command: string
  exitCode: number | null
  timedOut: boolean
  durationMs: number
  output: string
}

export interface ChecksOutcome {
  passed: boolean
  results: CheckResult[]
  /** The failing command's output (or a one-line summary when everything passed). */
  output: string
}

export interface RunChecksOptions {
  cwd: string
  run: CommandRunner
  /** Per command. */
  timeoutMs: number
  signal?: AbortSignal
}

/**
 * Runs check commands in order and stops at the first failure, whose output
 * (with the command and exit status) is what a worker or the deep gate reads.
 */
export async function runChecks(commands: readonly string[], options: RunChecksOptions): Promise<ChecksOutcome> {
  const results: CheckResult[] = []
  for (const command of commands) {
    options.signal?.throwIfAborted()
    const started = Date.now()
    const result = await options.run(command, { cwd: options.cwd, timeoutMs: options.timeoutMs, ...(options.signal && { signal: options.signal }) })
    const check = { command, exitCode: result.exitCode, timedOut: result.timedOut, durationMs: Date.now() - started, output: result.output }
    results.push(check)
    if (result.exitCode !== 0 || result.timedOut) {
      const status = result.timedOut ? `timed out after ${Math.round(options.timeoutMs / 1000)} s` : `exited with ${result.exitCode ?? 'a signal'}`
      return { passed: false, results, output: `$ ${command}\n${result.output.trimEnd()}\n(${status})` }
    }
  }
  return { passed: true, results, output: commands.length === 0 ? 'no checks configured' : `${commands.length} check(s) passed: ${commands.join('; ')}` }
}
