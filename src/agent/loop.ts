import { newEvent, type EventData, type EventType } from '../events/index.ts'
import { z } from 'zod'
import { generateText, tool as aiTool, type LanguageModel, type ModelMessage, type ToolResultPart, type ToolSet } from 'ai'
import { isFatalError } from '../errors/index.ts'
import { costOf, type ModelPrice } from '../model/index.ts'
import { redactSecrets } from '../secrets/index.ts'
import type { Store } from '../store/index.ts'
import { compactionCut, estimateTokens, maskOldToolResults, renderForSummary } from './context-window.ts'
import { limitReached, type AgentLimits, type Spent, type StopReason } from './limits.ts'
import { createStallDetector } from './stall-detector.ts'
import type { AgentTool, ToolContext } from './tools/index.ts'

export interface ContextSettings {
  windowTokens: number
  /** Older turns are summarized when a request would pass this share of the window. */
  compactAt: number
  maskToolResultsAfter: number
  /** Turns kept verbatim when older ones are summarized. */
  keepRecentTurns?: number
}

export interface RunAgentOptions {
  model: LanguageModel
  /** "provider:model", for usage records. */
  modelSpec: string
  price: ModelPrice | undefined
  role: string
  system: string
  /** The first user message: the task contract, the goal, the context. */
  prompt: string
  tools: readonly AgentTool[]
  toolContext: ToolContext
  limits: AgentLimits
  context: ContextSettings
  store: Store
  runId: number
  agentId: number
  taskId: number | null
  maxRetries?: number
  maxOutputTokens?: number
  /** One model call's time limit (retries included). */
  callTimeoutMs?: number
  signal?: AbortSignal
  /** Awaited before every model call: where a paused run holds its agents (throws to stop them). */
  beforeStep?: (signal: AbortSignal | undefined) => Promise<void>
  /** Told after every step (for the live view). */
  onStep?: (step: { step: number; toolCalls: string[]; spent: Spent }) => void
  now?: () => number
}

export type AgentOutcome =
  | { status: 'finished'; output: string; steps: number; spent: Spent }
  | { status: 'stopped'; reason: StopReason; detail: string; steps: number; spent: Spent }

const nudgeEmpty = 'Your last reply was empty. Continue the task by calling a tool; call finish when the task is done.'
const nudgeText = 'Reply by calling a tool. When the task is done, call finish with a summary.'

/**
 * The tool-use loop every role runs: one model call per step, tool calls
 * executed here, every step, call and result appended to the events and the
 * transcript, and hard limits on steps, tokens, dollars, wall time and
 * stalls. Before each call, old tool outputs are masked and, past a share of
 * the window, older turns are summarized; a request that would still not fit
 * is never sent.
 *
 * A tool's error follows the error policy (ErrorKind in src/errors): one the
 * model can act on becomes the call's result; a fatal one (a lost lease, a
 * failed store) is recorded and thrown, ending the attempt with it as the
 * reason; any error after the attempt was cancelled stops the loop as
 * `aborted`. In both cases the model is not called again.
 */
