import { ApprovalNotFoundError } from '../errors.ts'
import type { Approval, ApprovalDecision, ApprovalStatus, NewApproval, NewEvent } from '../records.ts'
import { toApproval } from '../row-mapping.ts'
import { redactSecrets } from '../../secrets/index.ts'
import type { StoreContext } from './context.ts'
import { insertEvents } from './events.ts'
import { storedJson } from './stored-json.ts'
import { versionedUpdate } from './versioned-update.ts'

export async function requestApproval(context: StoreContext, input: NewApproval, events: NewEvent[] = []): Promise<Approval> {
  return context.db.transaction().execute(async (trx) => {
    const time = context.now()
    const row = await trx
      .insertInto('approvals')
      .values({
        run_id: input.runId,
        task_id: input.taskId ?? null,
        agent_id: input.agentId ?? null,
        kind: input.kind,
        subject: redactSecrets(input.subject),
        detail: storedJson(input.detail ?? {}),
        status: 'pending',
        reason: null,
        decided_by: null,
        version: 1,
        created_at: time,
        updated_at: time,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    const approval = toApproval(row)
    await insertEvents(context, trx, approvalEvents(approval, events))
    return approval
  })
}

export async function getApproval(context: StoreContext, id: number): Promise<Approval> {
  const row = await context.db.selectFrom('approvals').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw new ApprovalNotFoundError(id)
  return toApproval(row)
}

export async function listApprovals(context: StoreContext, filter: { runId?: number; statuses?: readonly ApprovalStatus[] } = {}): Promise<Approval[]> {
  let query = context.db.selectFrom('approvals').selectAll()
  if (filter.runId !== undefined) query = query.where('run_id', '=', filter.runId)
  if (filter.statuses) query = query.where('status', 'in', filter.statuses.length > 0 ? [...filter.statuses] : ['-'])
  return (await query.orderBy('id').execute()).map(toApproval)
}

export async function decideApproval(
  context: StoreContext,
  id: number,
  expectedVersion: number,
  decision: ApprovalDecision,
  events: NewEvent[] = [],
): Promise<Approval> {
  return context.db.transaction().execute(async (trx) => {
    const row = await versionedUpdate(trx, {
      table: 'approvals',
      id,
      expectedVersion,
      change: { status: decision.status, reason: decision.reason == null ? null : redactSecrets(decision.reason), decided_by: decision.decidedBy },
      updatedAt: context.now(),
      onlyWhenStatus: 'pending',
    })
    const approval = toApproval(row)
    await insertEvents(context, trx, approvalEvents(approval, events))
    return approval
  })
}

/** Events about a request name it, and its run, task and agent, unless the event says otherwise. */
function approvalEvents(approval: Approval, events: NewEvent[]): NewEvent[] {
  return events.map((event) => ({
    runId: approval.runId,
    taskId: approval.taskId,
    agentId: approval.agentId,
    ...event,
    // Only command events are about an approval; each of their schemas has the optional approvalId.
    data: { approvalId: approval.id, ...event.data },
  }) as NewEvent)
}
