import type { Run, Store } from '../store/index.ts'

export interface Budget {
  usd?: number | undefined
  tokens?: number | undefined
  hours?: number | undefined
}

/** Why the run's budget is spent, or undefined while there is budget left. */
export async function budgetExceeded(store: Store, run: Run, budget: Budget, now: number): Promise<string | undefined> {
  if (budget.usd === undefined && budget.tokens === undefined && budget.hours === undefined) return undefined
  const usage = await store.usageTotals({ runId: run.id })
  if (budget.usd !== undefined && usage.costUsd >= budget.usd) return `spent $${usage.costUsd.toFixed(2)} of the $${budget.usd} budget`
  const tokens = usage.inputTokens + usage.outputTokens
  if (budget.tokens !== undefined && tokens >= budget.tokens) return `used ${tokens} tokens of the ${budget.tokens} budget`
  const hours = (now - run.createdAt) / 3_600_000
  if (budget.hours !== undefined && hours >= budget.hours) return `ran ${hours.toFixed(2)} hours of the ${budget.hours} budget`
  return undefined
}
