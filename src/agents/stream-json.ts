import type { CliEvent, CliStreamReader, CliUsage } from './agent-cli.ts'

type Block = { type: string; text?: string; id?: string; name?: string; input?: unknown; tool_use_id?: string; content?: unknown; is_error?: boolean }

/** The token counts a stream-json line carries, under Anthropic's names. */
export type StreamJsonUsage = { input_tokens?: number; output_tokens?: number; cache_read_input_tokens?: number; cache_creation_input_tokens?: number }

/** An assistant message of the stream, as it arrives on one line. */
export type StreamJsonMessage = { id?: string; content?: Block[] | string; usage?: StreamJsonUsage }

type Line = {
  type?: string
  subtype?: string
  session_id?: string
  message?: StreamJsonMessage
  result?: string
  is_error?: boolean
  error?: { message?: string }
  usage?: StreamJsonUsage
  total_cost_usd?: number
}

type Step = Extract<CliEvent, { type: 'step' }>

/** How one CLI's stream-json differs from another's. */
export interface StreamJsonDialect {
  /** Colony's token counts from the CLI's: whether its `input_tokens` already hold the cached ones differs. */
  usage(usage: StreamJsonUsage): CliUsage
  /** Whether an assistant line goes on with the model reply read so far, or begins the next one. */
  continues(step: Step, message: StreamJsonMessage): boolean
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (Array.isArray(content)) return content.map((part: { text?: unknown }) => (typeof part?.text === 'string' ? part.text : '')).join('')
  return JSON.stringify(content ?? '')
}

/**
 * Reads the `stream-json` output Claude Code introduced and Qwen Code copied:
 * a `system`/`init` line with the session, `assistant` lines with text and
 * `tool_use` blocks, `user` lines with `tool_result` blocks, and a last
 * `result` line with the turn's totals. A model reply may come over several
 * assistant lines; the dialect says which belong together.
 */
export function streamJsonReader(dialect: StreamJsonDialect): CliStreamReader {
  let step: Step | undefined
  // Each line of a reply repeats its message's usage so far: what is new is the difference.
  const told = new Map<string, CliUsage>()
  const newUsage = (id: string, usage: CliUsage): CliEvent[] => {
    const before = told.get(id) ?? { inputTokens: 0, outputTokens: 0, cachedTokens: 0 }
    told.set(id, usage)
    const more = { inputTokens: Math.max(0, usage.inputTokens - before.inputTokens), outputTokens: Math.max(0, usage.outputTokens - before.outputTokens), cachedTokens: Math.max(0, usage.cachedTokens - before.cachedTokens) }
    return more.inputTokens + more.outputTokens > 0 ? [{ type: 'usage', usage: more }] : []
  }
  const flush = (): CliEvent[] => {
    const done = step
    step = undefined
    return done ? [done] : []
  }
  const usageOf = (usage: StreamJsonUsage | undefined) => (usage ? dialect.usage(usage) : undefined)
  return {
    read(text) {
      const line = JSON.parse(text) as Line
      if (line.type === 'system' && line.subtype === 'init' && line.session_id) return [{ type: 'session', id: line.session_id }]
      if (line.type === 'assistant' && line.message) {
        const message = line.message
        const events = step && !dialect.continues(step, message) ? flush() : []
        step ??= { type: 'step', id: message.id ?? '', text: '', toolCalls: [] }
        for (const block of Array.isArray(message.content) ? message.content : []) {
          if (block.type === 'text' && block.text) step.text += block.text
          if (block.type === 'tool_use') step.toolCalls.push({ id: block.id ?? '', tool: block.name ?? '', input: block.input })
        }
        const usage = usageOf(message.usage)
        return usage ? [...events, ...newUsage(message.id ?? '', usage)] : events
      }
      if (line.type === 'user' && Array.isArray(line.message?.content)) {
        const results: CliEvent[] = line.message.content
          .filter((block) => block.type === 'tool_result')
          .map((block) => ({ type: 'tool-result', id: block.tool_use_id ?? '', output: textOf(block.content), ok: block.is_error !== true }))
        return [...flush(), ...results]
      }
      if (line.type === 'result') {
        const usage = usageOf(line.usage)
        return [
          ...flush(),
          {
            type: 'result',
            text: line.result ?? '',
            error: line.is_error ? line.error?.message || line.result || line.subtype || 'the turn failed' : undefined,
            ...(usage && { usage }),
            ...(line.total_cost_usd !== undefined && { costUsd: line.total_cost_usd }),
          },
        ]
      }
      return []
    },
  }
}