export async function runAgent(options: RunAgentOptions): Promise<AgentOutcome> {
  const { store, runId, agentId, taskId } = options
  const now = options.now ?? Date.now
  const spent: Spent = { steps: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, startedAt: now() }
  const stall = createStallDetector(options.limits)
  const byName = new Map(options.tools.map((tool) => [tool.name, tool]))
  const toolSet: ToolSet = Object.fromEntries(options.tools.map((tool) => [tool.name, aiTool({ description: tool.description, inputSchema: tool.inputSchema })]))
  const headers = { 'x-colony-role': options.role, ...(taskId !== null && { 'x-colony-task': String(taskId) }) }
  const maxOutputTokens = options.maxOutputTokens ?? 8192
  // What every request carries besides the conversation: instructions, tool schemas, room for the answer.
  const fixedTokens = estimateTokens(options.system) + estimateTokens(options.tools.map((tool) => [tool.name, tool.description, z.toJSONSchema(tool.inputSchema)])) + maxOutputTokens
  const event = <T extends EventType>(type: T, data: EventData<T>) => store.appendEvents([newEvent(type, data, { runId, agentId, taskId })])
  const callSignal = () => {
    const timeout = AbortSignal.timeout(options.callTimeoutMs ?? 600_000)
    return options.signal ? AbortSignal.any([options.signal, timeout]) : timeout
  }
  const stop = async (reason: StopReason, detail: string): Promise<AgentOutcome> => {
    await event('agent-stopped', { reason, detail, steps: spent.steps, costUsd: spent.costUsd })
    return { status: 'stopped', reason, detail, steps: spent.steps, spent }
  }
  /** A tool call whose error the model must not see (the policy above): the call and the ending are recorded, and the attempt ends. */
  const endAttempt = async (call: { toolName: string; input: unknown }, error: unknown, assistant: ModelMessage[]): Promise<AgentOutcome> => {
    const detail = redactSecrets(error instanceof Error ? error.message : String(error))
    const fatal = isFatalError(error)
    const record = async () => {
      await store.appendTranscript(agentId, assistant.map((message) => ({ role: message.role, content: message.content })))
      await event('tool-call', { tool: call.toolName, input: call.input, ok: false, output: `Error: ${detail}`.slice(0, 2_000), ...(fatal && { fatal }) })
    }
    if (!fatal) {
      await record()
      return stop('aborted', 'the attempt was cancelled')
    }
    try {
      await record()
      await event('agent-stopped', { reason: 'fatal', detail, error: error.name, steps: spent.steps, costUsd: spent.costUsd })
    } catch {
      // The store is often what failed, so this record may not be writable. Only this copy of the reason
      // is missing: the error thrown below carries it up to the role and the supervisor, which end the
      // attempt with it as they do for any error that ends an attempt (the store's own error says why it failed).
    }
    throw error
  }

  let history: ModelMessage[] = [{ role: 'user', content: options.prompt }]
  await store.appendTranscript(agentId, [{ role: 'system', content: options.system }, { role: 'user', content: options.prompt }])

  const account = async (usage: { inputTokens?: number | undefined; outputTokens?: number | undefined; cachedInputTokens?: number | undefined }, purpose: string) => {
    const tokens = { inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0, cachedTokens: usage.cachedInputTokens ?? 0 }
    const cost = costOf(tokens, options.price)
    spent.inputTokens += tokens.inputTokens
    spent.outputTokens += tokens.outputTokens
    spent.costUsd += cost
    await store.recordUsage({ runId, agentId, taskId, role: options.role, model: options.modelSpec, ...tokens, costUsd: cost })
    return { ...tokens, costUsd: cost, purpose }
  }

  const threshold = options.context.windowTokens * options.context.compactAt
  const fits = (messages: ModelMessage[], limit: number) => fixedTokens + estimateTokens(messages) <= limit
  /** Old outputs masked, more of them while the request would pass the threshold (no model call needed). */
  const masked = () => {
    let messages = maskOldToolResults(history, options.context.maskToolResultsAfter)
    for (let keep = options.context.maskToolResultsAfter - 1; keep >= 1 && !fits(messages, threshold); keep--) messages = maskOldToolResults(history, keep)
    return messages
  }

  /** Summarizes the turns before the last few into one message. */
  const compact = async () => {
    const cut = compactionCut(history, options.context.keepRecentTurns ?? 4)
    if (cut === undefined) return
    const older = history.slice(1, cut)
    const summary = await generateText({
      model: options.model,
      system: "You compress an agent's earlier work into notes it will continue from. Keep: decisions, files changed and why, facts learned, errors met and how they were solved, what remains. Plain text, under 400 words.",
      prompt: renderForSummary(older, Math.max(2_000, Math.floor(options.context.windowTokens * 3 * 0.4))),
      headers: { ...headers, 'x-colony-purpose': 'summary' },
      maxRetries: options.maxRetries ?? 4,
      maxOutputTokens: 1_500,
      abortSignal: callSignal(),
    })
    const accounted = await account(summary.usage, 'summary')
    history = [history[0]!, { role: 'user', content: `Summary of your earlier work on this task (older turns were compacted):\n${summary.text}` }, ...history.slice(cut)]
    await event('context-compacted', { messagesSummarized: older.length, summaryCharacters: summary.text.length, ...accounted })
    await store.appendTranscript(agentId, [{ role: 'summary', content: summary.text }])
  }

  /** The request's messages: masked, compacted when masking is not enough; undefined when even that does not fit. */
  const prepare = async (): Promise<ModelMessage[] | undefined> => {
    let messages = masked()
    if (!fits(messages, threshold)) {
      await compact()
      messages = masked()
    }
    return fits(messages, options.context.windowTokens) ? messages : undefined
  }

  for (;;) {
    if (options.signal?.aborted) return stop('aborted', 'the attempt was cancelled')
    const limit = limitReached(options.limits, spent, now())
    if (limit) return stop(limit.reason, limit.detail)
    await options.beforeStep?.(options.signal)

    const messages = await prepare()
    if (!messages) return stop('context', `the conversation no longer fits the ${options.context.windowTokens}-token window even after compaction`)

    let result
    try {
      result = await generateText({
        model: options.model,
        system: options.system,
        messages,
        tools: toolSet,
        headers,
        maxRetries: options.maxRetries ?? 4,
        maxOutputTokens,
        abortSignal: callSignal(),
      })
    } catch (error) {
      if (options.signal?.aborted) return stop('aborted', 'the attempt was cancelled')
      return stop('model-error', redactSecrets(error instanceof Error ? error.message : String(error)))
    }
    spent.steps++
    const usage = await account(result.usage, 'step')

    const responseMessages: ModelMessage[] = [...result.response.messages]
    let toolMessage = responseMessages.find((message) => message.role === 'tool')
    if (!toolMessage) {
      toolMessage = { role: 'tool', content: [] }
      responseMessages.push(toolMessage)
    }
    const calls = result.content.filter((part) => part.type === 'tool-call')
    const results: { name: string; ok: boolean; output: string }[] = []
    let finished: string | undefined

    for (const call of calls) {
      const key = `${call.toolName} ${JSON.stringify(call.input)}`
      if (call.invalid) {
        const message = result.content.find((part) => part.type === 'tool-error' && part.toolCallId === call.toolCallId)
        const text = message && 'error' in message ? String(message.error) : 'invalid tool call'
        results.push({ name: call.toolName, ok: false, output: text })
        stall.call(key, false)
        await event('tool-call-invalid', { tool: call.toolName, input: call.input, error: text })
        continue
      }
      const tool = byName.get(call.toolName)!
      let output: string
      let ok = true
      try {
        const outcome = await tool.execute(tool.inputSchema.parse(call.input), options.toolContext)
        output = typeof outcome === 'string' ? outcome : outcome.output
        if (typeof outcome !== 'string' && outcome.failed) ok = false
        if (typeof outcome !== 'string' && outcome.done) finished = output
      } catch (error) {
        if (isFatalError(error) || options.signal?.aborted) return endAttempt(call, error, responseMessages.filter((message) => message.role === 'assistant'))
        ok = false
        output = `Error: ${error instanceof Error ? error.message : String(error)}`
      }
      output = redactSecrets(output)
      stall.call(key, ok)
      results.push({ name: call.toolName, ok, output })
      ;(toolMessage.content as ToolResultPart[]).push({ type: 'tool-result', toolCallId: call.toolCallId, toolName: call.toolName, output: ok ? { type: 'text', value: output } : { type: 'error-text', value: output } })
      await event('tool-call', { tool: call.toolName, input: call.input, ok, output: output.slice(0, 2_000) })
      if (finished !== undefined) break
    }
    if ((toolMessage.content as unknown[]).length === 0) responseMessages.splice(responseMessages.indexOf(toolMessage), 1)

    const text = result.text.trim()
    // An empty reply leaves no assistant message; keep the turn in the conversation so the next request shows it.
    if (!responseMessages.some((message) => message.role === 'assistant')) responseMessages.unshift({ role: 'assistant', content: '(no reply)' })
    if (calls.length === 0) responseMessages.push({ role: 'user', content: text ? nudgeText : nudgeEmpty })
    history.push(...responseMessages)
    await store.appendTranscript(agentId, responseMessages.map((message) => ({ role: message.role, content: message.content })))
    await event('agent-step', { step: spent.steps, text: text.slice(0, 500), toolCalls: calls.map((call) => call.toolName), empty: calls.length === 0 && !text, ...usage })
    options.onStep?.({ step: spent.steps, toolCalls: calls.map((call) => call.toolName), spent })

    if (finished !== undefined) {
      await event('agent-finished', { steps: spent.steps, costUsd: spent.costUsd })
      return { status: 'finished', output: finished, steps: spent.steps, spent }
    }
    const stalled = stall.endStep()
    if (stalled) return stop('stall', stalled)
  }
}
