import { Hono } from 'hono'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serveStatic } from '@hono/node-server/serve-static'
import type { Board } from '../board/index.ts'
import type { ColonyConfig } from '../config/index.ts'
import { createGit, taskDiff } from '../git/index.ts'
import { createControls } from '../orchestrator/index.ts'
import type { Store } from '../store/index.ts'
import { createAgentRoutes } from './agent-routes.ts'
import { createApprovalRoutes } from './approval-routes.ts'
import { requireBearerToken } from './bearer-token.ts'
import { limitBody } from './body-limit.ts'
import { errorResponse } from './error-response.ts'
import { EndpointNotFoundError, MethodNotAllowedError } from './errors.ts'
import { createEventRoutes } from './event-routes.ts'
import { createMemoryRoutes } from './memory-routes.ts'
import { maxBodyBytes, maxPatchCharacters } from './request-schemas.ts'
import { createRunRoutes } from './run-routes.ts'
import { createTaskRoutes } from './task-routes.ts'
import { workspaceVia } from '../overlay/index.ts'

export interface ServerOptions {
  store: Store
  board: Board
  config: ColonyConfig
  /** Every /api request must carry it: `Authorization: Bearer TOKEN` (or `?token=` for the event stream, as EventSource cannot set headers). */
  token: string
  pollMs?: number
  /** The built dashboard (npm run build writes it to dist/web). */
  webRoot?: string
  /** The repository's main working tree and where its task worktrees are: tasks' changes are read there. */
  repository: { root: string; worktreesDir: string; colonyDir: string }
}

const builtDashboard = fileURLToPath(new URL('../../dist/web/', import.meta.url))
const eventStreamPath = '/api/events/stream'

/**
 * Colony's HTTP API (DESIGN.md: server/): the run, its tasks and their
 * changes, agents, transcripts and approvals to read, its events as a live stream, the
 * repository's memory to search, add a standing instruction to or forget
 * from, and the same controls as the CLI (pause, resume, stop, steer,
 * approve, reject, retry, cancel), each recorded with the actor `api`. Every path parameter,
 * query and body is checked before anything is read or changed; a refused
 * request changes nothing.
 *
 * The routes are mounted in one chain so that the returned app's type
 * carries each of them (AppType): the dashboard calls them through
 * `hc<AppType>()`, with paths, inputs and answers checked by the compiler.
 */
export function createApp(options: ServerOptions) {
  const { store, board, config } = options
  const actor = 'api'
  const controls = createControls({ store, board, actor })
  const changes = {
    git: createGit(options.repository.root),
    worktreesDir: options.repository.worktreesDir,
    target: config.target,
    remote: config.remote,
    exclude: [...config.workspace.link, ...config.workspace.copy],
    maxPatchCharacters,
    worktreeVia: (path: string) => workspaceVia(options.repository.colonyDir, path),
  }

  const app = new Hono()
    .use('/api/*', requireBearerToken(options.token, eventStreamPath))
    .use('/api/*', limitBody(maxBodyBytes))
    .route('/api', createRunRoutes({ store, controls, budget: config.budget }))
    .route('/api', createTaskRoutes({ store, controls, diff: (task) => taskDiff(task, changes) }))
    .route('/api', createAgentRoutes({ store }))
    .route('/api', createApprovalRoutes({ store, controls }))
    .route('/api', createMemoryRoutes({ store, actor }))
    .route('/api', createEventRoutes({ store, pollMs: options.pollMs ?? 500 }))

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

/** The API's routes with their inputs and answers, for `hc<AppType>()` (hono/client): import it with `import type`. */
export type AppType = ReturnType<typeof createApp>

/** `/api/tasks/:id/approve` as a regular expression over request paths. */
function pathPattern(route: string): RegExp {
  const pattern = route
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/')
  return new RegExp(`^${pattern}/?$`)
}
