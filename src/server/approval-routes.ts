import { Hono } from 'hono'
import type { Controls } from '../orchestrator/index.ts'
import { taskToJson, type Store } from '../store/index.ts'
import { latestRun } from './latest-run.ts'
import { emptyBody, idParam, requiredReasonBody } from './request-schemas.ts'
import { noQueryHere, validJson, validParams } from './validate.ts'

const approvalId = validParams(idParam('approval'), 'approval ids are whole numbers such as 3; see them with GET /api/approvals')

/** What waits for a person: tasks awaiting approval, and commands the sandbox policy holds, with the decisions on a command. */
export function createApprovalRoutes({ store, controls }: { store: Store; controls: Controls }) {
  return new Hono()
    .get('/approvals', noQueryHere, async (context) => {
      const runId = (await latestRun(store)).id
      const [tasks, commands] = await Promise.all([store.listTasks({ runId, statuses: ['awaiting_approval'] }), store.listApprovals({ runId, statuses: ['pending'] })])
      return context.json({ tasks: tasks.map(taskToJson), commands })
    })
    .post('/approvals/:id/approve', approvalId, noQueryHere, validJson(emptyBody), async (context) => context.json(await controls.approveCommand(context.req.valid('param').id)))
    .post('/approvals/:id/reject', approvalId, noQueryHere, validJson(requiredReasonBody), async (context) => {
      return context.json(await controls.rejectCommand(context.req.valid('param').id, context.req.valid('json').reason))
    })
}
