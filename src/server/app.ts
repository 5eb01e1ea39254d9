import { Hono, type Context } from 'hono'
import { timingSafeEqual } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serveStatic } from '@hono/node-server/serve-static'
import type { Board } from '../board/index.ts'
import type { ColonyConfig } from '../config/index.ts'
import { ColonyError } from '../errors/index.ts'
import { createControls, runSnapshot } from '../orchestrator/index.ts'
import { eventToJson, taskStatuses, taskToJson, type Store, type TaskStatus } from '../store/index.ts'
import { streamEvents } from './event-stream.ts'

export interface ServerOptions {
  store: Store
  board: Board
  config: ColonyConfig
  /** Every /api request must carry it: `Authorization: Bearer TOKEN` (or `?token=` for EventSource, which cannot set headers). */
  token: string
  pollMs?: number
  /** The built dashboard (npm run build writes it to dist/web). */
  webRoot?: string
}

const builtDashboard = fileURLToPath(new URL('../../dist/web/', import.meta.url))

const notFound = /NotFoundError$|NoRunYet/
const conflict = /RunStateError|NotAwaitingApprovalError|ApprovalAlreadyDecidedError|IllegalTransitionError|VersionConflictError/

/**
 * Colony's HTTP API (DESIGN.md: server/): the run, its tasks, agents,
 * transcripts and approvals to read, its events as a live stream, and the
 * same controls as the CLI (pause, resume, stop, steer, approve, reject,
 * retry, cancel), each recorded with the actor `api`.
 */
