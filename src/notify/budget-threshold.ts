import type { ColonyConfig } from '../config/index.ts'
import type { EventData } from '../events/index.ts'
import type { Run, Store } from '../store/index.ts'

/** The shares of a budget at which a person is told: early enough to add to it before the run stops. */
export const budgetThresholds = [0.8] as const

type Reached = EventData<'budget-threshold-reached'>

/** How much of each budgeted measure the run has used, as the budget check counts it (src/orchestrator/budget.ts). */
async function measures(store: Store, run: Run, budget: ColonyConfig['budget'], now: number): Promise<Omit<Reached, 'threshold'>[]> {
  const usage = await store.usageTotals({ runId: run.id })
  const tokens = usage.inputTokens + usage.outputTokens
  const hours = (now - run.createdAt) / 3_600_000
  return [
    budget.usd !== undefined && { measure: 'usd' as const, used: usage.costUsd, limit: budget.usd, reason: `spent $${usage.costUsd.toFixed(2)} of the $${budget.usd} budget` },
    budget.tokens !== undefined && { measure: 'tokens' as const, used: tokens, limit: budget.tokens, reason: `used ${tokens} tokens of the ${budget.tokens} budget` },
    budget.hours !== undefined && { measure: 'hours' as const, used: hours, limit: budget.hours, reason: `ran ${hours.toFixed(2)} hours of the ${budget.hours} budget` },
  ].filter((measure) => measure !== false)
}

/**
 * Records `budget-threshold-reached` for each threshold the run has passed
 * and that no earlier event of the run records: once per run and
 * threshold, naming the measure (dollars, tokens, hours) furthest along.
 * Returns what it recorded.
 */
export async function recordBudgetThresholds(store: Store, run: Run, budget: ColonyConfig['budget'], now: number): Promise<Reached[]> {
  if (budget.usd === undefined && budget.tokens === undefined && budget.hours === undefined) return []
  const recorded = new Set((await store.listEvents({ runId: run.id, types: ['budget-threshold-reached'] })).map((event) => event.data.threshold))
  const open = budgetThresholds.filter((threshold) => !recorded.has(threshold))
  if (open.length === 0) return []
  const used = await measures(store, run, budget, now)
  const reached = open.flatMap((threshold) => {
    const first = used.filter((measure) => measure.used >= threshold * measure.limit).sort((a, b) => b.used / b.limit - a.used / a.limit)[0]
    return first ? [{ threshold, ...first }] : []
  })
  if (reached.length > 0) await store.appendEvents(reached.map((data) => ({ runId: run.id, type: 'budget-threshold-reached' as const, data })))
  return reached
}
