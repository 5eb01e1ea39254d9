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

export function createApi(token: string) {
  async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await fetch(`api${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } })
    const body = (await response.json().catch(() => ({}))) as { error?: string; hint?: string }
    if (!response.ok) throw new ApiError(body.error ?? `${response.status} ${response.statusText}`, body.hint)
    return body as T
  }
  return {
    get: <T,>(path: string) => call<T>(path),
    post: <T,>(path: string, body: Record<string, unknown> = {}) => call<T>(path, { method: 'POST', body: JSON.stringify(body) }),
    events: (afterId: number) => new EventSource(`api/events/stream?token=${encodeURIComponent(token)}&after=${afterId}`),
  }
}

export type Api = ReturnType<typeof createApi>

export interface Status {
  run: { id: number; goal: string | null; status: string; target: string; reason: string | null; createdAt: string }
  tasks: Record<string, number>
  agents: Agent[]
  /** The colony run and colony worker processes working on the run. */
  processes: { command: string; instance: string; workers: number; since: string }[]
  usage: { calls: number; inputTokens: number; outputTokens: number; costUsd: number }
  budget: { usd?: number; tokens?: number; hours?: number }
}

export interface Agent {
  id: number
  role: string
  status: string
  taskId: number | null
  model: string | null
  activity: string | null
}

export interface Task {
  id: number
  kind: 'plan' | 'work'
  title: string
  status: string
  attempt: number
  maxAttempts: number
  owner: string | null
  reason: string | null
}

export interface ColonyEvent {
  id: number
  time: string
  type: string
  taskId: number | null
  agentId: number | null
  data: Record<string, unknown>
}
