import { costOf, type ModelPrice } from '../model/index.ts'
import type { Store } from '../store/index.ts'
import type { Spent } from './limits.ts'

export interface UsageAccountOptions {
  store: Store
  runId: number
  agentId: number
  taskId: number | null
  role: string
  /** "provider:model", for usage records. */
  modelSpec: string
  price: ModelPrice | undefined
  /** The agent's running totals, added to by every call. */
  spent: Spent
}

export type ModelUsage = { inputTokens?: number | undefined; outputTokens?: number | undefined; cachedInputTokens?: number | undefined }

/** Accounts one model call: adds its tokens and cost to `spent`, records the usage, and returns it for the call's event. */
export function createUsageAccount({ store, runId, agentId, taskId, role, modelSpec, price, spent }: UsageAccountOptions) {
  return async (usage: ModelUsage, purpose: string) => {
    const tokens = { inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0, cachedTokens: usage.cachedInputTokens ?? 0 }
    const cost = costOf(tokens, price)
    spent.inputTokens += tokens.inputTokens
    spent.outputTokens += tokens.outputTokens
    spent.costUsd += cost
    await store.recordUsage({ runId, agentId, taskId, role, model: modelSpec, ...tokens, costUsd: cost })
    return { ...tokens, costUsd: cost, purpose }
  }
}

export type UsageAccount = ReturnType<typeof createUsageAccount>
