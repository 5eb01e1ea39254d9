import { Hono } from 'hono'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serveStatic } from '@hono/node-server/serve-static'
import type { Board } from '../board/index.ts'
import type { ColonyConfig } from '../config/index.ts'
import { createControls, runSnapshot } from '../orchestrator/index.ts'
import { eventToJson, taskToJson, type Store } from '../store/index.ts'
import { requireBearerToken } from './bearer-token.ts'
import { limitBody } from './body-limit.ts'
import { errorResponse } from './error-response.ts'
import { EndpointNotFoundError, MethodNotAllowedError, NoRunYetError } from './errors.ts'
import { streamEvents } from './event-stream.ts'
import {
  defaultEventLimit,
  emptyBody,
  eventStreamQuery,
  eventsQuery,
  idParam,
  eventStreamHeaders,
  maxBodyBytes,
  noQuery,
  optionalReasonBody,
  requiredReasonBody,
  steerBody,
  tasksQuery,
} from './request-schemas.ts'
import { validHeaders, validJson, validParams, validQuery } from './validate.ts'

export interface ServerOptions {
  store: Store
  board: Board
  config: ColonyConfig
  /** Every /api request must carry it: `Authorization: Bearer TOKEN` (or `?token=` for the event stream, as EventSource cannot set headers). */
  token: string
  pollMs?: number
  /** The built dashboard (npm run build writes it to dist/web). */
  webRoot?: string
}

const builtDashboard = fileURLToPath(new URL('../../dist/web/', import.meta.url))
const eventStreamPath = '/api/events/stream'

const taskId = validParams(idParam('task'), 'task ids are whole numbers such as 12; see them with GET /api/tasks')
const agentId = validParams(idParam('agent'), 'agent ids are whole numbers such as 3; see them with GET /api/agents')
const approvalId = validParams(idParam('approval'), 'approval ids are whole numbers such as 3; see them with GET /api/approvals')
const noQueryHere = validQuery(noQuery, 'this endpoint takes no query parameters (docs/api.md)')

/**
 * Colony's HTTP API (DESIGN.md: server/): the run, its tasks, agents,
 * transcripts and approvals to read, its events as a live stream, and the
 * same controls as the CLI (pause, resume, stop, steer, approve, reject,
 * retry, cancel), each recorded with the actor `api`. Every path parameter,
 * query and body is checked before anything is read or changed; a refused
 * request changes nothing.
 */
