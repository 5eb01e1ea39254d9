import type { ContentPart, ModelMessage, ToolResultPart, ToolSet } from 'ai'
import { isFatalError } from '../errors/index.ts'
import { redactSecrets } from '../secrets/index.ts'
import type { AgentEnding, AgentEvent, AgentOutcome } from './agent-ending.ts'
import type { createStallDetector } from './stall-detector.ts'
import type { AgentTool, ToolContext } from './tools/index.ts'

export interface ToolCallsOptions {
  /** The model's reply: its tool calls, and the errors of those it could not parse. */
  content: ContentPart<ToolSet>[]
  byName: ReadonlyMap<string, AgentTool>
  toolContext: ToolContext
  signal: AbortSignal | undefined
  stall: ReturnType<typeof createStallDetector>
  event: AgentEvent
  ending: AgentEnding
  /** The step's response messages; the tool message among them receives the results. */
  responseMessages: ModelMessage[]
  toolMessage: ModelMessage
}

/**
 * Runs one step's tool calls in order, each result redacted and added to the
 * tool message for the model. `finished` is the output of a tool that ends the
 * task (later calls do not run); `ended` is the outcome of an error the model
 * must not see (runAgent's policy).
 */
export async function executeToolCalls(options: ToolCallsOptions): Promise<{ finished: string | undefined } | { ended: AgentOutcome }> {
  const { content, stall, event, toolMessage } = options
  let finished: string | undefined
  for (const part of content) {
    if (part.type !== 'tool-call') continue
    const call = part
    const key = `${call.toolName} ${JSON.stringify(call.input)}`
    if (call.invalid) {
      const message = content.find((other) => other.type === 'tool-error' && other.toolCallId === call.toolCallId)
      const text = message && 'error' in message ? String(message.error) : 'invalid tool call'
      stall.call(key, false)
      await event('tool-call-invalid', { tool: call.toolName, input: call.input, error: text })
      continue
    }
    const tool = options.byName.get(call.toolName)!
    let output: string
    let ok = true
    try {
      const outcome = await tool.execute(tool.inputSchema.parse(call.input), options.toolContext)
      output = typeof outcome === 'string' ? outcome : outcome.output
      if (typeof outcome !== 'string' && outcome.failed) ok = false
      if (typeof outcome !== 'string' && outcome.done) finished = output
    } catch (error) {
      if (isFatalError(error) || options.signal?.aborted) return { ended: await options.ending.endAttempt(call, error, options.responseMessages.filter((message) => message.role === 'assistant')) }
      ok = false
      output = `Error: ${error instanceof Error ? error.message : String(error)}`
    }
    output = redactSecrets(output)
    stall.call(key, ok)
    ;(toolMessage.content as ToolResultPart[]).push({ type: 'tool-result', toolCallId: call.toolCallId, toolName: call.toolName, output: ok ? { type: 'text', value: output } : { type: 'error-text', value: output } })
    await event('tool-call', { tool: call.toolName, input: call.input, ok, output: output.slice(0, 2_000) })
    if (finished !== undefined) break
  }
  return { finished }
}
