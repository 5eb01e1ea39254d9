import { createAnthropic } from '@ai-sdk/anthropic'
import { createGoogleGenerativeAI } from '@ai-sdk/google'
import { createOpenAI } from '@ai-sdk/openai'
import { createOpenAICompatible } from '@ai-sdk/openai-compatible'
import type { LanguageModel } from 'ai'
import { createOllama } from 'ollama-ai-provider-v2'
import type { ColonyConfig } from '../config/index.ts'
import { environmentWithSecrets } from '../secrets/index.ts'
import { MissingApiKeyError } from './errors.ts'
import { createLocalLanguageModel } from './llama-cpp/index.ts'
import type { ModelSpec } from './model-spec.ts'
import { providerSettings } from './providers.ts'

/**
 * The AI SDK language model for "provider:model". Keys come from the
 * environment only; a missing key is an error naming the variable, raised
 * before any request.
 */
export async function createLanguageModel(spec: ModelSpec, config: ColonyConfig, environment: NodeJS.ProcessEnv = environmentWithSecrets()): Promise<LanguageModel> {
  const provider = providerSettings(config, spec.provider)
  const apiKey = provider.apiKeyVariable ? environment[provider.apiKeyVariable] : undefined
  if (provider.apiKeyVariable && !apiKey && provider.type !== 'openai-compatible') throw new MissingApiKeyError(provider.name, provider.apiKeyVariable)
  const baseURL = provider.baseURL
  switch (provider.type) {
    case 'anthropic':
      return createAnthropic({ apiKey, ...(baseURL && { baseURL }) })(spec.model)
    case 'openai': {
      const openai = createOpenAI({ apiKey, ...(baseURL && { baseURL }) })
      return provider.api === 'chat' ? openai.chat(spec.model) : openai.responses(spec.model)
    }
    case 'google':
      return createGoogleGenerativeAI({ apiKey, ...(baseURL && { baseURL }) })(spec.model)
    case 'ollama':
      return createOllama({ ...(baseURL && { baseURL }) })(spec.model)
    case 'openai-compatible':
      return createOpenAICompatible({ name: provider.name, baseURL: baseURL!, ...(apiKey && { apiKey }), includeUsage: true })(spec.model)
    case 'llama-cpp':
      return createLocalLanguageModel({ modelPath: provider.modelPath!, contextSize: provider.contextSize, parallel: provider.parallel, threads: provider.threads }, spec.model)
  }
}

/** Whether each role's provider has its key, without revealing it. */
export function apiKeyStatus(spec: ModelSpec, config: ColonyConfig, environment: NodeJS.ProcessEnv = environmentWithSecrets()): { variable: string | undefined; present: boolean } {
  const provider = providerSettings(config, spec.provider)
  if (!provider.apiKeyVariable) return { variable: undefined, present: true }
  return { variable: provider.apiKeyVariable, present: Boolean(environment[provider.apiKeyVariable]) }
}
