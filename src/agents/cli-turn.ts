import type { LimitReached, Sandbox } from '../sandbox/index.ts'
import { redactSecrets } from '../secrets/index.ts'
import type { CliTurn, CliUsage } from './agent-cli.ts'
import { createCliTranscript, type CliTranscriptOptions } from './cli-transcript.ts'

/** What the turn's transcript records under (the agent, its usage and prices, the steps before it), and how the CLI runs. */
export interface CliTurnOptions extends Omit<CliTranscriptOptions, 'onStep'> {
  executable: string
  turn: CliTurn
  sandbox: Sandbox
  /** The attempt's time left: the CLI is stopped when it runs out. */
  timeoutMs: number
  /** No output for this long: the CLI is stuck, and is stopped. */
  stallMs: number
  /** The most model replies the attempt may have. */
  maxSteps: number
  signal: AbortSignal
  onActivity?: (activity: string) => void
}

export interface CliTurnResult {
  /** The CLI's session, to resume it. */
  session: string | undefined
  /** The agent's last words this turn. */
  text: string
  /** Why the turn failed, when it did: the CLI's own error, an exit code, or a limit Colony enforced. */
  failure: string | undefined
  /** Which of Colony's limits ended the turn, if one did. */
  limit: LimitReached | 'stall' | 'steps' | undefined
  steps: number
  /** The totals the CLI reported at the turn's end, as it reported them. */
  reported: CliUsage | undefined
}

/**
 * Runs one turn of an agent CLI inside the sandbox, in the task's worktree,
 * with network (it talks to its model) and its throwaway home writable; its
 * event stream goes to the transcript (createCliTranscript) as it comes.
 * Stops it, process tree and all, on the attempt's signal, its time, a stall,
 * or too many steps.
 */
export async function runCliTurn(options: CliTurnOptions): Promise<CliTurnResult> {
  const { cli, turn } = options
  const reader = cli.streamReader()
  const abort = new AbortController()
  let limit: CliTurnResult['limit']
  const stopFor = (reason: 'stall' | 'steps') => {
    limit ??= reason
    abort.abort()
  }
  const onAbort = () => abort.abort()
  options.signal.addEventListener('abort', onAbort, { once: true })

  const transcript = createCliTranscript({
    ...options,
    onStep: (step, tools) => {
      options.onActivity?.(`step ${step}: ${tools.join(', ') || 'thinking'}`)
      if (step >= options.maxSteps) stopFor('steps')
    },
  })

  let pending = ''
  let stderr = ''
  let stall = setTimeout(() => stopFor('stall'), options.stallMs)
  const onOutput = (chunk: Buffer, from: 'stdout' | 'stderr') => {
    clearTimeout(stall)
    stall = setTimeout(() => stopFor('stall'), options.stallMs)
    if (from === 'stderr') {
      stderr = (stderr + chunk.toString('utf8')).slice(-4_000)
      return
    }
    pending += chunk.toString('utf8')
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) readLine(line)
  }
  const readLine = (line: string) => {
    if (!line.trim().startsWith('{')) return
    try {
      for (const cliEvent of reader.read(line)) transcript.take(cliEvent)
    } catch {
      // A line that is not the CLI's JSON (a warning it printed) carries no event.
    }
  }

  try {
    const invocation = await cli.invocation(options.executable, turn)
    const result = await options.sandbox.run(invocation.argv, {
      cwd: turn.workspace,
      timeoutMs: options.timeoutMs,
      signal: abort.signal,
      network: true,
      writable: [turn.home],
      environment: invocation.environment,
      onOutput,
      // The stream is the CLI's transcript: long, and read as it comes rather than kept.
      floodBytes: 256 * 1024 * 1024,
    })
    readLine(pending)
    await transcript.written()
    const { session, text, failure, steps, reported } = transcript.state
    const sandboxLimit = result.limit === 'aborted' && limit ? undefined : result.limit
    const reason =
      limit === 'stall'
        ? `the agent CLI printed nothing for ${Math.round(options.stallMs / 60_000)} minutes and was stopped`
        : limit === 'steps'
          ? `the agent reached its limit of ${options.maxSteps} steps`
          : sandboxLimit
            ? `the agent CLI was stopped: ${sandboxLimit}`
            : result.exitCode !== 0
              ? `the agent CLI exited with code ${result.exitCode}${failure ? `: ${failure}` : stderr.trim() ? `: ${redactSecrets(stderr.trim().split('\n').slice(-5).join('\n'))}` : ''}`
              : failure
    return { session, text, failure: reason, limit: limit ?? sandboxLimit, steps, reported }
  } finally {
    clearTimeout(stall)
    options.signal.removeEventListener('abort', onAbort)
  }
}
