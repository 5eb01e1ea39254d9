import { APICallError, RetryError } from 'ai'

/**
 * What a failed model call means to the person who configured the model:
 * `unreachable` (no HTTP answer: refused, unresolvable host, TLS, reset),
 * `unauthorized` (401, 403: the key), `unknown-model` (404), `rejected`
 * (another 4xx, or a 429 that is an exhausted quota), `rate-limited` (429),
 * `unavailable` (5xx, 408, 409), `timeout` (no answer in time), `other`.
 */
export type ModelFailureKind = 'unreachable' | 'unauthorized' | 'unknown-model' | 'rejected' | 'rate-limited' | 'unavailable' | 'timeout' | 'other'

export interface ModelFailure {
  kind: ModelFailureKind
  /** The HTTP status, when the endpoint answered. */
  status?: number
  /** The request's URL, when the provider code got as far as making one. */
  url?: string
  /** The failure in one line: the server's message, or why there was no answer. */
  detail: string
  /** Calls made, retries included. */
  attempts: number
}

const maxDetailLength = 300

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > maxDetailLength ? `${line.slice(0, maxDetailLength - 1)}…` : line
}

/** The innermost network error under a failed fetch: undici puts the system error (code, hostname) a cause or two down, or in an AggregateError. */
function networkError(error: unknown): { code?: string; hostname?: string; message: string } | undefined {
  let current: unknown = error
  let found: { code?: string; hostname?: string; message: string } | undefined
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    const fields = current as Error & { code?: unknown; hostname?: unknown; errors?: unknown[] }
    if (typeof fields.code === 'string') {
      found = { code: fields.code, message: fields.message, ...(typeof fields.hostname === 'string' && { hostname: fields.hostname }) }
    } else if (!found) {
      found = { message: fields.message }
    }
    current = fields.cause ?? (Array.isArray(fields.errors) ? fields.errors[0] : undefined)
  }
  return found
}

function unreachableDetail(error: unknown, url: string | undefined): string {
  const cause = networkError(error)
  if (!cause) return 'no answer'
  const code = cause.code
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    const host = cause.hostname ?? (url ? URL.parse(url)?.hostname : undefined)
    return `the host ${host ?? '(unknown)'} cannot be resolved (${code})`
  }
  if (code === 'ECONNREFUSED') return `connection refused: nothing answers on that address and port (${code})`
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return `the connection timed out (${code})`
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return `the connection was closed before an answer (${code})`
  return oneLine(code && !cause.message.includes(code) ? `${cause.message} (${code})` : cause.message)
}

function apiCallFailure(error: APICallError, attempts: number): ModelFailure {
  const url = error.url
  const status = error.statusCode
  if (status === undefined) return { kind: 'unreachable', url, detail: unreachableDetail(error, url), attempts }
  const detail = oneLine(error.message || `HTTP ${status}`)
  const base = { status, url, detail, attempts }
  if (status === 401 || status === 403) return { kind: 'unauthorized', ...base }
  if (status === 404) return { kind: 'unknown-model', ...base }
  // OpenAI says an exhausted quota with 429, as it says a rate limit: only the first is lasting.
  if (status === 429) return { kind: /insufficient_quota|exceeded your current quota/i.test(`${error.responseBody ?? ''} ${error.message}`) ? 'rejected' : 'rate-limited', ...base }
  if (status === 408 || status === 409 || status >= 500) return { kind: 'unavailable', ...base }
  if (status >= 400) return { kind: 'rejected', ...base }
  return { kind: 'other', ...base }
}

/**
 * What a model call's error says, through the AI SDK's error types: the last
 * error of a call that was retried, its HTTP status, the URL and the server's
 * message, or the network error under a fetch that got no answer.
 */
export function modelFailure(error: unknown): ModelFailure {
  let attempts = 1
  let last = error
  if (RetryError.isInstance(error)) {
    attempts = Math.max(1, error.errors.length)
    last = error.lastError
  }
  if (APICallError.isInstance(last)) return apiCallFailure(last, attempts)
  if (last instanceof Error && (last.name === 'TimeoutError' || last.name === 'AbortError')) return { kind: 'timeout', detail: 'no answer within the time limit', attempts }
  if (last instanceof TypeError && /fetch failed/i.test(last.message)) return { kind: 'unreachable', detail: unreachableDetail(last, undefined), attempts }
  return { kind: 'other', detail: oneLine(last instanceof Error ? last.message : String(last)), attempts }
}

/**
 * A failed model call in one line for the event log and the terminal, e.g.
 * `HTTP 401 from http://127.0.0.1:8000/v1/chat/completions: invalid key (after 5 attempts)`
 * or `cannot connect to https://api.example/v1/messages: the host api.example cannot be resolved (ENOTFOUND)`.
 */
export function describeModelFailure(failure: ModelFailure): string {
  const where = failure.url ? ` ${failure.status === undefined ? 'to' : 'from'} ${failure.url}` : ''
  const what = failure.status !== undefined ? `HTTP ${failure.status}${where}: ${failure.detail}` : failure.kind === 'unreachable' ? `cannot connect${where}: ${failure.detail}` : failure.detail
  return `${what}${failure.attempts > 1 ? ` (after ${failure.attempts} attempts)` : ''}`
}
