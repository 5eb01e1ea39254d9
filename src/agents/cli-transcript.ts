import { newEvent, type EventData, type EventType } from '../events/index.ts'
import { costOf, type ModelPrice } from '../model/index.ts'
import { redactSecrets } from '../secrets/index.ts'
import type { Store } from '../store/index.ts'
import type { AgentCli, CliEvent, CliUsage } from './agent-cli.ts'

export interface CliTranscriptOptions {
  cli: AgentCli
  store: Store
  runId: number
  /** The task the agent works on; none for the judge. */
  taskId: number | null
  agentId: number
  role: string
  /** "cli/provider:model", for usage records. */
  usageModel: string
  price: ModelPrice | undefined
  /** Model replies the attempt had before this turn. */
  stepsBefore: number
  /** The session's totals the CLI reported at the end of its last turn (AgentCli.reportsSessionTotals). */
  reportedBefore: CliUsage | undefined
  /** Called with each step's number as it is read (the step limit, `colony status`'s activity). */
  onStep: (step: number, tools: string[]) => void
}

type Spent = CliUsage & { costUsd: number }

const zeroUsage: CliUsage = { inputTokens: 0, outputTokens: 0, cachedTokens: 0 }
const plus = (a: Spent, b: Spent): Spent => ({ inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens, cachedTokens: a.cachedTokens + b.cachedTokens, costUsd: a.costUsd + b.costUsd })
const minus = (a: CliUsage, b: CliUsage): CliUsage => ({ inputTokens: Math.max(0, a.inputTokens - b.inputTokens), outputTokens: Math.max(0, a.outputTokens - b.outputTokens), cachedTokens: Math.max(0, a.cachedTokens - b.cachedTokens) })

/**
 * One CLI turn's event stream, recorded as Colony's: an `agent-step` per model
 * reply, a `tool-call` per tool the CLI ran (Colony's own tools record
 * themselves through the MCP server), and usage records as soon as the stream
 * tells them, priced from colony.json (or at the CLI's own figure when no
 * price is known), so the run's budget sees a turn that is still running.
 */
export function createCliTranscript(options: CliTranscriptOptions) {
  const { cli, store } = options
  const colonyToolPrefix = cli.finishToolName.slice(0, -'finish'.length)
  const ids = { runId: options.runId, taskId: options.taskId, agentId: options.agentId }
  const calls = new Map<string, { tool: string; input: unknown }>()
  const state = { session: undefined as string | undefined, text: '', failure: undefined as string | undefined, steps: 0, reported: undefined as CliUsage | undefined }
  let accounted: Spent = { ...zeroUsage, costUsd: 0 }
  // Tokens told since the last step: the next step's event shows them.
  let sinceStep: Spent = { ...zeroUsage, costUsd: 0 }
  // Events and usage are written in order, one after another, while the CLI goes on.
  let written: Promise<void> = Promise.resolve()
  const write = (work: () => Promise<void>) => void (written = written.then(work))
  const event = <T extends EventType>(type: T, data: EventData<T>) => write(async () => void (await store.appendEvents([newEvent(type, data, ids)])))

  async function account(usage: CliUsage, cliCost: number | undefined): Promise<Spent> {
    const spent = { ...usage, costUsd: options.price ? costOf(usage, options.price) : (cliCost ?? 0) }
    accounted = plus(accounted, spent)
    if (spent.inputTokens + spent.outputTokens + spent.costUsd > 0) await store.recordUsage({ ...ids, role: options.role, model: options.usageModel, ...spent })
    return spent
  }

  function step(cliEvent: Extract<CliEvent, { type: 'step' }>) {
    state.steps += 1
    const number = options.stepsBefore + state.steps
    for (const call of cliEvent.toolCalls) calls.set(call.id, { tool: call.tool, input: call.input })
    const names = cliEvent.toolCalls.map((call) => call.tool)
    if (cliEvent.text) state.text = cliEvent.text
    write(async () => {
      const usage = plus(sinceStep, await account(cliEvent.usage ?? zeroUsage, undefined))
      sinceStep = { ...zeroUsage, costUsd: 0 }
      await store.appendEvents([newEvent('agent-step', { step: number, text: redactSecrets(cliEvent.text).slice(0, 500), toolCalls: names, empty: names.length === 0 && !cliEvent.text, ...usage, purpose: cli.name }, ids)])
    })
    options.onStep(number, names)
  }

  function result(cliEvent: Extract<CliEvent, { type: 'result' }>) {
    if (cliEvent.text) state.text = cliEvent.text
    state.failure = cliEvent.error
    state.reported = cliEvent.usage
    // The turn's totals, when the CLI gives them, correct what the stream told along the way.
    const turnTotal = cliEvent.usage && minus(cliEvent.usage, cli.reportsSessionTotals ? (options.reportedBefore ?? zeroUsage) : zeroUsage)
    if (!turnTotal && cliEvent.costUsd === undefined) return
    write(async () => void (await account(turnTotal ? minus(turnTotal, accounted) : zeroUsage, cliEvent.costUsd === undefined ? undefined : Math.max(0, cliEvent.costUsd - accounted.costUsd))))
  }

  return {
    state,
    take(cliEvent: CliEvent) {
      if (cliEvent.type === 'session') state.session = cliEvent.id
      if (cliEvent.type === 'usage') write(async () => void (sinceStep = plus(sinceStep, await account(cliEvent.usage, undefined))))
      if (cliEvent.type === 'step') step(cliEvent)
      if (cliEvent.type === 'tool-result') {
        const call = calls.get(cliEvent.id)
        if (call && !call.tool.startsWith(colonyToolPrefix)) event('tool-call', { tool: call.tool, input: call.input, ok: cliEvent.ok, output: redactSecrets(cliEvent.output).slice(0, 2_000) })
      }
      if (cliEvent.type === 'result') result(cliEvent)
    },
    /** Resolves once everything read so far is in the store. */
    written: () => written,
  }
}
