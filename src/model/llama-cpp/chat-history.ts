import { UnsupportedFunctionalityError, type LanguageModelV3Prompt, type LanguageModelV3ToolResultOutput } from '@ai-sdk/provider'
import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelResponse } from 'node-llama-cpp'

/**
 * The AI SDK's prompt as node-llama-cpp's chat history. A tool call and its
 * result are one item there (a function call carries its result), and the
 * history ends with the model response to be generated: empty after a user
 * message, or the one holding the latest tool results, which the model
 * continues as its chat template prescribes.
 */
export function toChatHistory(prompt: LanguageModelV3Prompt): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = []
  const callsById = new Map<string, ChatModelFunctionCall>()
  const openResponse = (): ChatModelResponse => {
    const last = history.at(-1)
    if (last?.type === 'model') return last
    const response: ChatModelResponse = { type: 'model', response: [] }
    history.push(response)
    return response
  }

  for (const message of prompt) {
    switch (message.role) {
      case 'system':
        history.push({ type: 'system', text: message.content })
        break
      case 'user':
        history.push({
          type: 'user',
          text: message.content
            .map((part) => {
              if (part.type === 'text') return part.text
              throw new UnsupportedFunctionalityError({ functionality: `file parts (${part.mediaType}) in a local model's prompt` })
            })
            .join('\n'),
        })
        break
      case 'assistant': {
        const response = openResponse()
        for (const part of message.content) {
          if (part.type === 'text' && part.text !== '') response.response.push(part.text)
          else if (part.type === 'reasoning') response.response.push({ type: 'segment', segmentType: 'thought', text: part.text, ended: true })
          else if (part.type === 'tool-call') {
            const call: ChatModelFunctionCall = { type: 'functionCall', name: part.toolName, params: part.input, result: undefined }
            callsById.set(part.toolCallId, call)
            response.response.push(call)
          }
        }
        break
      }
      case 'tool':
        for (const part of message.content) {
          if (part.type !== 'tool-result') continue
          const call = callsById.get(part.toolCallId)
          if (call) call.result = resultValue(part.output)
        }
        break
    }
  }
  openResponse()
  return history
}

function resultValue(output: LanguageModelV3ToolResultOutput): unknown {
  switch (output.type) {
    case 'text':
    case 'json':
      return output.value
    case 'error-text':
    case 'error-json':
      return { error: output.value }
    case 'execution-denied':
      return { error: `not run: ${output.reason ?? 'denied'}` }
    case 'content':
      return output.value.map((part) => (part.type === 'text' ? part.text : `[${part.type} omitted]`)).join('\n')
  }
}
