import { toolInputText } from './script.ts'
import { textOf, usageOf, type SseEvent, type Wire } from './wire.ts'

type Message = { role: string; content: unknown }

function contentBlocks(reply: Parameters<Wire['reply']>[0], id: number) {
  const blocks: Record<string, unknown>[] = []
  if (reply.text) blocks.push({ type: 'text', text: reply.text })
  ;(reply.toolCalls ?? []).forEach((call, index) => blocks.push({ type: 'tool_use', id: `toolu_${id}_${index}`, name: call.name, input: call.input }))
  return blocks
}

/** Anthropic Messages (`POST /v1/messages`), streaming (SSE) and not. */
export const anthropicWire: Wire = {
  path: '/messages',
  describe(body) {
    const request = body as { model: string; stream?: boolean; messages: Message[] }
    const toolResults: string[] = []
    for (const message of request.messages) {
      if (message.role !== 'user' || !Array.isArray(message.content)) continue
      for (const block of message.content as { type: string; content?: unknown }[]) if (block.type === 'tool_result') toolResults.push(textOf(block.content))
    }
    return { model: request.model, stream: request.stream === true, turn: request.messages.filter((message) => message.role === 'assistant').length + 1, toolResults }
  },
  reply(reply, { model, id }) {
    const usage = usageOf(reply)
    const blocks = contentBlocks(reply, id).map((block) => (block.type === 'tool_use' && typeof block.input === 'string' ? { ...block, input: {} } : block))
    return {
      id: `msg_${id}`,
      type: 'message',
      role: 'assistant',
      model,
      content: blocks,
      stop_reason: (reply.toolCalls ?? []).length > 0 ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: usage.input - usage.cached, output_tokens: usage.output, cache_creation_input_tokens: 0, cache_read_input_tokens: usage.cached },
    }
  },
  stream(reply, { model, id }) {
    const usage = usageOf(reply)
    const event = (type: string, data: Record<string, unknown>): SseEvent => ({ event: type, data: { type, ...data } })
    const events: SseEvent[] = [
      event('message_start', {
        message: { id: `msg_${id}`, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: usage.input - usage.cached, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: usage.cached } },
      }),
    ]
    contentBlocks(reply, id).forEach((block, index) => {
      if (block.type === 'text') {
        events.push(event('content_block_start', { index, content_block: { type: 'text', text: '' } }))
        for (const piece of String(block.text).match(/[\s\S]{1,40}/g) ?? []) events.push(event('content_block_delta', { index, delta: { type: 'text_delta', text: piece } }))
      } else {
        events.push(event('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } }))
        for (const piece of toolInputText(block.input).match(/[\s\S]{1,40}/g) ?? []) events.push(event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } }))
      }
      events.push(event('content_block_stop', { index }))
    })
    events.push(event('message_delta', { delta: { stop_reason: (reply.toolCalls ?? []).length > 0 ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: usage.output } }))
    events.push(event('message_stop', {}))
    return events
  },
  error: (status, message) => ({ type: 'error', error: { type: status === 429 ? 'rate_limit_error' : status === 529 ? 'overloaded_error' : 'api_error', message } }),
}
