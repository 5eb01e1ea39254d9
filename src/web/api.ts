import { hc, type ClientResponse, type InferResponseType } from 'hono/client'
import type { AppType, ErrorBody } from '../server/index.ts'

/** The token `colony serve` printed: given once in the URL's #token=..., kept for this tab. */
export function tokenFromPage(): string | undefined {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token')
  if (fromHash) {
    sessionStorage.setItem('colony-token', fromHash)
    history.replaceState(null, '', location.pathname)
  }
  return fromHash ?? sessionStorage.getItem('colony-token') ?? undefined
}

export class ApiError extends Error {
  readonly hint: string | undefined

  constructor(message: string, hint?: string) {
    super(message)
    this.hint = hint
  }
}

function createClient(base: string, token: string) {
  return hc<AppType>(base, { headers: { authorization: `Bearer ${token}` } })
}

/** The API's routes as the server defines them (src/server: AppType): `routes.tasks[':id'].retry.$post({ param: { id: '3' }, json: {} })`. */
export type ApiRoutes = ReturnType<typeof createClient>['api']

/**
 * `colony serve`'s API, called through Hono's typed client: each path, its
 * parameters, query and body, and the answer's type come from the server's
 * routes, so a route the server changes fails this build instead of the page.
 * `events` opens the live stream, which the browser resumes on its own after
 * a drop (Last-Event-ID).
 *
 * @example
 * const tasks = await answer(createApi(token).routes.tasks.$get())
 */
export function createApi(token: string) {
  // Relative to the page, as the dashboard may be served under a path prefix.
  const client = createClient(new URL('.', location.href).href, token)
  return {
    routes: client.api,
    // EventSource cannot send headers: the stream is the one path that takes ?token=.
    events: (afterId: number) => new EventSource(client.api.events.stream.$url({ query: { token, after: String(afterId) } })),
  }
}

export type Api = ReturnType<typeof createApi>

/** A call to one of the routes, not yet answered. */
export type Call = Promise<ClientResponse<unknown, number, 'json'>>

/** Runs a call on the API, then looks again; a refusal is shown to the person. */
export type Act = (call: (routes: ApiRoutes) => Call) => Promise<void>

/**
 * The body of a route's answer, typed by the route; a refusal becomes an
 * ApiError carrying the server's words (ErrorBody: what went wrong and what to do).
 */
export async function answer<Output>(call: Promise<ClientResponse<Output, number, 'json'>>): Promise<Output> {
  const response = await call
  if (response.ok) return response.json()
  // A proxy in the way may answer with something other than Colony's JSON.
  const body = (await response.json().catch(() => ({}))) as Partial<ErrorBody>
  throw new ApiError(body.error ?? `${response.status} ${response.statusText}`, body.hint)
}

/** What went wrong, for the person: the server's words and its hint, when it gave one. */
export function describeProblem(error: unknown): string {
  if (error instanceof ApiError) return error.hint ? `${error.message} — ${error.hint}` : error.message
  return error instanceof Error ? error.message : String(error)
}

type Answer<Route> = InferResponseType<Route>

export type Status = Answer<ApiRoutes['status']['$get']>
export type Task = Answer<ApiRoutes['tasks']['$get']>[number]
export type TaskDetails = Answer<ApiRoutes['tasks'][':id']['$get']>
/** A task's change as GET /api/tasks/ID/diff answers it (src/git taskDiff): the gated candidate, the merged commit, or the worktree. */
export type TaskChange = Answer<ApiRoutes['tasks'][':id']['diff']['$get']>
export type Agent = Answer<ApiRoutes['agents']['$get']>[number]
export type TranscriptEntry = Answer<ApiRoutes['agents'][':id']['transcript']['$get']>[number]
export type CommandApproval = Answer<ApiRoutes['approvals']['$get']>['commands'][number]
/** A memory as GET /api/memory lists it (with `score` when it answers a search). */
export type Memory = Answer<ApiRoutes['memory']['$get']>['memories'][number]
/** An event as GET /api/events lists it; the stream sends each in the same form (both are the store's eventToJson). */
export type ColonyEvent = Answer<ApiRoutes['events']['$get']>[number]
