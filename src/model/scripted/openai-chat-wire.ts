import { toolInputText } from './script.ts'
import { textOf, usageOf, type SseEvent, type Wire } from './wire.ts'

interface ChatBody {
  model: string
  stream?: boolean
  stream_options?: { include_usage?: boolean }
  messages: { role: string; content: unknown }[]
}

/** OpenAI Chat Completions (`POST /v1/chat/completions`), streaming and not. */
export const openAIChatWire: Wire = {
  path: '/chat/completions',
  describe(body) {
    const chat = body as ChatBody
    return {
      model: chat.model,
      stream: chat.stream === true,
      turn: chat.messages.filter((message) => message.role === 'assistant').length + 1,
      toolResults: chat.messages.filter((message) => message.role === 'tool').map((message) => textOf(message.content)),
    }
  },
  reply(reply, { model, id }) {
    const usage = usageOf(reply)
    const toolCalls = (reply.toolCalls ?? []).map((call, index) => ({ id: `call_${id}_${index}`, type: 'function', function: { name: call.name, arguments: toolInputText(call.input) } }))
    return {
      id: `chatcmpl-${id}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: reply.text ?? null, ...(toolCalls.length > 0 && { tool_calls: toolCalls }) }, finish_reason: toolCalls.length > 0 ? 'tool_calls' : 'stop' }],
      usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output, prompt_tokens_details: { cached_tokens: usage.cached } },
    }
  },
  stream(reply, { model, id, includeUsage }) {
    const usage = usageOf(reply)
    const base = { id: `chatcmpl-${id}`, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model }
    const chunk = (delta: unknown, finish: string | null = null) => ({ data: { ...base, choices: [{ index: 0, delta, finish_reason: finish }] } })
    const events: SseEvent[] = [chunk({ role: 'assistant', content: '' })]
    if (reply.text) for (const piece of reply.text.match(/[\s\S]{1,40}/g) ?? []) events.push(chunk({ content: piece }))
    ;(reply.toolCalls ?? []).forEach((call, index) => {
      const text = toolInputText(call.input)
      events.push(chunk({ tool_calls: [{ index, id: `call_${id}_${index}`, type: 'function', function: { name: call.name, arguments: '' } }] }))
      for (const piece of text.match(/[\s\S]{1,40}/g) ?? []) events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }))
    })
    events.push(chunk({}, (reply.toolCalls ?? []).length > 0 ? 'tool_calls' : 'stop'))
    if (includeUsage) events.push({ data: { ...base, choices: [], usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output, prompt_tokens_details: { cached_tokens: usage.cached } } } })
    events.push({ data: '[DONE]' })
    return events
  },
  error: (status, message) => ({ error: { message, type: status === 429 ? 'rate_limit_exceeded' : 'server_error', code: null } }),
}