export function createApp(options: ServerOptions) {
  const { store, board, config } = options
  const controls = createControls({ store, board, actor: 'api' })
  const latestRun = async () => {
    const run = await store.latestRun()
    if (!run) throw new NoRunYetError()
    return run
  }
  const latestRunId = async () => (await latestRun()).id

  const app = new Hono()
  app.use('/api/*', requireBearerToken(options.token, eventStreamPath))
  app.use('/api/*', limitBody(maxBodyBytes))

  app.get('/api/status', noQueryHere, async (context) => context.json(await runSnapshot(store, await latestRun(), config.budget)))
  app.get('/api/tasks', validQuery(tasksQuery, 'for example GET /api/tasks?status=ready'), async (context) => {
    const { status } = context.req.valid('query')
    const tasks = await store.listTasks({ runId: await latestRunId(), ...(status !== undefined && { statuses: [status] }) })
    return context.json(tasks.map(taskToJson))
  })
  app.get('/api/tasks/:id', taskId, noQueryHere, async (context) => {
    const task = await store.getTask(context.req.valid('param').id)
    const [events, handoffs] = await Promise.all([store.listEvents({ taskId: task.id }), store.listHandoffs({ taskId: task.id })])
    return context.json({ ...taskToJson(task), events: events.map(eventToJson), handoffs })
  })
  app.get('/api/agents', noQueryHere, async (context) => context.json(await store.listAgents({ runId: await latestRunId() })))
  app.get('/api/agents/:id/transcript', agentId, noQueryHere, async (context) => {
    // An agent that never spoke has an empty transcript; one that does not exist has none.
    const agent = await store.getAgent(context.req.valid('param').id)
    return context.json(await store.getTranscript(agent.id))
  })
  app.get('/api/approvals', noQueryHere, async (context) => {
    const runId = await latestRunId()
    const [tasks, commands] = await Promise.all([store.listTasks({ runId, statuses: ['awaiting_approval'] }), store.listApprovals({ runId, statuses: ['pending'] })])
    return context.json({ tasks: tasks.map(taskToJson), commands })
  })
  app.get('/api/events', validQuery(eventsQuery, 'for example GET /api/events?after=120&limit=500'), async (context) => {
    const { after = 0, limit = defaultEventLimit } = context.req.valid('query')
    return context.json((await store.listEvents({ runId: await latestRunId(), afterId: after, limit })).map(eventToJson))
  })
  app.get(
    eventStreamPath,
    validQuery(eventStreamQuery, 'for example GET /api/events/stream?after=120'),
    validHeaders(eventStreamHeaders, 'send the id of the last event received, or leave Last-Event-ID out to start from the first event'),
    async (context) => {
      // A browser reconnecting says where it stopped in Last-Event-ID, over the ?after= it first opened with.
      const after = context.req.valid('header')['last-event-id'] ?? context.req.valid('query').after ?? 0
      return streamEvents(context, store, await latestRunId(), after, options.pollMs ?? 500)
    },
  )

  const noBody = validJson(emptyBody)
  app.post('/api/pause', noQueryHere, noBody, async (context) => context.json(await controls.pause(await latestRunId())))
  app.post('/api/resume', noQueryHere, noBody, async (context) => context.json(await controls.resume(await latestRunId())))
  app.post('/api/stop', noQueryHere, noBody, async (context) => context.json(await controls.stop(await latestRunId())))
  app.post('/api/steer', noQueryHere, validJson(steerBody), async (context) => {
    const { text } = context.req.valid('json')
    return context.json(eventToJson(await controls.steer(await latestRunId(), text)))
  })
  app.post('/api/tasks/:id/approve', taskId, noQueryHere, noBody, async (context) => context.json(taskToJson(await controls.approve(context.req.valid('param').id))))
  app.post('/api/tasks/:id/reject', taskId, noQueryHere, validJson(requiredReasonBody), async (context) => {
    return context.json(taskToJson(await controls.reject(context.req.valid('param').id, context.req.valid('json').reason)))
  })
  app.post('/api/tasks/:id/retry', taskId, noQueryHere, validJson(optionalReasonBody), async (context) => {
    return context.json(taskToJson(await controls.retry(context.req.valid('param').id, context.req.valid('json').reason)))
  })
  app.post('/api/tasks/:id/cancel', taskId, noQueryHere, validJson(optionalReasonBody), async (context) => {
    return context.json(taskToJson(await controls.cancel(context.req.valid('param').id, context.req.valid('json').reason)))
  })
  app.post('/api/approvals/:id/approve', approvalId, noQueryHere, noBody, async (context) => context.json(await controls.approveCommand(context.req.valid('param').id)))
  app.post('/api/approvals/:id/reject', approvalId, noQueryHere, validJson(requiredReasonBody), async (context) => {
    return context.json(await controls.rejectCommand(context.req.valid('param').id, context.req.valid('json').reason))
  })

  // The dashboard's files hold no data: they load without the token, then ask for it.
  const webRoot = options.webRoot ?? builtDashboard
  if (existsSync(join(webRoot, 'index.html'))) {
    app.use('/assets/*', serveStatic({ root: webRoot }))
    app.get('/', serveStatic({ root: webRoot, path: 'index.html' }))
  } else {
    app.get('/', (context) => context.text('The dashboard is not built here: run `npm run build` in Colony\'s directory. The API is at /api (docs/api.md).', 503))
  }

  const endpoints = app.routes.filter((route) => route.method !== 'ALL').map((route) => ({ method: route.method, pattern: pathPattern(route.path) }))
  app.notFound((context) => {
    const { method, path } = context.req
    const allowed = [...new Set(endpoints.filter((endpoint) => endpoint.pattern.test(path)).map((endpoint) => endpoint.method))]
    return errorResponse(context, allowed.length > 0 ? new MethodNotAllowedError(method, path, allowed) : new EndpointNotFoundError(method, path))
  })
  app.onError((error, context) => errorResponse(context, error))
  return app
}

/** `/api/tasks/:id/approve` as a regular expression over request paths. */
function pathPattern(route: string): RegExp {
  const pattern = route
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/')
  return new RegExp(`^${pattern}/?$`)
}
