import type { LanguageModelV3 } from '@ai-sdk/provider'
import { loadLocalModel, type LocalModelOptions } from './load.ts'
import { localLanguageModel } from './local-language-model.ts'

/** The `llama-cpp` provider: a GGUF file run in this process. */
export async function createLocalLanguageModel(options: LocalModelOptions, modelId: string): Promise<LanguageModelV3> {
  return localLanguageModel(await loadLocalModel(options), modelId)
}

export { toChatHistory } from './chat-history.ts'
export { toGrammarSchema } from './function-schema.ts'
export type { LocalModelOptions } from './load.ts'
export { localModelStatus, type LocalModelStatus } from './status.ts'