export function createApp(options: ServerOptions) {
  const { store, board, config } = options
  const controls = createControls({ store, board, actor: 'api' })
  const latestRun = async () => {
    const run = await store.latestRun()
    if (!run) throw new NoRunYet()
    return run
  }
  const idParam = (context: Context, name = 'id') => {
    const id = Number(context.req.param(name))
    if (!Number.isInteger(id) || id < 1) throw new BadRequest(`${name} must be a positive whole number, got "${context.req.param(name)}"`)
    return id
  }
  const body = async (context: Context): Promise<Record<string, unknown>> => {
    const parsed: unknown = await context.req.json().catch(() => ({}))
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {}
  }
  const requiredText = (value: unknown, field: string, example: string) => {
    if (typeof value !== 'string' || value.trim() === '') throw new BadRequest(`"${field}" is required: a non-empty string, e.g. ${example}`)
    return value.trim()
  }

  const app = new Hono()
  app.use('/api/*', async (context, next) => {
    // EventSource cannot send headers: the stream may carry the token in the query instead.
    const given = context.req.header('authorization')?.replace(/^Bearer /i, '') ?? context.req.query('token') ?? ''
    if (!sameSecret(given, options.token)) {
      return context.json({ error: 'missing or wrong token', hint: 'send Authorization: Bearer TOKEN with the token `colony serve` printed (or COLONY_SERVER_TOKEN)' }, 401, { 'WWW-Authenticate': 'Bearer' })
    }
    await next()
  })

  app.get('/api/status', async (context) => context.json(await runSnapshot(store, await latestRun(), config.budget)))
  app.get('/api/tasks', async (context) => {
    const status = context.req.query('status')
    if (status !== undefined && !taskStatuses.includes(status as TaskStatus)) throw new BadRequest(`status must be one of ${taskStatuses.join(', ')}`)
    const tasks = await store.listTasks({ runId: (await latestRun()).id, ...(status !== undefined && { statuses: [status as TaskStatus] }) })
    return context.json(tasks.map(taskToJson))
  })
  app.get('/api/tasks/:id', async (context) => {
    const task = await store.getTask(idParam(context))
    const [events, handoffs] = await Promise.all([store.listEvents({ taskId: task.id }), store.listHandoffs({ taskId: task.id })])
    return context.json({ ...taskToJson(task), events: events.map(eventToJson), handoffs })
  })
  app.get('/api/agents', async (context) => context.json(await store.listAgents({ runId: (await latestRun()).id })))
  app.get('/api/agents/:id/transcript', async (context) => context.json(await store.getTranscript(idParam(context))))
  app.get('/api/approvals', async (context) => {
    const runId = (await latestRun()).id
    const [tasks, commands] = await Promise.all([store.listTasks({ runId, statuses: ['awaiting_approval'] }), store.listApprovals({ runId, statuses: ['pending'] })])
    return context.json({ tasks: tasks.map(taskToJson), commands })
  })
  app.get('/api/events', async (context) => {
    const afterId = Number(context.req.query('after') ?? 0) || 0
    const limit = Math.min(Number(context.req.query('limit') ?? 1000) || 1000, 5000)
    return context.json((await store.listEvents({ runId: (await latestRun()).id, afterId, limit })).map(eventToJson))
  })
  app.get('/api/events/stream', async (context) => streamEvents(context, store, (await latestRun()).id, options.pollMs ?? 500))

  app.post('/api/pause', async (context) => context.json(await controls.pause((await latestRun()).id)))
  app.post('/api/resume', async (context) => context.json(await controls.resume((await latestRun()).id)))
  app.post('/api/stop', async (context) => context.json(await controls.stop((await latestRun()).id)))
  app.post('/api/steer', async (context) => {
    const text = requiredText((await body(context)).text, 'text', '{"text": "keep the public API unchanged"}')
    return context.json(eventToJson(await controls.steer((await latestRun()).id, text)))
  })
  app.post('/api/tasks/:id/approve', async (context) => context.json(taskToJson(await controls.approve(idParam(context)))))
  app.post('/api/tasks/:id/reject', async (context) => {
    const reason = requiredText((await body(context)).reason, 'reason', '{"reason": "handle tabs too"}')
    return context.json(taskToJson(await controls.reject(idParam(context), reason)))
  })
  app.post('/api/tasks/:id/retry', async (context) => context.json(taskToJson(await controls.retry(idParam(context), optionalText((await body(context)).reason)))))
  app.post('/api/tasks/:id/cancel', async (context) => context.json(taskToJson(await controls.cancel(idParam(context), optionalText((await body(context)).reason)))))
  app.post('/api/approvals/:id/approve', async (context) => context.json(await controls.approveCommand(idParam(context))))
  app.post('/api/approvals/:id/reject', async (context) => {
    const reason = requiredText((await body(context)).reason, 'reason', '{"reason": "not on this machine"}')
    return context.json(await controls.rejectCommand(idParam(context), reason))
  })

  // The dashboard's files hold no data: they load without the token, then ask for it.
  const webRoot = options.webRoot ?? builtDashboard
  if (existsSync(join(webRoot, 'index.html'))) {
    app.use('/assets/*', serveStatic({ root: webRoot }))
    app.get('/', serveStatic({ root: webRoot, path: 'index.html' }))
  } else {
    app.get('/', (context) => context.text('The dashboard is not built here: run `npm run build` in Colony\'s directory. The API is at /api (docs/api.md).', 503))
  }

  app.notFound((context) => context.json({ error: `no such endpoint: ${context.req.method} ${context.req.path}`, hint: 'see docs/api.md' }, 404))
  app.onError((error, context) => {
    if ('getResponse' in error && typeof error.getResponse === 'function') return error.getResponse()
    const status = error instanceof BadRequest ? 400 : notFound.test(error.name) ? 404 : conflict.test(error.name) ? 409 : error instanceof ColonyError ? 400 : 500
    return context.json({ error: error.message, ...(error instanceof ColonyError && error.hint && { hint: error.hint }) }, status)
  })
  return app
}

class BadRequest extends ColonyError {
  override readonly name = 'BadRequest'
}

class NoRunYet extends ColonyError {
  override readonly name = 'NoRunYet'

  constructor() {
    super('there is no run in this store yet', { hint: 'start one with `colony init` and `colony run --goal "..."`' })
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

function optionalText(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
}
