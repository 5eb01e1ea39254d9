import type { LanguageModelV3, LanguageModelV3CallOptions, LanguageModelV3Content, LanguageModelV3FinishReason, LanguageModelV3GenerateResult, SharedV3Warning } from '@ai-sdk/provider'
import type { ChatModelFunctions, LlamaChatResponse, LlamaContextSequence } from 'node-llama-cpp'
import { toChatHistory } from './chat-history.ts'
import { toGrammarSchema, withoutNullOptionals } from './function-schema.ts'
import { wholeReplyStream } from '../whole-reply-stream.ts'
import { takeLlamaLogs, type LoadedLocalModel } from './load.ts'

/**
 * A GGUF model run in this process by node-llama-cpp, as an AI SDK language
 * model. The chat template and tool-call syntax are the model's own (node-llama-cpp
 * resolves them from the file); tool arguments are generated under a grammar
 * built from each tool's schema, so they parse. Calls share the loaded weights
 * and wait for a free context sequence; a sequence keeps its evaluated prefix,
 * so an agent's next step only evaluates what is new.
 */
export function localLanguageModel(loaded: LoadedLocalModel, modelId: string): LanguageModelV3 {
  let nextCallId = 1

  async function generate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    const warnings = unsupportedSettings(options)
    const functions = toFunctions(options, warnings)
    const sequence = await loaded.sequences.acquire(options.abortSignal)
    try {
      const before = { input: sequence.tokenMeter.usedInputTokens, output: sequence.tokenMeter.usedOutputTokens }
      const chat = new loaded.module.LlamaChat({ contextSequence: sequence, autoDisposeSequence: false })
      let response: LlamaChatResponse<ChatModelFunctions>
      try {
        response = await chat.generateResponse(toChatHistory(options.prompt), {
          ...(functions && { functions, maxParallelFunctionCalls: 8 }),
          ...(options.maxOutputTokens !== undefined && { maxTokens: options.maxOutputTokens }),
          temperature: options.temperature ?? 0,
          ...(options.topP !== undefined && { topP: options.topP }),
          ...(options.topK !== undefined && { topK: options.topK }),
          ...(options.seed !== undefined && { seed: options.seed }),
          ...(options.stopSequences?.length && { customStopTriggers: options.stopSequences }),
          ...(options.abortSignal && { signal: options.abortSignal }),
        })
      } finally {
        chat.dispose({ disposeSequence: false })
      }
      return {
        content: contentOf(response, options, () => `llama_${nextCallId++}`),
        finishReason: finishReasonOf(response),
        usage: usageOf(sequence, before),
        warnings: [...warnings, ...takeLlamaLogs().map((message): SharedV3Warning => ({ type: 'other', message }))],
        response: { modelId, timestamp: new Date() },
      }
    } finally {
      loaded.sequences.release(sequence)
    }
  }

  return {
    specificationVersion: 'v3',
    provider: 'llama-cpp',
    modelId,
    supportedUrls: {},
    doGenerate: generate,
    // Colony's loop asks for whole replies; a stream is offered for other callers, delivered when the reply is complete.
    async doStream(options) {
      return { stream: wholeReplyStream(await generate(options)) }
    },
  }
}

function toFunctions(options: LanguageModelV3CallOptions, warnings: SharedV3Warning[]): ChatModelFunctions | undefined {
  if (!options.tools?.length || options.toolChoice?.type === 'none') return undefined
  const functions: Record<string, { description?: string; params: ReturnType<typeof toGrammarSchema> }> = {}
  for (const tool of options.tools) {
    if (tool.type !== 'function') {
      warnings.push({ type: 'unsupported', feature: `provider tool ${tool.name}`, details: 'local models only call function tools' })
      continue
    }
    functions[tool.name] = { ...(tool.description && { description: tool.description }), params: toGrammarSchema(tool.inputSchema) }
  }
  return functions
}

function unsupportedSettings(options: LanguageModelV3CallOptions): SharedV3Warning[] {
  const warnings: SharedV3Warning[] = []
  if (options.responseFormat?.type === 'json') warnings.push({ type: 'unsupported', feature: 'responseFormat', details: 'ask for JSON in the prompt, or give the model a tool' })
  if (options.toolChoice?.type === 'required' || options.toolChoice?.type === 'tool') warnings.push({ type: 'unsupported', feature: `toolChoice ${options.toolChoice.type}`, details: 'the model chooses whether to call a tool' })
  if (options.presencePenalty !== undefined || options.frequencyPenalty !== undefined) warnings.push({ type: 'unsupported', feature: 'presencePenalty/frequencyPenalty' })
  return warnings
}

function contentOf(response: LlamaChatResponse<ChatModelFunctions>, options: LanguageModelV3CallOptions, nextId: () => string): LanguageModelV3Content[] {
  const content: LanguageModelV3Content[] = []
  for (const item of response.fullResponse) {
    if (typeof item !== 'string' && item.segmentType === 'thought' && item.text !== '') content.push({ type: 'reasoning', text: item.text })
  }
  if (response.response !== '') content.push({ type: 'text', text: response.response })
  for (const call of response.functionCalls ?? []) {
    const tool = options.tools?.find((candidate) => candidate.type === 'function' && candidate.name === call.functionName)
    const input = tool?.type === 'function' ? withoutNullOptionals(call.params ?? {}, tool.inputSchema) : call.params
    content.push({ type: 'tool-call', toolCallId: nextId(), toolName: call.functionName, input: JSON.stringify(input ?? {}) })
  }
  return content
}

function finishReasonOf(response: LlamaChatResponse<ChatModelFunctions>): LanguageModelV3FinishReason {
  const raw = response.metadata.stopReason
  switch (raw) {
    case 'functionCalls':
      return { unified: 'tool-calls', raw }
    case 'maxTokens':
      return { unified: 'length', raw }
    case 'abort':
      return { unified: 'other', raw }
    default:
      return { unified: 'stop', raw }
  }
}

/** Tokens this call evaluated and generated; the rest of the prompt was already in the sequence (a cache read). */
function usageOf(sequence: LlamaContextSequence, before: { input: number; output: number }): LanguageModelV3GenerateResult['usage'] {
  const evaluated = sequence.tokenMeter.usedInputTokens - before.input
  const generated = sequence.tokenMeter.usedOutputTokens - before.output
  const prompt = Math.max(evaluated, sequence.contextTokens.length - generated)
  return {
    inputTokens: { total: prompt, noCache: evaluated, cacheRead: prompt - evaluated, cacheWrite: 0 },
    outputTokens: { total: generated, text: generated, reasoning: undefined },
  }
}
