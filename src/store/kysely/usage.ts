import { sql } from 'kysely'
import type { UsageRecord, UsageTotals } from '../records.ts'
import type { UsageFilter } from '../store.ts'
import type { StoreContext } from './context.ts'

export async function recordUsage(context: StoreContext, record: UsageRecord): Promise<void> {
  await context.db
    .insertInto('usage')
    .values({
      run_id: record.runId,
      agent_id: record.agentId ?? null,
      task_id: record.taskId ?? null,
      role: record.role ?? null,
      model: record.model,
      input_tokens: record.inputTokens,
      output_tokens: record.outputTokens,
      cached_tokens: record.cachedTokens ?? 0,
      cost_usd: record.costUsd,
      created_at: context.now(),
    })
    .execute()
}

export async function usageTotals(context: StoreContext, filter: UsageFilter = {}): Promise<UsageTotals> {
  let query = context.db
    .selectFrom('usage')
    .select((eb) => [
      eb.fn.countAll<number>().as('calls'),
      eb.fn.coalesce(eb.fn.sum<number>('input_tokens'), sql<number>`0`).as('input_tokens'),
      eb.fn.coalesce(eb.fn.sum<number>('output_tokens'), sql<number>`0`).as('output_tokens'),
      eb.fn.coalesce(eb.fn.sum<number>('cached_tokens'), sql<number>`0`).as('cached_tokens'),
      eb.fn.coalesce(eb.fn.sum<number>('cost_usd'), sql<number>`0`).as('cost_usd'),
    ])
  if (filter.runId !== undefined) query = query.where('run_id', '=', filter.runId)
  if (filter.taskId !== undefined) query = query.where('task_id', '=', filter.taskId)
  if (filter.agentId !== undefined) query = query.where('agent_id', '=', filter.agentId)
  const row = await query.executeTakeFirstOrThrow()
  return {
    calls: Number(row.calls),
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    cachedTokens: Number(row.cached_tokens),
    costUsd: Number(row.cost_usd),
  }
}
