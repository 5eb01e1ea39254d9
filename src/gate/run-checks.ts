import type { Git } from '../git/index.ts'

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
 * Runs one check command. A failing result's `report` is what a worker, a
 * planner or the deep gate reads: the command, its output and how it ended.
 */
async function runCheck(command: string, options: RunChecksOptions): Promise<CheckResult & { passed: boolean; report: string }> {
  options.signal?.throwIfAborted()
  const started = Date.now()
  const result = await options.run(command, { cwd: options.cwd, timeoutMs: options.timeoutMs, ...(options.signal && { signal: options.signal }) })
  const passed = result.exitCode === 0 && !result.timedOut
  const status = result.timedOut ? `timed out after ${Math.round(options.timeoutMs / 1000)} s` : `exited with ${result.exitCode ?? 'a signal'}`
  return {
    command,
    exitCode: result.exitCode,
    timedOut: result.timedOut,
    durationMs: Date.now() - started,
    output: result.output,
    passed,
    report: passed ? `$ ${command}\n(passed)` : `$ ${command}\n${result.output.trimEnd()}\n(${status})`,
  }
}

/**
 * Runs check commands in order and stops at the first failure, whose output
 * (with the command and exit status) is what a worker reads.
 */
export async function runChecks(commands: readonly string[], options: RunChecksOptions): Promise<ChecksOutcome> {
  const results: CheckResult[] = []
  for (const command of commands) {
    const { passed, report, ...check } = await runCheck(command, options)
    results.push(check)
    if (!passed) return { passed: false, results, output: report }
  }
  return { passed: true, results, output: commands.length === 0 ? 'no checks configured' : `${commands.length} check(s) passed: ${commands.join('; ')}` }
}

/**
 * Runs `commands` at `commit` in a scratch worktree Colony owns, from a clean
 * checkout, in order, each whatever the ones before it answered (a later
 * check may rely on what an earlier one leaves behind, such as a build).
 */
export async function runChecksAt(scratch: Git, commit: string, commands: readonly string[], options: Omit<RunChecksOptions, 'cwd'>) {
  await scratch.run(['checkout', '--quiet', '--detach', '--force', commit])
  await scratch.run(['clean', '--quiet', '-fd'])
  const results: { passed: boolean; report: string }[] = []
  for (const command of commands) results.push(await runCheck(command, { ...options, cwd: scratch.cwd }))
  return results
}
