import { APICallError, type LanguageModelV3, type LanguageModelV3CallOptions, type LanguageModelV3Content, type LanguageModelV3GenerateResult, type LanguageModelV3ToolCall } from '@ai-sdk/provider'
import { toolInputText, type Script, type ScriptedReply, type ScriptedRequest } from './script.ts'
import { wholeReplyStream } from '../whole-reply-stream.ts'
import { textOf, usageOf } from './wire.ts'

function describe(options: LanguageModelV3CallOptions, modelId: string, stream: boolean): ScriptedRequest {
  const toolResults: string[] = []
  for (const message of options.prompt) {
    if (message.role !== 'tool') continue
    for (const part of message.content) if (part.type === 'tool-result') toolResults.push(textOf((part.output as { value?: unknown }).value ?? part.output))
  }
  return {
    api: 'in-process',
    role: options.headers?.['x-colony-role'] ?? undefined,
    task: options.headers?.['x-colony-task'] ?? undefined,
    purpose: options.headers?.['x-colony-purpose'] ?? undefined,
    turn: options.prompt.filter((message) => message.role === 'assistant').length + 1,
    model: modelId,
    stream,
    toolResults,
    characters: JSON.stringify(options.prompt).length,
    body: options.prompt,
  }
}

function content(reply: ScriptedReply, id: number): (Extract<LanguageModelV3Content, { type: 'text' }> | LanguageModelV3ToolCall)[] {
  return [
    ...(reply.text ? [{ type: 'text' as const, text: reply.text }] : []),
    ...(reply.toolCalls ?? []).map((call, index) => ({ type: 'tool-call' as const, toolCallId: `call_${id}_${index}`, toolName: call.name, input: toolInputText(call.input) })),
  ]
}

function usage(reply: ScriptedReply) {
  const counts = usageOf(reply)
  return {
    inputTokens: { total: counts.input, noCache: counts.input - counts.cached, cacheRead: counts.cached, cacheWrite: 0 },
    outputTokens: { total: counts.output, text: counts.output, reasoning: 0 },
  }
}

async function answer(script: Script, request: ScriptedRequest, signal: AbortSignal | undefined): Promise<ScriptedReply> {
  const reply = await script(request)
  if (reply.delayMs) {
    // Like a real request, a slow answer is abandoned when the caller aborts.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, reply.delayMs)
      signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason as Error)), { once: true })
    })
  }
  if (reply.error) {
    throw new APICallError({
      message: reply.error.message ?? 'scripted error',
      url: 'scripted://in-process',
      requestBodyValues: request.body,
      statusCode: reply.error.status,
      responseHeaders: reply.error.retryAfterSeconds === undefined ? {} : { 'retry-after': String(reply.error.retryAfterSeconds) },
      isRetryable: reply.error.status === 429 || reply.error.status >= 500,
    })
  }
  return reply
}

/**
 * The same script as the HTTP server, as an in-process AI SDK language model:
 * for unit tests that are about Colony's loop rather than about a provider.
 */
export function scriptedLanguageModel(script: Script, modelId = 'scripted'): LanguageModelV3 {
  let nextId = 1
  async function generate(options: LanguageModelV3CallOptions, stream: boolean): Promise<LanguageModelV3GenerateResult> {
    const reply = await answer(script, describe(options, modelId, stream), options.abortSignal)
    const parts = content(reply, nextId++)
    return {
      content: parts,
      finishReason: { unified: parts.some((part) => part.type === 'tool-call') ? 'tool-calls' : 'stop', raw: undefined },
      usage: usage(reply),
      warnings: [],
    }
  }
  return {
    specificationVersion: 'v3',
    provider: 'scripted',
    modelId,
    supportedUrls: {},
    doGenerate: (options) => generate(options, false),
    async doStream(options) {
      return { stream: wholeReplyStream(await generate(options, true)) }
    },
  }
}
