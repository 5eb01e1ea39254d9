import { toolInputText } from './script.ts'
import { textOf, usageOf, type SseEvent, type Wire } from './wire.ts'

type InputItem = { type?: string; role?: string; output?: unknown; content?: unknown }

function usageBlock(reply: Parameters<Wire['reply']>[0]) {
  const usage = usageOf(reply)
  return { input_tokens: usage.input, input_tokens_details: { cached_tokens: usage.cached }, output_tokens: usage.output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: usage.input + usage.output }
}

function outputItems(reply: Parameters<Wire['reply']>[0], id: number) {
  const items: Record<string, unknown>[] = []
  if (reply.text) items.push({ type: 'message', id: `msg_${id}`, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: reply.text, annotations: [] }] })
  ;(reply.toolCalls ?? []).forEach((call, index) =>
    items.push(
      call.custom
        ? { type: 'custom_tool_call', id: `ctc_${id}_${index}`, call_id: `call_${id}_${index}`, name: call.name, input: toolInputText(call.input), status: 'completed' }
        : { type: 'function_call', id: `fc_${id}_${index}`, call_id: `call_${id}_${index}`, ...(call.namespace && { namespace: call.namespace }), name: call.name, arguments: toolInputText(call.input), status: 'completed' },
    ),
  )
  return items
}

/** OpenAI Responses (`POST /v1/responses`), streaming and not. */
export const openAIResponsesWire: Wire = {
  path: '/responses',
  describe(body) {
    const request = body as { model: string; stream?: boolean; input: InputItem[] }
    const input = Array.isArray(request.input) ? request.input : []
    // A turn is a run of assistant output (a message and/or function calls) between inputs.
    let turns = 0
    let inTurn = false
    for (const item of input) {
      const assistant = item.role === 'assistant' || item.type === 'function_call' || item.type === 'custom_tool_call'
      if (assistant && !inTurn) turns++
      inTurn = assistant
    }
    return {
      model: request.model,
      stream: request.stream === true,
      turn: turns + 1,
      toolResults: input.filter((item) => item.type === 'function_call_output' || item.type === 'custom_tool_call_output').map((item) => textOf(item.output)),
    }
  },
  reply(reply, { model, id }) {
    return {
      id: `resp_${id}`,
      object: 'response',
      created_at: Math.floor(Date.now() / 1000),
      status: 'completed',
      error: null,
      incomplete_details: null,
      model,
      output: outputItems(reply, id),
      usage: usageBlock(reply),
    }
  },
  stream(reply, { model, id }) {
    const response = { id: `resp_${id}`, object: 'response', created_at: Math.floor(Date.now() / 1000), model, status: 'in_progress', output: [] as unknown[] }
    let sequence = 0
    const event = (type: string, data: Record<string, unknown>): SseEvent => ({ event: type, data: { type, sequence_number: sequence++, ...data } })
    const events: SseEvent[] = [event('response.created', { response }), event('response.in_progress', { response })]
    outputItems(reply, id).forEach((item, outputIndex) => {
      if (item.type === 'message') {
        const text = (item.content as { text: string }[])[0]!.text
        events.push(event('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', content: [] } }))
        events.push(event('response.content_part.added', { item_id: item.id, output_index: outputIndex, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }))
        for (const piece of text.match(/[\s\S]{1,40}/g) ?? []) events.push(event('response.output_text.delta', { item_id: item.id, output_index: outputIndex, content_index: 0, delta: piece }))
        events.push(event('response.output_text.done', { item_id: item.id, output_index: outputIndex, content_index: 0, text }))
      } else if (item.type === 'custom_tool_call') {
        events.push(event('response.output_item.added', { output_index: outputIndex, item: { ...item, input: '', status: 'in_progress' } }))
        for (const piece of String(item.input).match(/[\s\S]{1,40}/g) ?? []) events.push(event('response.custom_tool_call_input.delta', { item_id: item.id, output_index: outputIndex, delta: piece }))
        events.push(event('response.custom_tool_call_input.done', { item_id: item.id, output_index: outputIndex, input: item.input }))
      } else {
        events.push(event('response.output_item.added', { output_index: outputIndex, item: { ...item, arguments: '', status: 'in_progress' } }))
        for (const piece of String(item.arguments).match(/[\s\S]{1,40}/g) ?? []) events.push(event('response.function_call_arguments.delta', { item_id: item.id, output_index: outputIndex, delta: piece }))
        events.push(event('response.function_call_arguments.done', { item_id: item.id, output_index: outputIndex, arguments: item.arguments }))
      }
      events.push(event('response.output_item.done', { output_index: outputIndex, item }))
    })
    events.push(event('response.completed', { response: { ...response, status: 'completed', incomplete_details: null, output: outputItems(reply, id), usage: usageBlock(reply) } }))
    return events
  },
  error: (status, message) => ({ error: { message, type: status === 429 ? 'rate_limit_exceeded' : 'server_error', code: null } }),
}
