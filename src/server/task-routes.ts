import { Hono } from 'hono'
import type { TaskDiff } from '../git/index.ts'
import type { Controls } from '../orchestrator/index.ts'
import { eventToJson, taskToJson, type Store, type Task } from '../store/index.ts'
import { latestRun } from './latest-run.ts'
import { emptyBody, idParam, optionalReasonBody, requiredReasonBody, tasksQuery } from './request-schemas.ts'
import { noQueryHere, validJson, validParams, validQuery } from './validate.ts'

const taskId = validParams(idParam('task'), 'task ids are whole numbers such as 12; see them with GET /api/tasks')

/**
 * The run's tasks, one task with its history and handoffs, its change (`diff`:
 * the git side, src/git taskDiff), and a person's decisions on a task:
 * approve, reject, retry, cancel.
 */
export function createTaskRoutes({ store, controls, diff }: { store: Store; controls: Controls; diff: (task: Task) => Promise<TaskDiff> }) {
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
    .get('/tasks/:id/diff', taskId, noQueryHere, async (context) => context.json(await diff(await store.getTask(context.req.valid('param').id))))
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
