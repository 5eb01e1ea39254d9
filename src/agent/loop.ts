import { newEvent, type EventData, type EventType } from '../events/index.ts'
import { z } from 'zod'
import { generateText, tool as aiTool, type LanguageModel, type ModelMessage, type ToolSet } from 'ai'
import { describeModelFailure, modelFailure, type ModelPrice } from '../model/index.ts'
import { redactSecrets } from '../secrets/index.ts'
import { ColonyError } from '../errors/index.ts'
import type { Store } from '../store/index.ts'
import { createAgentEnding, type AgentOutcome } from './agent-ending.ts'
import type { ContextSettings } from './context-settings.ts'
import { estimateTokens } from './context-window.ts'
import { createConversation } from './conversation.ts'
import { limitReached, type AgentLimits, type Spent } from './limits.ts'
import { createStallDetector } from './stall-detector.ts'
import { executeToolCalls } from './tool-calls.ts'
import type { AgentTool, ToolContext } from './tools/index.ts'
import { createUsageAccount } from './usage-account.ts'

export type { AgentOutcome } from './agent-ending.ts'
export type { ContextSettings } from './context-settings.ts'

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
  const ending = createAgentEnding({ store, agentId, event, spent })
  const { stop } = ending
  const account = createUsageAccount({ store, runId, agentId, taskId, role: options.role, modelSpec: options.modelSpec, price: options.price, spent })
  const conversation = createConversation({
    prompt: options.prompt,
    model: options.model,
    context: options.context,
    fixedTokens,
    headers,
    maxRetries: options.maxRetries ?? 4,
    callSignal,
    account,
    event,
    store,
    agentId,
  })
  await store.appendTranscript(agentId, [{ role: 'system', content: options.system }, { role: 'user', content: options.prompt }])

  for (;;) {
    if (options.signal?.aborted) return stop('aborted', 'the attempt was cancelled')
    const limit = limitReached(options.limits, spent, now())
    if (limit) return stop(limit.reason, limit.detail)
    await options.beforeStep?.(options.signal)

    let messages
    try {
      messages = await conversation.prepare()
    } catch (error) {
      if (options.signal?.aborted) return stop('aborted', 'the attempt was cancelled')
      // Colony's own failures (the store) go on as they are; the model's, while it summarized, end the attempt as a step's would.
      if (error instanceof ColonyError) throw error
      return stop('model-error', redactSecrets(`${options.modelSpec}, summarizing earlier turns: ${describeModelFailure(modelFailure(error))}`))
    }
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
      // Named with the model and the endpoint it tried: the live view and the run's end show this line as the reason.
      return stop('model-error', redactSecrets(`${options.modelSpec}: ${describeModelFailure(modelFailure(error))}`))
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
    const executed = await executeToolCalls({ content: result.content, byName, toolContext: options.toolContext, signal: options.signal, stall, event, ending, responseMessages, toolMessage })
    if ('ended' in executed) return executed.ended
    const { finished } = executed
    if ((toolMessage.content as unknown[]).length === 0) responseMessages.splice(responseMessages.indexOf(toolMessage), 1)

    const text = result.text.trim()
    // An empty reply leaves no assistant message; keep the turn in the conversation so the next request shows it.
    if (!responseMessages.some((message) => message.role === 'assistant')) responseMessages.unshift({ role: 'assistant', content: '(no reply)' })
    if (calls.length === 0) responseMessages.push({ role: 'user', content: text ? nudgeText : nudgeEmpty })
    conversation.append(responseMessages)
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
