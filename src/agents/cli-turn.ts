import { newEvent, type EventData, type EventType } from '../events/index.ts'
import { costOf, type ModelPrice } from '../model/index.ts'
import type { LimitReached, Sandbox } from '../sandbox/index.ts'
import { redactSecrets } from '../secrets/index.ts'
import type { Store } from '../store/index.ts'
import type { AgentCli, CliEvent, CliTurn, CliUsage } from './agent-cli.ts'

export interface CliTurnOptions {
  cli: AgentCli
  executable: string
  turn: CliTurn
  sandbox: Sandbox
  store: Store
  runId: number
  taskId: number
  agentId: number
  /** "cli:provider:model", for usage records. */
  usageModel: string
  price: ModelPrice | undefined
  /** The attempt's time left: the CLI is stopped when it runs out. */
  timeoutMs: number
  /** No output for this long: the CLI is stuck, and is stopped. */
  stallMs: number
  /** Model replies the attempt has had so far, and the most it may have. */
  stepsBefore: number
  maxSteps: number
  /** The session's totals the CLI reported at the end of its last turn (AgentCli.reportsSessionTotals). */
  reportedBefore: CliUsage | undefined
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

const zeroUsage: CliUsage = { inputTokens: 0, outputTokens: 0, cachedTokens: 0 }

/**
 * Runs one turn of an agent CLI inside the sandbox, in the task's worktree,
 * with network (it talks to its model) and its throwaway home writable. Its
 * event stream becomes Colony's: an `agent-step` per model reply, a
 * `tool-call` per tool the CLI ran (Colony's own tools record themselves),
 * and usage records that count against the run's budget as they come. Stops
 * it, process tree and all, on the attempt's signal, its time, a stall, or
 * too many steps.
 */
export async function runCliTurn(options: CliTurnOptions): Promise<CliTurnResult> {
  const { cli, store, turn } = options
  const colonyToolPrefix = cli.finishToolName.slice(0, -'finish'.length)
  const reader = cli.streamReader()
  const abort = new AbortController()
  let limit: CliTurnResult['limit']
  const stopFor = (reason: 'stall' | 'steps') => {
    limit ??= reason
    abort.abort()
  }
  const onAbort = () => abort.abort()
  options.signal.addEventListener('abort', onAbort, { once: true })

  let session: string | undefined
  let text = ''
  let failure: string | undefined
  let steps = 0
  let reported: CliUsage | undefined
  let accounted = { ...zeroUsage, costUsd: 0 }
  const calls = new Map<string, { tool: string; input: unknown }>()
  // Events and usage are written in order, one after another, while the CLI goes on.
  let written: Promise<void> = Promise.resolve()
  const write = (work: () => Promise<void>) => void (written = written.then(work))
  const event = <T extends EventType>(type: T, data: EventData<T>) =>
    write(async () => void (await store.appendEvents([newEvent(type, data, { runId: options.runId, taskId: options.taskId, agentId: options.agentId })])))

  const account = async (usage: CliUsage, costUsd: number | undefined) => {
    const cost = options.price ? costOf(usage, options.price) : (costUsd ?? 0)
    accounted = { inputTokens: accounted.inputTokens + usage.inputTokens, outputTokens: accounted.outputTokens + usage.outputTokens, cachedTokens: accounted.cachedTokens + usage.cachedTokens, costUsd: accounted.costUsd + cost }
    if (usage.inputTokens + usage.outputTokens + cost === 0) return { ...usage, costUsd: 0 }
    await store.recordUsage({ runId: options.runId, agentId: options.agentId, taskId: options.taskId, role: 'worker', model: options.usageModel, ...usage, costUsd: cost })
    return { ...usage, costUsd: cost }
  }

  // Tokens the stream told since the last step: the next step's event shows them.
  let sinceStep = { ...zeroUsage, costUsd: 0 }
  const addSinceStep = (usage: CliUsage & { costUsd: number }) =>
    (sinceStep = { inputTokens: sinceStep.inputTokens + usage.inputTokens, outputTokens: sinceStep.outputTokens + usage.outputTokens, cachedTokens: sinceStep.cachedTokens + usage.cachedTokens, costUsd: sinceStep.costUsd + usage.costUsd })

  function take(cliEvent: CliEvent) {
    if (cliEvent.type === 'session') session = cliEvent.id
    if (cliEvent.type === 'usage') write(async () => void addSinceStep(await account(cliEvent.usage, undefined)))
    if (cliEvent.type === 'step') {
      steps += 1
      const number = options.stepsBefore + steps
      for (const call of cliEvent.toolCalls) calls.set(call.id, { tool: call.tool, input: call.input })
      const names = cliEvent.toolCalls.map((call) => call.tool)
      options.onActivity?.(`step ${number}: ${names.join(', ') || 'thinking'}`)
      if (cliEvent.text) text = cliEvent.text
      write(async () => {
        addSinceStep(await account(cliEvent.usage ?? zeroUsage, undefined))
        const usage = sinceStep
        sinceStep = { ...zeroUsage, costUsd: 0 }
        await store.appendEvents([newEvent('agent-step', { step: number, text: redactSecrets(cliEvent.text).slice(0, 500), toolCalls: names, empty: names.length === 0 && !cliEvent.text, ...usage, purpose: cli.name }, { runId: options.runId, taskId: options.taskId, agentId: options.agentId })])
      })
      if (options.stepsBefore + steps >= options.maxSteps) stopFor('steps')
    }
    if (cliEvent.type === 'tool-result') {
      const call = calls.get(cliEvent.id)
      if (call && !call.tool.startsWith(colonyToolPrefix)) event('tool-call', { tool: call.tool, input: call.input, ok: cliEvent.ok, output: redactSecrets(cliEvent.output).slice(0, 2_000) })
    }
    if (cliEvent.type === 'result') {
      if (cliEvent.text) text = cliEvent.text
      failure = cliEvent.error
      // The turn's totals, when the CLI gives them, correct what the stream told along the way.
      reported = cliEvent.usage
      const before = cli.reportsSessionTotals ? (options.reportedBefore ?? zeroUsage) : zeroUsage
      const total = cliEvent.usage && {
        inputTokens: cliEvent.usage.inputTokens - before.inputTokens,
        outputTokens: cliEvent.usage.outputTokens - before.outputTokens,
        cachedTokens: cliEvent.usage.cachedTokens - before.cachedTokens,
      }
      write(async () => {
        if (!total && cliEvent.costUsd === undefined) return
        const more = total
          ? { inputTokens: Math.max(0, total.inputTokens - accounted.inputTokens), outputTokens: Math.max(0, total.outputTokens - accounted.outputTokens), cachedTokens: Math.max(0, total.cachedTokens - accounted.cachedTokens) }
          : zeroUsage
        await account(more, cliEvent.costUsd === undefined ? undefined : Math.max(0, cliEvent.costUsd - accounted.costUsd))
      })
    }
  }

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
      for (const cliEvent of reader.read(line)) take(cliEvent)
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
    await written
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
