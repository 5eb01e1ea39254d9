import { Hono } from 'hono'
import type { Controls } from '../orchestrator/index.ts'
import { eventToJson, taskToJson, type Store } from '../store/index.ts'
import { latestRun } from './latest-run.ts'
import { emptyBody, idParam, optionalReasonBody, requiredReasonBody, tasksQuery } from './request-schemas.ts'
import { noQueryHere, validJson, validParams, validQuery } from './validate.ts'

const taskId = validParams(idParam('task'), 'task ids are whole numbers such as 12; see them with GET /api/tasks')

/** The run's tasks, one task with its history and handoffs, and a person's decisions on a task: approve, reject, retry, cancel. */
export function createTaskRoutes({ store, controls }: { store: Store; controls: Controls }) {
  return new Hono()
    .get('/tasks', validQuery(tasksQuery, 'for example GET /api/tasks?status=ready'), async (context) => {
      const { status } = context.req.valid('query')
      const tasks = await store.listTasks({ runId: (await latestRun(store)).id, ...(status !== undefined && { statuses: [status] }) })
      return context.json(tasks.map(taskToJson))
    })
    .get('/tasks/:id', taskId, noQueryHere, async (context) => {
      const task = await store.getTask(context.req.valid('param').id)
      const [events, handoffs] = await Promise.all([store.listEvents({ taskId: task.id }), store.listHandoffs({ taskId: task.id })])
      return context.json({ ...taskToJson(task), events: events.map(eventToJson), handoffs })
    })
    .post('/tasks/:id/approve', taskId, noQueryHere, validJson(emptyBody), async (context) => context.json(taskToJson(await controls.approve(context.req.valid('param').id))))
    .post('/tasks/:id/reject', taskId, noQueryHere, validJson(requiredReasonBody), async (context) => {
      return context.json(taskToJson(await controls.reject(context.req.valid('param').id, context.req.valid('json').reason)))
    })
    .post('/tasks/:id/retry', taskId, noQueryHere, validJson(optionalReasonBody), async (context) => {
      return context.json(taskToJson(await controls.retry(context.req.valid('param').id, context.req.valid('json').reason)))
    })
    .post('/tasks/:id/cancel', taskId, noQueryHere, validJson(optionalReasonBody), async (context) => {
      return context.json(taskToJson(await controls.cancel(context.req.valid('param').id, context.req.valid('json').reason)))
    })
}
