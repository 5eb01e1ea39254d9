import type { LanguageModelV3GenerateResult, LanguageModelV3StreamPart } from '@ai-sdk/provider'

/** A whole reply as a stream, for models that produce replies whole (the scripted model, a local model). */
export function wholeReplyStream(result: LanguageModelV3GenerateResult): ReadableStream<LanguageModelV3StreamPart> {
  return new ReadableStream<LanguageModelV3StreamPart>({
    start(controller) {
      controller.enqueue({ type: 'stream-start', warnings: result.warnings })
      for (const part of result.content) {
        if (part.type === 'text') {
          controller.enqueue({ type: 'text-start', id: 'text' })
          controller.enqueue({ type: 'text-delta', id: 'text', delta: part.text })
          controller.enqueue({ type: 'text-end', id: 'text' })
        } else if (part.type === 'reasoning') {
          controller.enqueue({ type: 'reasoning-start', id: 'reasoning' })
          controller.enqueue({ type: 'reasoning-delta', id: 'reasoning', delta: part.text })
          controller.enqueue({ type: 'reasoning-end', id: 'reasoning' })
        } else if (part.type === 'tool-call') controller.enqueue(part)
      }
      controller.enqueue({ type: 'finish', finishReason: result.finishReason, usage: result.usage })
      controller.close()
    },
  })
}
