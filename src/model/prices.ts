import type { ColonyConfig } from '../config/index.ts'

export interface ModelPrice {
  /** Dollars per million input tokens. */
  input: number
  output: number
  cachedInput?: number
  contextWindow?: number
}

/** List prices (USD per million tokens) and windows of common models; colony.json "prices" extends and overrides them. */
export const builtInPrices: Record<string, ModelPrice> = {
  'anthropic:claude-opus-4-5': { input: 5, output: 25, cachedInput: 0.5, contextWindow: 200_000 },
  'anthropic:claude-sonnet-4-5': { input: 3, output: 15, cachedInput: 0.3, contextWindow: 200_000 },
  'anthropic:claude-haiku-4-5': { input: 1, output: 5, cachedInput: 0.1, contextWindow: 200_000 },
  'openai:gpt-5': { input: 1.25, output: 10, cachedInput: 0.125, contextWindow: 400_000 },
  'openai:gpt-5-mini': { input: 0.25, output: 2, cachedInput: 0.025, contextWindow: 400_000 },
  'openai:gpt-4.1': { input: 2, output: 8, cachedInput: 0.5, contextWindow: 1_047_576 },
  'openai:gpt-4o': { input: 2.5, output: 10, cachedInput: 1.25, contextWindow: 128_000 },
  'google:gemini-2.5-pro': { input: 1.25, output: 10, cachedInput: 0.31, contextWindow: 1_048_576 },
  'google:gemini-2.5-flash': { input: 0.3, output: 2.5, cachedInput: 0.075, contextWindow: 1_048_576 },
}

export function priceOf(spec: string, config: ColonyConfig): ModelPrice | undefined {
  const listed = config.prices[spec] ?? builtInPrices[spec]
  if (listed) return listed
  // A model run in this process bills nobody, and its window is the context it was given.
  const provider = config.providers[spec.slice(0, spec.indexOf(':'))]
  if (provider?.type === 'llama-cpp') return { input: 0, output: 0, ...(provider.contextSize !== undefined && { contextWindow: provider.contextSize }) }
  return undefined
}

export interface TokenUsage {
  inputTokens: number
  outputTokens: number
  /** Input tokens served from the provider's cache (part of inputTokens). */
  cachedTokens: number
}

/** Dollars for one call; 0 for a model with no known price (callers flag it as unpriced). */
export function costOf(usage: TokenUsage, price: ModelPrice | undefined): number {
  if (!price) return 0
  const cached = Math.min(usage.cachedTokens, usage.inputTokens)
  return ((usage.inputTokens - cached) * price.input + cached * (price.cachedInput ?? price.input) + usage.outputTokens * price.output) / 1_000_000
}
