import type { ColonyConfig } from '../config/index.ts'
import { UnknownProviderError } from './errors.ts'

export type ProviderType = 'openai-compatible' | 'openai' | 'anthropic' | 'google' | 'ollama' | 'llama-cpp'

export interface ProviderSettings {
  name: string
  type: ProviderType
  baseURL: string | undefined
  /** The environment variable holding the key; undefined when the provider needs none. */
  apiKeyVariable: string | undefined
  api: 'responses' | 'chat'
  modelPath: string | undefined
  /** llama-cpp: tokens per context sequence (undefined: fit to memory). */
  contextSize: number | undefined
  /** llama-cpp: calls served at once. */
  parallel: number
  /** llama-cpp: CPU threads (undefined: node-llama-cpp's choice). */
  threads: number | undefined
}

const builtIn: Record<string, { type: ProviderType; apiKeyVariable?: string }> = {
  anthropic: { type: 'anthropic', apiKeyVariable: 'ANTHROPIC_API_KEY' },
  openai: { type: 'openai', apiKeyVariable: 'OPENAI_API_KEY' },
  google: { type: 'google', apiKeyVariable: 'GOOGLE_GENERATIVE_AI_API_KEY' },
  ollama: { type: 'ollama' },
}

const defaultKeyVariable: Partial<Record<ProviderType, string>> = {
  anthropic: 'ANTHROPIC_API_KEY',
  openai: 'OPENAI_API_KEY',
  google: 'GOOGLE_GENERATIVE_AI_API_KEY',
}

/** Where a provider type sends requests when colony.json gives no baseURL (the AI SDK providers' defaults). */
const defaultEndpoints: Partial<Record<ProviderType, string>> = {
  anthropic: 'https://api.anthropic.com/v1',
  openai: 'https://api.openai.com/v1',
  google: 'https://generativelanguage.googleapis.com/v1beta',
  ollama: 'http://127.0.0.1:11434/api',
}

/** The endpoint a provider's requests go to, for messages: its baseURL, or its type's default host; undefined for a model run in this process. */
export function providerEndpoint(provider: Pick<ProviderSettings, 'type' | 'baseURL'>): string | undefined {
  return provider.baseURL ?? defaultEndpoints[provider.type]
}

/** A provider by name: one declared in colony.json (which may also reconfigure a built-in one), or a built-in. */
export function providerSettings(config: ColonyConfig, name: string): ProviderSettings {
  const declared = config.providers[name]
  if (declared) {
    return {
      name,
      type: declared.type,
      baseURL: declared.baseURL,
      apiKeyVariable: declared.apiKey?.slice('env:'.length) ?? defaultKeyVariable[declared.type],
      api: declared.api ?? 'responses',
      modelPath: declared.modelPath,
      contextSize: declared.contextSize,
      parallel: declared.parallel ?? 1,
      threads: declared.threads,
    }
  }
  const known = builtIn[name]
  if (!known) throw new UnknownProviderError(name, [...Object.keys(builtIn), ...Object.keys(config.providers)])
  return { name, type: known.type, baseURL: undefined, apiKeyVariable: known.apiKeyVariable, api: 'responses', modelPath: undefined, contextSize: undefined, parallel: 1, threads: undefined }
}
